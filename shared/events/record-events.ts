/**
 * The record events a stored change announces (from the records table's stream): a record filed, sent to
 * review, rejected, or corrected by a person. One event per state change; its id is the record id and the
 * version that made the change, so however often the stream repeats the change, consumers see it once.
 */
import { documentReferenceId } from "../fhir/fhir-ids";
import { batchFileOfKey, batchIdFor } from "../batches/batch";
import type { ChartRecord } from "../domain/chart-record";
import type { DocumentStatus } from "../domain/status";
import type { DomainEvent } from "./domain-events";
import type { RecordEventDetail, RecordEventType } from "./event-schemas";

export type RecordEvent = DomainEvent<RecordEventType, RecordEventDetail>;

/** The status a record enters that is announced, and as what. */
const ANNOUNCED: Partial<Record<DocumentStatus, RecordEventType>> = {
  INDEXED: "record.indexed",
  NEEDS_REVIEW: "record.needs-review",
  REJECTED: "record.rejected",
};

/** What the change from `before` (absent: a new record) to `after` announces; often nothing. */
export function recordEventsFor(before: ChartRecord | undefined, after: ChartRecord): RecordEvent[] {
  const events: RecordEvent[] = [];
  const corrections = after.corrections ?? [];
  const newCorrections = corrections.slice(before?.corrections?.length ?? 0);
  if (before && newCorrections.length > 0) {
    const fields = [...new Set(newCorrections.map((c) => c.field))];
    events.push(event("record.corrected", after, { correctedFields: fields }));
  }
  const entered = ANNOUNCED[after.status];
  if (entered && before?.status !== after.status) events.push(event(entered, after));
  return events;
}

function event(
  type: RecordEventType,
  record: ChartRecord,
  extra: Partial<RecordEventDetail> = {},
): RecordEvent {
  const where = batchFileOfKey(record.source.key);
  return {
    id: `${type}:${record.id}:v${record.version}`,
    type,
    time: record.updatedAt,
    detail: {
      recordId: record.id,
      version: record.version,
      status: record.status,
      ...(record.statusReason ? { reasonCode: record.statusReason } : {}),
      ...(record.documentType ? { documentType: record.documentType } : {}),
      ...(record.pageCount !== undefined ? { pageCount: record.pageCount } : {}),
      ...(record.split ? { fileRecordId: record.split.fileRecordId, part: record.split.part } : {}),
      ...(where ? { batchId: batchIdFor(where.vendor, where.batchName) } : {}),
      ...extra,
      changedAt: record.updatedAt,
      recordUrl: `/records/${record.id}`,
      // Filed records are what the FHIR API serves.
      ...(record.status === "INDEXED"
        ? { documentReferenceUrl: `/fhir/DocumentReference/${documentReferenceId(record.id)}` }
        : {}),
    },
  };
}
