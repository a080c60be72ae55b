/**
 * The throughput governor's store in memory, with the DynamoDB adapter's semantics: consistent reads, and
 * writes that apply all their changes or none, each on the condition that its item is at the version read
 * (or absent). Used by the governor's unit tests and by the throughput bench.
 */
import type { ItemChange, StoredItem, ThroughputStore } from "../../shared/throughput/ports";

export class InMemoryThroughputStore implements ThroughputStore {
  readonly items = new Map<string, StoredItem>();
  /** Writes refused because an item had changed since it was read. */
  conflicts = 0;
  writes = 0;

  async get(keys: readonly string[]): Promise<ReadonlyMap<string, StoredItem>> {
    const found = new Map<string, StoredItem>();
    for (const key of keys) {
      const item = this.items.get(key);
      if (item) found.set(key, structuredClone(item));
    }
    return found;
  }

  async write(changes: readonly ItemChange[]): Promise<boolean> {
    const holds = changes.every((c) => {
      const current = this.items.get(c.key);
      return c.expect === "absent" ? current === undefined : current?.version === c.expect;
    });
    if (!holds) {
      this.conflicts++;
      return false;
    }
    this.writes++;
    for (const c of changes) {
      if ("remove" in c) this.items.delete(c.key);
      else {
        const version = c.expect === "absent" ? 1 : c.expect + 1;
        this.items.set(c.key, { key: c.key, version, data: structuredClone(c.put) });
      }
    }
    return true;
  }

  async list(prefix: string): Promise<StoredItem[]> {
    return [...this.items.values()]
      .filter((item) => item.key.startsWith(prefix))
      .sort((a, b) => a.key.localeCompare(b.key))
      .map((item) => structuredClone(item));
  }
}
