import type { ChartRecord } from "../domain/chart-record";
import {
  allFilesFinal,
  batchFileOfKey,
  batchIdFor,
  fileStateOf,
  isFileRecord,
  recordIdsOf,
  type BatchFile,
} from "./batch";
import type { BatchDeps } from "./batch-deps";
import { BatchFileContentionError } from "./errors";

export type TrackOutcome = "not-in-a-batch" | "updated" | "unchanged" | "stale";

/** Optimistic retries against concurrent writers of the same file before the delivery is retried. */
const MAX_RACES = 5;

/**
 * Brings a batch file up to date with the record of its upload, from the records table's stream. Stream
 * deliveries repeat and arrive out of order across records: a record version already seen, or the record of
 * an older upload of the same name, changes nothing. When the last file of a closed batch becomes final, the
 * batch completes (and its `batch.completed` event follows from the stream).
 */
export async function trackBatchFile(
  record: ChartRecord,
  deps: Pick<BatchDeps, "batches" | "now" | "logger">,
): Promise<TrackOutcome> {
  // Parts 2… of a split scan speak for no file: part 1 lists them all.
  if (!isFileRecord(record)) return "unchanged";
  const where = batchFileOfKey(record.source.key);
  if (!where) return "not-in-a-batch";
  const batchId = batchIdFor(where.vendor, where.batchName);
  for (let race = 0; race < MAX_RACES; race++) {
    const batch = await deps.batches.get(batchId);
    // Uploaded under a prefix nobody created a batch for (the older, manifest-less way): tracked as a record only.
    if (!batch) return "not-in-a-batch";
    const file = await deps.batches.getFile(batchId, where.fileName);
    const next = nextFile(file, record, batchId, deps.now());
    if (next === "stale") return "stale";
    if (next === "unchanged") return "unchanged";
    if (await deps.batches.replaceFile(next, file)) {
      if (!file) deps.logger.info("Unexpected file in batch", { batchId, documentId: record.id });
      const after = await deps.batches.get(batchId);
      if (
        after &&
        allFilesFinal(after) &&
        after.status === "CLOSED" &&
        (await deps.batches.complete(batchId, deps.now()))
      )
        deps.logger.info("Batch completed", { batchId });
      return "updated";
    }
  }
  throw new BatchFileContentionError();
}

/** The file as `record` says it now is; "stale" when the file already reflects a newer record or upload. */
function nextFile(
  file: BatchFile | undefined,
  record: ChartRecord,
  batchId: string,
  now: string,
): BatchFile | "stale" | "unchanged" {
  if (file?.documentId && file.documentId !== record.id) {
    // A later upload of the same name replaces an earlier one, unless it is the same bytes again (DUPLICATE
    // of the file's own record): a repeated upload does not hide the outcome of the first.
    if (record.duplicateOf === file.documentId) return "stale";
    const older =
      record.createdAt < file.recordCreatedAt! ||
      (record.createdAt === file.recordCreatedAt && record.id < file.documentId);
    if (older) return "stale";
  } else if (file?.documentId === record.id && record.version <= (file.recordVersion ?? 0)) {
    return "stale";
  }
  const state = fileStateOf(record.status);
  const next: BatchFile = {
    ...(file ?? {
      batchId,
      name: batchFileOfKey(record.source.key)!.fileName,
      expected: false,
      size: record.source.size,
      sha256: record.sha256,
    }),
    state,
    documentId: record.id,
    recordVersion: record.version,
    recordCreatedAt: record.createdAt,
    recordIds: recordIdsOf(record),
    receivedAt: file?.receivedAt ?? record.createdAt,
    updatedAt: now,
  };
  if (record.statusReason) next.reasonCode = record.statusReason;
  else delete next.reasonCode;
  if (state !== "PROCESSING") next.finishedAt = record.updatedAt;
  else delete next.finishedAt;
  const same =
    file &&
    file.state === next.state &&
    file.documentId === next.documentId &&
    file.reasonCode === next.reasonCode &&
    file.recordIds.join() === next.recordIds.join() &&
    file.recordVersion === next.recordVersion;
  return same ? "unchanged" : next;
}
