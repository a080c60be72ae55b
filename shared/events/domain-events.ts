/**
 * Events chartbridge announces to downstream systems, from the records table's stream (never from request
 * handlers, so an event goes out only for a change that was stored). They carry ids, states, counts and a URL
 * to fetch more, never PHI: an event leaves the reach of the audit trail. Ids derive from what changed, so a
 * consumer can drop repeats (the stream delivers at least once).
 */
import type { Batch } from "../batches/batch";
import { visibleCounts } from "../batches/batch";

export const EVENT_SOURCE = "chartbridge";

export interface DomainEvent<T extends string = string, D = Record<string, unknown>> {
  /** Stable per change: the same change announced twice has the same id. */
  id: string;
  type: T;
  /** ISO timestamp of the change. */
  time: string;
  detail: D;
}

export type BatchCompletedEvent = DomainEvent<
  "batch.completed",
  {
    batchId: string;
    vendor: string;
    batchName: string;
    counts: ReturnType<typeof visibleCounts>;
    expectedFiles: number;
    unexpectedFiles: number;
    completedAt: string;
    /** The reconciliation report, on the records API. */
    reportUrl: string;
  }
>;

export function batchCompletedEvent(batch: Batch): BatchCompletedEvent {
  return {
    id: `batch.completed:${batch.id}`,
    type: "batch.completed",
    time: batch.completedAt!,
    detail: {
      batchId: batch.id,
      vendor: batch.vendor,
      batchName: batch.name,
      counts: visibleCounts(batch),
      expectedFiles: batch.expectedFiles,
      unexpectedFiles: batch.unexpectedFiles,
      completedAt: batch.completedAt!,
      reportUrl: `/batches/${batch.id}/report`,
    },
  };
}

/** Where events go: an EventBridge bus in AWS, the local event log on the local stack. */
export interface EventPublisher {
  publish(events: readonly DomainEvent[]): Promise<void>;
}
