/**
 * The throughput governor's store in memory, with the DynamoDB adapter's semantics: consistent reads, writes
 * that apply all their changes or none, each on its condition (the version read, absence, a counter's
 * maximum), and atomic schedule turns. Used by the governor's unit tests and by the throughput bench (keys
 * are kept sorted, so the head of a long line is found as fast as a DynamoDB query finds it).
 */
import type { ItemChange, StoredItem, ThroughputStore } from "../../shared/throughput/ports";

export class InMemoryThroughputStore implements ThroughputStore {
  readonly items = new Map<string, StoredItem>();
  /** Writes refused because a condition no longer held (another writer got there first). */
  conflicts = 0;
  writes = 0;
  private readonly sortedKeys: string[] = [];

  async get(keys: readonly string[]): Promise<ReadonlyMap<string, StoredItem>> {
    const found = new Map<string, StoredItem>();
    for (const key of keys) {
      const item = this.items.get(key);
      if (item) found.set(key, structuredClone(item));
    }
    return found;
  }

  async write(changes: readonly ItemChange[]): Promise<boolean> {
    if (!changes.every((c) => this.holds(c))) {
      this.conflicts++;
      return false;
    }
    this.writes++;
    for (const c of changes) {
      const current = this.items.get(c.key);
      if ("remove" in c) this.delete(c.key);
      else if ("add" in c) {
        const data = { ...current?.data, [c.add]: this.counter(current, c.add) + c.by };
        this.set(c.key, (current?.version ?? 0) + 1, data);
      } else this.set(c.key, c.expect === "absent" ? 1 : c.expect + 1, structuredClone(c.put));
    }
    return true;
  }

  async list(prefix: string, limit = Number.POSITIVE_INFINITY): Promise<StoredItem[]> {
    const found: StoredItem[] = [];
    for (let i = this.indexOf(prefix); i < this.sortedKeys.length && found.length < limit; i++) {
      const key = this.sortedKeys[i]!;
      if (!key.startsWith(prefix)) break;
      found.push(structuredClone(this.items.get(key)!));
    }
    return found;
  }

  async advance(
    key: string,
    floor: number,
    interval: number,
    notAfter?: number,
  ): Promise<number | undefined> {
    const current = this.items.get(key);
    const turn = Math.max(floor, this.counter(current, "at"));
    if (notAfter !== undefined && turn > notAfter) return undefined;
    this.writes++;
    this.set(key, (current?.version ?? 0) + 1, { ...current?.data, at: turn + interval });
    return turn;
  }

  private holds(c: ItemChange): boolean {
    const current = this.items.get(c.key);
    if ("add" in c) return c.max === undefined || this.counter(current, c.add) + c.by <= c.max;
    return c.expect === "absent" ? current === undefined : current?.version === c.expect;
  }

  private counter(item: StoredItem | undefined, field: string): number {
    const value = item?.data[field];
    return typeof value === "number" ? value : 0;
  }

  private set(key: string, version: number, data: Record<string, unknown>): void {
    if (!this.items.has(key)) this.sortedKeys.splice(this.indexOf(key), 0, key);
    this.items.set(key, { key, version, data });
  }

  private delete(key: string): void {
    if (this.items.delete(key)) this.sortedKeys.splice(this.indexOf(key), 1);
  }

  /** Where `key` is, or would be, in the sorted keys (binary search). */
  private indexOf(key: string): number {
    let lo = 0;
    let hi = this.sortedKeys.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.sortedKeys[mid]! < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
