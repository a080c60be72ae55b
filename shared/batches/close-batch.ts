import { allFilesFinal, type Batch, type BatchFile } from "./batch";
import type { BatchDeps } from "./batch-deps";

/**
 * Closes an open batch (the vendor says the delivery is whole, or its deadline passed): entries never uploaded
 * become MISSING. The bucket is the truth about what arrived: an object whose record is not written yet (its
 * event still queued) is in the pipeline, not missing, so the batch's prefix is listed first and such entries
 * are marked PROCESSING. Closing a closed batch changes nothing.
 */
export async function closeBatch(
  batch: Batch,
  deps: Pick<BatchDeps, "batches" | "listing" | "now" | "logger">,
): Promise<Batch> {
  if (batch.status !== "OPEN") return batch;
  const awaiting = new Map<string, BatchFile>();
  let cursor: string | undefined;
  do {
    const page = await deps.batches.listFiles(batch.id, { limit: 1000, ...(cursor ? { cursor } : {}) });
    for (const file of page.items) if (file.state === "AWAITING_UPLOAD") awaiting.set(file.name, file);
    cursor = page.nextCursor;
  } while (cursor);

  const prefix = `${batch.vendor}/${batch.name}/`;
  let arrived = 0;
  for await (const key of deps.listing.listKeys(prefix)) {
    const file = awaiting.get(key.slice(prefix.length));
    if (!file) continue;
    const now = deps.now();
    // A concurrent write means the record's own update got there first: nothing left to mark.
    if (
      await deps.batches.replaceFile({ ...file, state: "PROCESSING", receivedAt: now, updatedAt: now }, file)
    )
      arrived += 1;
  }
  const closed = (await deps.batches.close(batch.id, deps.now())) ?? batch;
  deps.logger.info("Batch closed", { batchId: batch.id, arrivedWithoutRecord: arrived });
  if (
    closed.status === "CLOSED" &&
    allFilesFinal(closed) &&
    (await deps.batches.complete(batch.id, deps.now()))
  )
    deps.logger.info("Batch completed", { batchId: batch.id });
  return (await deps.batches.get(batch.id)) ?? closed;
}

/** Closes every open batch whose deadline has passed (the sweeper runs it). Returns how many it closed. */
export async function closeDueBatches(
  deps: Pick<BatchDeps, "batches" | "listing" | "now" | "logger">,
  limit = 50,
): Promise<number> {
  let closed = 0;
  for (const id of await deps.batches.listDue(deps.now(), limit)) {
    const batch = await deps.batches.get(id);
    if (batch?.status === "OPEN") {
      await closeBatch(batch, deps);
      closed += 1;
    }
  }
  return closed;
}
