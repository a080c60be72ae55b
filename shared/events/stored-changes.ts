import { trackBatchFile } from "../batches/track-batch-file";
import type { Batch } from "../batches/batch";
import type { BatchDeps } from "../batches/batch-deps";
import type { ChartRecord } from "../domain/chart-record";
import type { Logger } from "../pipeline/ports";
import { batchCompletedEvent, type DomainEvent, type EventPublisher } from "./domain-events";
import { changeOf, type ChangeFeedStore } from "./change-feed";
import { recordEventsFor } from "./record-events";

/** A stored change the events consumer acts on, as the stream reports it (with the item as it was before). */
export type StoredChange =
  | { kind: "record"; before?: ChartRecord; record: ChartRecord }
  | { kind: "batch"; before?: Batch; after: Batch };

/**
 * What follows a stored change: a record's change is logged in the change feed, its batch file catches up
 * with it and the record's state change is
 * announced (record.indexed, record.needs-review, record.rejected, record.corrected); a batch that became
 * COMPLETED is announced (batch.completed). Each once per change however often the stream repeats it: the
 * tracking is idempotent and event ids derive from the change.
 */
export async function onStoredChange(
  change: StoredChange,
  deps: Pick<BatchDeps, "batches" | "now"> & {
    logger: Logger;
    events: EventPublisher;
    changes: Pick<ChangeFeedStore, "append">;
  },
): Promise<void> {
  if (change.kind === "record") {
    await deps.changes.append(changeOf(change.record, deps.now()));
    await trackBatchFile(change.record, deps);
    const events = recordEventsFor(change.before, change.record);
    if (events.length > 0) await deps.events.publish(events);
    return;
  }
  if (change.after.status === "COMPLETED" && change.before?.status !== "COMPLETED") {
    const events: DomainEvent[] = [batchCompletedEvent(change.after)];
    await deps.events.publish(events);
    deps.logger.info("Batch completion announced", { batchId: change.after.id });
  }
}
