/**
 * The domain events' contracts: one zod schema per event type, the source of the JSON Schemas published in
 * `docs/events/` (`npm run events:schemas`; a test fails when they are out of date) for integrators to
 * validate against. Every field is an id, a state, a count, a time or a URL: nothing read from a chart.
 */
import { z } from "zod";
import { DOCUMENT_TYPE_NAMES } from "../domain/document-types";
import { REASON_CODES, STATUSES } from "../domain/status";
import { EVENT_SOURCE } from "./domain-events";

const isoTime = z.iso.datetime({ offset: true }).describe("ISO 8601 time");
const id = (what: string) => z.string().min(1).max(200).describe(what);

/** The envelope every event shares: `id` is the same for every announcement of the same change. */
function eventSchema<T extends string, D extends z.ZodType>(type: T, detail: D, description: string) {
  return z
    .object({
      id: id("Stable per change: a consumer drops an id it has seen (delivery is at least once)"),
      type: z.literal(type),
      time: isoTime,
      detail,
    })
    .strict()
    .describe(description);
}

const recordDetail = z
  .object({
    recordId: id("The record's id (GET /records/{id})"),
    version: z.number().int().positive().describe("The record version this event is about"),
    status: z.enum(STATUSES),
    reasonCode: z
      .enum(Object.keys(REASON_CODES) as [string, ...string[]])
      .optional()
      .describe("Why the record is in its status, when it says"),
    documentType: z.enum(DOCUMENT_TYPE_NAMES).optional(),
    pageCount: z.number().int().nonnegative().optional(),
    fileRecordId: id("For a part of a split scan: the record of the uploaded file").optional(),
    part: z.number().int().positive().optional(),
    batchId: id("The vendor batch the scan was delivered in, if any").optional(),
    correctedFields: z
      .array(z.string().max(100))
      .optional()
      .describe("record.corrected: the fields a person changed"),
    changedAt: isoTime,
    recordUrl: z.string().describe("Where to fetch the record, on the records API (authorized callers only)"),
    documentReferenceUrl: z
      .string()
      .optional()
      .describe(
        "record.indexed: the record as a FHIR DocumentReference (clients with system/DocumentReference.read)",
      ),
  })
  .strict();

export const RECORD_EVENT_TYPES = [
  "record.indexed",
  "record.needs-review",
  "record.rejected",
  "record.corrected",
] as const;
export type RecordEventType = (typeof RECORD_EVENT_TYPES)[number];

const RECORD_EVENT_DESCRIPTIONS: Record<RecordEventType, string> = {
  "record.indexed": "A record is filed: extracted, checked and searchable",
  "record.needs-review": "A record needs a person: a field is missing or unsure",
  "record.rejected": "An upload was refused (reasonCode says why)",
  "record.corrected": "A person corrected fields of a record",
};

const batchDetail = z
  .object({
    batchId: id("The batch's id (GET /batches/{id})"),
    vendor: id("The scanning vendor"),
    batchName: id("The vendor's batch name"),
    counts: z.record(z.string(), z.number().int().nonnegative()).describe("Files per state"),
    expectedFiles: z.number().int().nonnegative(),
    unexpectedFiles: z.number().int().nonnegative(),
    completedAt: isoTime,
    reportUrl: z.string().describe("The reconciliation report, on the records API"),
  })
  .strict();

export const EVENT_SCHEMAS = {
  ...(Object.fromEntries(
    RECORD_EVENT_TYPES.map((type) => [
      type,
      eventSchema(type, recordDetail, RECORD_EVENT_DESCRIPTIONS[type]),
    ]),
  ) as { [T in RecordEventType]: ReturnType<typeof eventSchema<T, typeof recordDetail>> }),
  "batch.completed": eventSchema(
    "batch.completed",
    batchDetail,
    "Every file of a closed batch is in a final state: the delivery can be signed off",
  ),
};

export type EventType = keyof typeof EVENT_SCHEMAS;
export type RecordEventDetail = z.infer<typeof recordDetail>;
export type BatchCompletedDetail = z.infer<typeof batchDetail>;

/** The JSON Schema (draft 2020-12) of an event type, as published in docs/events/. */
export function eventJsonSchema(type: EventType): Record<string, unknown> {
  return {
    $id: `https://chartbridge.dev/events/${type}.schema.json`,
    ...z.toJSONSchema(EVENT_SCHEMAS[type], { target: "draft-2020-12" }),
  };
}

/**
 * The JSON Schema (draft 4, what the EventBridge schema registry takes) of an event type as it arrives on the
 * bus: EventBridge's envelope, `source` chartbridge, `detail-type` the event type, and `detail` the event's
 * detail with its id as `eventId` (shared/adapters/eventbridge/eventbridge-publisher.ts).
 */
export function eventBridgeJsonSchema(type: EventType): Record<string, unknown> {
  const detail = EVENT_SCHEMAS[type].shape.detail.extend({ eventId: id("The event's id: drop repeats") });
  const { $schema: _, ...detailSchema } = z.toJSONSchema(detail, { target: "draft-4" });
  return {
    $schema: "http://json-schema.org/draft-04/schema#",
    title: type,
    description: EVENT_SCHEMAS[type].description,
    type: "object",
    required: ["detail-type", "source", "detail"],
    properties: {
      version: { type: "string" },
      id: { type: "string" },
      account: { type: "string" },
      time: { type: "string", format: "date-time" },
      region: { type: "string" },
      resources: { type: "array", items: { type: "string" } },
      source: { type: "string", enum: [EVENT_SOURCE] },
      "detail-type": { type: "string", enum: [type] },
      detail: detailSchema,
    },
  };
}
