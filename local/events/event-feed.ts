/**
 * Reading the local stack's event log (`events.ndjson` in the data dir) as a feed: the events so far, then,
 * when followed, each one as it is appended. Lines are read from a byte offset, so following a log of any
 * size costs only what was appended; a line still being written waits for its newline.
 */
import { closeSync, existsSync, openSync, readSync, statSync } from "node:fs";
import { join } from "node:path";
import type { DomainEvent } from "../../shared/events/domain-events";

export const eventLogFile = (dataDir: string) => join(dataDir, "events.ndjson");

export interface FeedOptions {
  /** Only events at or after this time (ISO 8601). */
  since?: string;
  /** Only these event types. */
  types?: readonly string[];
  /** Keep reading as events are appended, until `signal` aborts. */
  follow?: boolean;
  signal?: AbortSignal;
  /** How often a followed log is checked for new lines. Default 250 ms. */
  pollMs?: number;
}

export async function* eventFeed(dataDir: string, opts: FeedOptions = {}): AsyncGenerator<DomainEvent> {
  const file = eventLogFile(dataDir);
  const wanted = (e: DomainEvent) =>
    (!opts.since || e.time >= opts.since) && (!opts.types?.length || opts.types.includes(e.type));
  let offset = 0;
  for (;;) {
    if (existsSync(file) && statSync(file).size > offset) {
      const { text, bytes } = readFrom(file, offset);
      offset += bytes;
      for (const line of text.split("\n")) {
        if (line.trim() === "") continue;
        const event = JSON.parse(line) as DomainEvent;
        if (wanted(event)) yield event;
      }
    }
    if (!opts.follow || opts.signal?.aborted) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, opts.pollMs ?? 250);
      opts.signal?.addEventListener("abort", () => (clearTimeout(timer), resolve()), { once: true });
    });
    if (opts.signal?.aborted) return;
  }
}

/** The whole lines appended since `offset` (up to the last newline, never a character cut in two). */
function readFrom(file: string, offset: number): { text: string; bytes: number } {
  const fd = openSync(file, "r");
  try {
    const buffer = Buffer.alloc(statSync(file).size - offset);
    const read = readSync(fd, buffer, 0, buffer.length, offset);
    const bytes = buffer.subarray(0, read).lastIndexOf(0x0a) + 1;
    return { text: buffer.subarray(0, bytes).toString("utf8"), bytes };
  } finally {
    closeSync(fd);
  }
}
