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
 * A change to one item:
 * - `put` replaces its data on the condition that it is still at `expect` (its version), or absent;
 * - `remove` deletes it on the same condition;
 * - `add` adds `by` to its counter `field` (creating both), on the condition that the counter stays at most
 *   `max`: no version condition, so concurrent counters never conflict (the job slots held). An item is
 *   changed either by `add` or by `put`, never both (a put would write back a stale count).
 */
export type ItemChange =
  | { key: string; expect: number | "absent"; put: Record<string, unknown> }
  | { key: string; expect: number; remove: true }
  | { key: string; add: string; by: number; max?: number };

/**
 * The governor's state: small items under string keys, read consistently and written conditionally. Every
 * decision is read → decide → conditional write; a write whose condition fails is refused as a whole, and
 * the governor reads again (a bounded number of times).
 */
export interface ThroughputStore {
  /** Strongly consistent reads; a missing key is absent from the map. */
  get(keys: readonly string[]): Promise<ReadonlyMap<string, StoredItem>>;
  /** All or nothing. False when any condition failed (another writer got there first): nothing was written. */
  write(changes: readonly ItemChange[]): Promise<boolean>;
  /**
   * Items whose key starts with `prefix`, in key order; at most `limit` of them (the head of the line), or all
   * (the held job slots: at most the job budget of them).
   */
  list(prefix: string, limit?: number): Promise<StoredItem[]>;
  /**
   * Takes the next turn of a schedule in one atomic step, without a read: the turn is `max(floor, at)` and
   * the item's `at` moves to the turn plus `interval`. Every concurrent caller gets a turn of its own (the
   * token buckets, hit by every Lambda at once). Undefined, taking nothing, when the turn would be after
   * `notAfter`.
   */
  advance(key: string, floor: number, interval: number, notAfter?: number): Promise<number | undefined>;
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
