import type { RecordStore } from "../pipeline/ports";
import { allFilesFinal } from "./batch";
import type { BatchDeps } from "./batch-deps";
import { trackBatchFile } from "./track-batch-file";

export interface RetrackOptions {
  /** Batches closed at least this long ago (their stream updates have had time to arrive). Default 1 hour. */
  closedForMs?: number;
  /** Batches looked at per run. Default 20. */
  limit?: number;
}

/**
 * The safety net under the stream: a closed batch whose files still say PROCESSING although their records
 * are final (the stream update was dropped: its consumer failed past its retries and the change went to the
 * failure queue) would never complete. For each batch closed a while ago and not completed, every PROCESSING
 * file with a record is brought up to date from the record as it is now, exactly as the stream consumer
 * would (trackBatchFile: repeated or stale changes change nothing); a batch whose files are all final but
 * which is not completed is completed. Returns how many files it updated.
 */
export async function retrackUnfinishedBatches(
  deps: Pick<BatchDeps, "batches" | "now" | "logger"> & { records: Pick<RecordStore, "get"> },
  opts: RetrackOptions = {},
): Promise<number> {
  const closedBefore = new Date(Date.parse(deps.now()) - (opts.closedForMs ?? 60 * 60_000)).toISOString();
  let updated = 0;
  for (const batchId of await deps.batches.listUnfinished(closedBefore, opts.limit ?? 20)) {
    let cursor: string | undefined;
    do {
      const page = await deps.batches.listFiles(batchId, { limit: 1000, ...(cursor ? { cursor } : {}) });
      for (const file of page.items) {
        if (file.state !== "PROCESSING" || !file.documentId) continue;
        const record = await deps.records.get(file.documentId);
        if (record && (await trackBatchFile(record, deps)) === "updated") updated += 1;
      }
      cursor = page.nextCursor;
    } while (cursor);
    // Every file final but the completion itself was lost (its write failed after the last file's): complete.
    const batch = await deps.batches.get(batchId);
    if (
      batch?.status === "CLOSED" &&
      allFilesFinal(batch) &&
      (await deps.batches.complete(batchId, deps.now()))
    )
      deps.logger.info("Batch completed", { batchId });
  }
  if (updated > 0) deps.logger.warn("Batch files re-tracked from their records", { updated });
  return updated;
}
