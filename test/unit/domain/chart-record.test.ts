import { describe, expect, it } from "vitest";
import { newRecord, transition, type ChartRecord } from "../../../shared/domain/chart-record";
import { InvalidTransitionError } from "../../../shared/domain/status";

const T0 = "2024-05-01T10:00:00.000Z";
const T1 = "2024-05-01T10:00:05.000Z";
const T2 = "2024-05-01T10:01:00.000Z";

function record(): ChartRecord {
  return newRecord({
    id: "doc_0123456789abcdef0123456789abcdef",
    sha256: "ab".repeat(32),
    source: { bucket: "scans", key: "acme/batch-1/chart.pdf", size: 1234, vendor: "acme", batch: "batch-1" },
    fileType: "pdf",
    pageCount: 2,
    now: T0,
  });
}

describe("newRecord", () => {
  it("starts RECEIVED at version 1 with one history entry and no extracted data", () => {
    const r = record();
    expect(r.status).toBe("RECEIVED");
    expect(r.version).toBe(1);
    expect(r.history).toEqual([{ from: null, to: "RECEIVED", at: T0 }]);
    expect(r.createdAt).toBe(T0);
    expect(r.updatedAt).toBe(T0);
    expect(r.fields).toEqual({});
    expect(r.diagnoses).toEqual([]);
    expect(r.medications).toEqual([]);
    expect(r.allergies).toEqual([]);
    expect(r.statusReason).toBeUndefined();
    expect(r.fileType).toBe("pdf");
    expect(r.pageCount).toBe(2);
    expect(r.source.key).toBe("acme/batch-1/chart.pdf");
  });
});

describe("transition", () => {
  it("moves the record, appends to history, bumps the version and updatedAt", () => {
    const r = transition(record(), "OCR_PENDING", { now: T1 });
    expect(r.status).toBe("OCR_PENDING");
    expect(r.version).toBe(2);
    expect(r.updatedAt).toBe(T1);
    expect(r.createdAt).toBe(T0);
    expect(r.history).toEqual([
      { from: null, to: "RECEIVED", at: T0 },
      { from: "RECEIVED", to: "OCR_PENDING", at: T1 },
    ]);
  });

  it("records the reason code and detail on the history entry and as the status reason", () => {
    const r = transition(record(), "REJECTED", {
      now: T1,
      reasonCode: "TOO_MANY_PAGES",
      detail: "pages=3120",
    });
    expect(r.status).toBe("REJECTED");
    expect(r.statusReason).toBe("TOO_MANY_PAGES");
    expect(r.history.at(-1)).toEqual({
      from: "RECEIVED",
      to: "REJECTED",
      at: T1,
      reasonCode: "TOO_MANY_PAGES",
      detail: "pages=3120",
    });
  });

  it("clears the previous status reason when the next transition gives none", () => {
    const failed = transition(record(), "FAILED", { now: T1, reasonCode: "OCR_START_FAILED" });
    const retried = transition(failed, "OCR_PENDING", { now: T2 });
    expect(failed.statusReason).toBe("OCR_START_FAILED");
    expect(retried.statusReason).toBeUndefined();
    expect(retried.history.at(-1)).toEqual({ from: "FAILED", to: "OCR_PENDING", at: T2 });
    expect(retried.version).toBe(3);
  });

  it("does not mutate the input record", () => {
    const original = record();
    const snapshot = structuredClone(original);
    const next = transition(original, "OCR_PENDING", { now: T1, reasonCode: "OCR_FAILED" });
    expect(original).toEqual(snapshot);
    expect(next.history).not.toBe(original.history);
  });

  it("walks the happy path RECEIVED → OCR_PENDING → EXTRACTED → INDEXED", () => {
    let r = record();
    r = transition(r, "OCR_PENDING", { now: T1 });
    r = transition(r, "EXTRACTED", { now: T1 });
    r = transition(r, "INDEXED", { now: T2 });
    expect(r.status).toBe("INDEXED");
    expect(r.version).toBe(4);
    expect(r.history.map((h) => h.to)).toEqual(["RECEIVED", "OCR_PENDING", "EXTRACTED", "INDEXED"]);
  });

  it("refuses RECEIVED → EXTRACTED with InvalidTransitionError and leaves the record as it was", () => {
    const r = record();
    let caught: unknown;
    try {
      transition(r, "EXTRACTED", { now: T1 });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(InvalidTransitionError);
    expect(caught).toMatchObject({ from: "RECEIVED", to: "EXTRACTED" });
    expect(r.status).toBe("RECEIVED");
    expect(r.version).toBe(1);
    expect(r.history).toHaveLength(1);
  });

  it.each(["REJECTED", "DUPLICATE"] as const)("a %s record cannot be moved again", (final) => {
    const r = transition(record(), final, {
      now: T1,
      reasonCode: final === "DUPLICATE" ? "DUPLICATE_CONTENT" : "EMPTY_FILE",
    });
    for (const to of ["OCR_PENDING", "FAILED", "RECEIVED", "EXTRACTED"] as const) {
      expect(() => transition(r, to, { now: T2 })).toThrow(InvalidTransitionError);
    }
  });
});
