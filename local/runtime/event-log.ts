import { appendFileSync, existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { DomainEvent, EventPublisher } from "../../shared/events/domain-events";

/**
 * The local stack's event bus: domain events appended to `events.ndjson` in the data dir, each id once (the
 * stream delivers at least once; a consumer of the file sees every change exactly once).
 */
export class LocalEventLog implements EventPublisher {
  readonly file: string;
  private readonly seen = new Set<string>();

  constructor(dataDir: string) {
    this.file = join(dataDir, "events.ndjson");
    for (const event of this.read()) this.seen.add(event.id);
  }

  async publish(events: readonly DomainEvent[]): Promise<void> {
    const fresh = events.filter((e) => !this.seen.has(e.id));
    if (fresh.length === 0) return;
    appendFileSync(this.file, fresh.map((e) => `${JSON.stringify(e)}\n`).join(""), { mode: 0o600 });
    for (const e of fresh) this.seen.add(e.id);
  }

  /** Every event so far, oldest first. */
  read(): DomainEvent[] {
    if (!existsSync(this.file)) return [];
    return readFileSync(this.file, "utf8")
      .split("\n")
      .filter((line) => line.trim() !== "")
      .map((line) => JSON.parse(line) as DomainEvent);
  }
}
