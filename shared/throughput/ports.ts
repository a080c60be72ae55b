/**
 * What the throughput governor needs from the outside world. The governor's logic (throughput-governor.ts)
 * is written against these only: a DynamoDB adapter (shared/adapters/dynamodb/throughput-store.ts) shares its
 * state between every Lambda, an in-memory one serves tests and the throughput bench.
 */

/** One item of the governor's state, as last written. `version` grows by one with every write. */
export interface StoredItem {
  key: string;
  version: number;
  data: Record<string, unknown>;
}

/**
 * A change to one item, on the condition that it is still as read: at `expect` (its version), or absent.
 * `put` replaces the item's data (its version becomes `expect + 1`, or 1); `remove` deletes it.
 */
export type ItemChange =
  | { key: string; expect: number | "absent"; put: Record<string, unknown> }
  | { key: string; expect: number; remove: true };

/**
 * The governor's state: small items under string keys, read consistently and written with optimistic
 * concurrency. Every decision is read → decide → conditional write; a write that finds an item changed
 * since it was read is refused as a whole, and the governor reads again (a bounded number of times).
 */
export interface ThroughputStore {
  /** Strongly consistent reads; a missing key is absent from the map. */
  get(keys: readonly string[]): Promise<ReadonlyMap<string, StoredItem>>;
  /** All or nothing. False when any condition failed (another writer got there first): nothing was written. */
  write(changes: readonly ItemChange[]): Promise<boolean>;
  /** Every item whose key starts with `prefix` (the held job slots: at most the job budget of them). */
  list(prefix: string): Promise<StoredItem[]>;
}

/** Time as the governor sees it. Lambda: the system clock. The bench: virtual time. */
export interface Clock {
  nowMs(): number;
  sleep(ms: number): Promise<void>;
}

/**
 * The ingest queue's messages by receipt handle (SQS ChangeMessageVisibility; the local queue does the same):
 * parking a message makes it invisible for a while, waking it makes it visible at once. SQS counts every
 * receive, parked or not, towards the queue's maxReceiveCount.
 */
export interface MessageVisibility {
  change(receiptHandle: string, visibleInSeconds: number): Promise<void>;
}
