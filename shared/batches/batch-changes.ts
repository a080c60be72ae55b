import type { ChartRecord } from "../domain/chart-record";
import { batchCompletedEvent, type DomainEvent, type EventPublisher } from "../events/domain-events";
import type { Logger } from "../pipeline/ports";
import type { Batch } from "./batch";
import type { BatchDeps } from "./batch-deps";
import { trackBatchFile } from "./track-batch-file";

/** A change of the records table that batches care about, as the stream reports it. */
export type BatchRelevantChange =
  { kind: "record"; record: ChartRecord } | { kind: "batch"; before?: Batch; after: Batch };

/**
 * What follows a stored change: a record's batch file catches up with it, and a batch that became COMPLETED
 * is announced (`batch.completed`), once per completion however often the stream repeats it.
 */
export async function onBatchRelevantChange(
  change: BatchRelevantChange,
  deps: Pick<BatchDeps, "batches" | "now"> & { logger: Logger; events: EventPublisher },
): Promise<void> {
  if (change.kind === "record") {
    await trackBatchFile(change.record, deps);
    return;
  }
  if (change.after.status === "COMPLETED" && change.before?.status !== "COMPLETED") {
    const events: DomainEvent[] = [batchCompletedEvent(change.after)];
    await deps.events.publish(events);
    deps.logger.info("Batch completion announced", { batchId: change.after.id });
  }
}
