/**
 * Record events from stored changes: one per state change, ids that repeat with the change, nothing read from
 * a chart, and every event valid against its published JSON Schema (docs/events/, checked with Ajv).
 */
import { readFileSync } from "node:fs";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { describe, expect, it } from "vitest";
import { eventSchemaFiles } from "../../../scripts/event-schemas";
import { newRecord, transition, type ChartRecord } from "../../../shared/domain/chart-record";
import { batchCompletedEvent, type DomainEvent } from "../../../shared/events/domain-events";
import { EVENT_SCHEMAS, type EventType } from "../../../shared/events/event-schemas";
import { recordEventsFor } from "../../../shared/events/record-events";

const ajv = new Ajv2020({ allErrors: true, strict: true });
addFormats.default(ajv);
const validators = new Map<string, ReturnType<typeof ajv.compile>>();
for (const [file] of await eventSchemaFiles()) {
  const schema = JSON.parse(readFileSync(file, "utf8")) as { properties: { type: { const: string } } };
  validators.set(schema.properties.type.const, ajv.compile(schema));
}

/** Fails unless `event` is valid against the published schema of its type. */
function expectValid(event: DomainEvent) {
  const validate = validators.get(event.type);
  expect(validate, event.type).toBeDefined();
  expect(validate!(event) ? [] : validate!.errors, event.type).toEqual([]);
  expect(EVENT_SCHEMAS[event.type as EventType].safeParse(event).success).toBe(true);
}

const now = (s: number) => `2026-12-04T10:00:${String(s).padStart(2, "0")}.000Z`;
const received = (): ChartRecord => ({
  ...newRecord({
    id: "doc_1",
    sha256: "a".repeat(64),
    source: { bucket: "uploads", key: "acme/box-7/Smith John 1962-03-14.pdf", versionId: "v1", size: 10 },
    fileType: "pdf",
    now: now(0),
  }),
  fields: { patientName: { value: "John Smith", confidence: 0.97, source: "ocr" } } as ChartRecord["fields"],
});
const step = (r: ChartRecord, to: ChartRecord["status"], s: number, reasonCode?: "NO_TEXT_FOUND") =>
  transition(r, to, { now: now(s), ...(reasonCode ? { reasonCode } : {}) });

describe("record events", () => {
  it("announces a record filed, once per change, with ids, states and links only", () => {
    const pending = step(received(), "OCR_PENDING", 1);
    const extracted = {
      ...step(pending, "EXTRACTED", 2),
      documentType: "progress_note" as const,
      pageCount: 2,
    };
    const indexed = step(extracted, "INDEXED", 3);
    expect(recordEventsFor(pending, extracted)).toEqual([]);
    const [event] = recordEventsFor(extracted, indexed);
    expect(event).toEqual({
      id: `record.indexed:doc_1:v${indexed.version}`,
      type: "record.indexed",
      time: now(3),
      detail: {
        recordId: "doc_1",
        version: indexed.version,
        status: "INDEXED",
        documentType: "progress_note",
        pageCount: 2,
        batchId: expect.stringMatching(/^bat_/),
        changedAt: now(3),
        recordUrl: "/records/doc_1",
        documentReferenceUrl: "/fhir/DocumentReference/doc-1",
      },
    });
    expectValid(event!);
    // The stream repeats the change: the same event, the same id.
    expect(recordEventsFor(extracted, indexed)).toEqual([event]);
    // No name, date of birth or file name in it.
    expect(JSON.stringify(event)).not.toMatch(/Smith|1962|\.pdf|box-7/);
  });

  it("announces review and refusal with their reason", () => {
    const pending = step(received(), "OCR_PENDING", 1);
    const review = step(pending, "NEEDS_REVIEW", 2, "NO_TEXT_FOUND");
    const [needsReview] = recordEventsFor(pending, review);
    expect(needsReview).toMatchObject({
      type: "record.needs-review",
      detail: { reasonCode: "NO_TEXT_FOUND" },
    });
    expectValid(needsReview!);
    const rejected = transition(received(), "REJECTED", { now: now(1), reasonCode: "CHECKSUM_MISMATCH" });
    const [refusal] = recordEventsFor(undefined, rejected); // written REJECTED at once
    expect(refusal).toMatchObject({ type: "record.rejected", detail: { reasonCode: "CHECKSUM_MISMATCH" } });
    expectValid(refusal!);
  });

  it("announces a person's correction, and the filing it leads to", () => {
    const review = step(step(received(), "OCR_PENDING", 1), "NEEDS_REVIEW", 2, "NO_TEXT_FOUND");
    const correction = {
      field: "dateOfBirth" as const,
      oldValue: null,
      newValue: "1962-03-14",
      by: { sub: "u1", name: "Records Clerk" },
      at: now(5),
      reason: "read from the page",
      version: review.version + 1,
    };
    const corrected = { ...step(review, "INDEXED", 5), corrections: [correction] };
    const events = recordEventsFor(review, corrected);
    expect(events.map((e) => e.type)).toEqual(["record.corrected", "record.indexed"]);
    expect(events[0]!.detail.correctedFields).toEqual(["dateOfBirth"]);
    expect(JSON.stringify(events)).not.toMatch(/1962|Clerk/);
    events.forEach(expectValid);
  });

  it("publishes batch.completed valid against its schema too", () => {
    const event = batchCompletedEvent({
      id: "bat_1",
      vendor: "acme",
      name: "box-7",
      status: "COMPLETED",
      manifestSha256: "0".repeat(64),
      expectedFiles: 1,
      unexpectedFiles: 0,
      expectedBytes: 10,
      counts: {
        AWAITING_UPLOAD: 0,
        PROCESSING: 0,
        INDEXED: 1,
        NEEDS_REVIEW: 0,
        REJECTED: 0,
        DUPLICATE: 0,
        FAILED: 0,
      },
      createdBy: "u",
      createdAt: now(0),
      closesAt: now(9),
      closedAt: now(8),
      completedAt: now(9),
      updatedAt: now(9),
    });
    expectValid(event);
  });
});

describe("the published event schemas", () => {
  it("are up to date with shared/events/event-schemas.ts (npm run events:schemas)", async () => {
    for (const [file, text] of await eventSchemaFiles())
      expect(readFileSync(file, "utf8"), file.pathname).toBe(text);
  });
});
