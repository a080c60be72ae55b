/**
 * Re-runs split and extraction on a file's stored OCR output with today's rules: no new OCR. Every record of
 * the file (its parts, when it was split) gets a new version; what a person corrected is kept. The split itself
 * is not redone on records already filed: when today's rules would split the file differently, the records
 * keep their pages and the answer says so (`splitDiffers`), for a person to decide; re-filing pages
 * automatically could move them to another patient's chart.
 */
import { revise, transition, type ChartRecord } from "../domain/chart-record";
import { withHumanCorrections } from "../domain/field-corrections";
import type { ReasonCode } from "../domain/status";
import { ChartbridgeError } from "../errors/chartbridge-error";
import { extractPart, needsReview, pageRange, plainText, splitDocuments } from "../extraction";
import { ocrTextKey } from "./complete-ocr";
import { readStoredOcrResult } from "./read-ocr-result";
import type { ObjectStore, RecordStore } from "./ports";

export interface ReprocessDeps {
  records: Pick<RecordStore, "get" | "save">;
  objects: Pick<ObjectStore, "getStream" | "putText">;
  reviewThreshold: number;
  now(): string;
}

/** Only records with extracted fields and stored OCR output can be reprocessed. */
export class NotReprocessableError extends ChartbridgeError {
  constructor() {
    super(
      { name: "NotReprocessableError", code: "NOT_REPROCESSABLE", retryable: false },
      "only INDEXED, NEEDS_REVIEW and EXTRACTED records with stored OCR output can be reprocessed",
    );
  }
}

const REPROCESSABLE = new Set<ChartRecord["status"]>(["INDEXED", "NEEDS_REVIEW", "EXTRACTED"]);

export interface ReprocessOutcome {
  fileRecordId: string;
  records: { id: string; status: ChartRecord["status"]; version: number; changedFields: string[] }[];
  /** Today's rules would split the file into these page ranges instead (nothing was re-filed). */
  splitDiffers?: [number, number][];
}

/** The records of the file `record` belongs to, each re-read: the file's own first. */
export async function fileRecords(
  record: ChartRecord,
  deps: Pick<ReprocessDeps, "records">,
): Promise<ChartRecord[]> {
  const fileId = record.split?.fileRecordId ?? record.id;
  const file = fileId === record.id ? record : await deps.records.get(fileId);
  const ids = file?.split?.partIds ?? [fileId];
  const records = await Promise.all(ids.map((id) => (id === record.id ? record : deps.records.get(id))));
  return records.filter((r): r is ChartRecord => r !== undefined);
}

/** Re-extracts every record in `records` (one file's) and saves each as a new version. */
export async function reprocessFile(records: ChartRecord[], deps: ReprocessDeps): Promise<ReprocessOutcome> {
  const file = records[0]!;
  const ocr = file.ocr;
  if (!ocr?.resultBucket || !ocr.resultKey || records.some((r) => !REPROCESSABLE.has(r.status))) {
    throw new NotReprocessableError();
  }
  // Parsed as it streams: a 3,000-page result is larger than one string can hold.
  const model = await readStoredOcrResult(deps.objects, ocr.resultBucket, ocr.resultKey);
  const now = deps.now();
  const outcome: ReprocessOutcome = { fileRecordId: file.split?.fileRecordId ?? file.id, records: [] };

  const ranges = splitDocuments(model).map((r) => r.pages);
  const current = records.map((r): [number, number] => r.split?.pages ?? [1, Math.max(1, model.pageCount)]);
  const sameSplit =
    (ranges.length <= 1 && current.length === 1) ||
    (ranges.length === current.length &&
      ranges.every((r, i) => r[0] === current[i]![0] && r[1] === current[i]![1]));
  if (!sameSplit) outcome.splitDiffers = ranges.length > 1 ? ranges : [current[0]!];

  for (const record of records) {
    const pages = record.split?.pages;
    const read = extractPart(model, pages);
    const fields = withHumanCorrections(read.fields, record);
    const lineCount = pageRange(model, pages).lines.length;
    const review =
      lineCount === 0
        ? { reasonCode: "NO_TEXT_FOUND" as ReasonCode }
        : needsReview({ ...read, fields }, deps.reviewThreshold);
    const next = reextracted(record, { ...read, fields }, review?.reasonCode, now);
    await deps.objects.putText(ocr.resultBucket, ocrTextKey(record.id), plainText(model, pages));
    await deps.records.save(next);
    outcome.records.push({
      id: next.id,
      status: next.status,
      version: next.version,
      changedFields: changedFields(record, next),
    });
  }
  return outcome;
}

/** The record with the new extraction, one version later, its history saying it was reprocessed. */
function reextracted(
  record: ChartRecord,
  read: Pick<ChartRecord, "fields" | "diagnoses" | "medications" | "allergies"> & {
    documentType: ChartRecord["documentType"];
    pageCount: number;
  },
  reviewReason: ReasonCode | undefined,
  now: string,
): ChartRecord {
  const changes = {
    documentType: read.documentType,
    pageCount: read.pageCount || record.pageCount,
    fields: read.fields,
    diagnoses: read.diagnoses,
    medications: read.medications,
    allergies: read.allergies,
  };
  const to = reviewReason ? "NEEDS_REVIEW" : "EXTRACTED";
  if (record.status !== to) {
    return transition({ ...record, ...changes }, to, {
      now,
      ...(reviewReason ? { reasonCode: reviewReason } : {}),
      detail: "reprocessed",
    });
  }
  // Already there: a new version all the same, with the reprocessing in its history.
  const revised = revise(
    record,
    { ...changes, ...(reviewReason ? { statusReason: reviewReason } : {}) },
    now,
  );
  return {
    ...revised,
    history: [
      ...record.history,
      {
        from: record.status,
        to,
        at: now,
        ...(reviewReason ? { reasonCode: reviewReason } : {}),
        detail: "reprocessed",
      },
    ],
  };
}

function changedFields(before: ChartRecord, after: ChartRecord): string[] {
  const names = new Set([...Object.keys(before.fields), ...Object.keys(after.fields)]) as Set<
    keyof ChartRecord["fields"]
  >;
  const changed = [...names].filter((n) => before.fields[n]?.value !== after.fields[n]?.value);
  if (before.documentType !== after.documentType) changed.push("documentType" as never);
  return changed.sort();
}
