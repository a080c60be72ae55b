import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SQSEvent } from "aws-lambda";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { LocalQueue } from "../../../local/runtime/local-queue";
import { FileMessageStore } from "../../../local/runtime/message-store";
import {
  DEFAULT_RETRY_POLICY,
  retryDelayMs,
  retryWindowMs,
  type RetryPolicy,
} from "../../../local/runtime/retry-policy";

const never = () => new Promise<never>(() => undefined);
const received = (event: SQSEvent) =>
  event.Records.map((r) => [r.body, Number(r.attributes.ApproximateReceiveCount)] as const);

describe("LocalQueue with a file store", () => {
  let dir: string;
  const queues: LocalQueue[] = [];
  const make = (...args: ConstructorParameters<typeof LocalQueue>) => {
    const q = new LocalQueue(...args);
    queues.push(q);
    return q;
  };
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "chartbridge-queue-"));
  });
  afterEach(() => {
    for (const q of queues.splice(0)) q.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("delivers after a restart the messages a killed process had sent or was handling", async () => {
    // The first process dies while its handler runs: nothing it held may be lost.
    const first = make("ingest", never, { store: new FileMessageStore(dir), batchSize: 1 });
    first.send("a");
    first.send("b");
    first.send("c");

    const seen: (readonly [string, number])[] = [];
    const second = make("ingest", async (e) => void seen.push(...received(e)), {
      store: new FileMessageStore(dir),
    });
    await second.idle();
    // "a" was being handled when the first process died: this is its second receive.
    expect(seen).toEqual([
      ["a", 2],
      ["b", 1],
      ["c", 1],
    ]);

    const third = make("ingest", async (e) => void seen.push(...received(e)), {
      store: new FileMessageStore(dir),
    });
    await third.idle();
    expect(seen).toHaveLength(3);
  });

  it("keeps dead letters across restarts and does not deliver them again", async () => {
    const handler = vi.fn(async (e: SQSEvent) => ({
      batchItemFailures: e.Records.map((r) => ({ itemIdentifier: r.messageId })),
    }));
    const first = make("ocr", handler, {
      store: new FileMessageStore(dir),
      retry: { maxReceiveCount: 2, baseDelayMs: 5, maxDelayMs: 5, jitter: 0 },
    });
    const id = first.send("poison");
    await first.idle();
    expect(handler).toHaveBeenCalledTimes(2);
    first.stop();

    const again = vi.fn(async () => undefined);
    const second = make("ocr", again, { store: new FileMessageStore(dir) });
    await second.idle();
    expect(again).not.toHaveBeenCalled();
    expect(second.deadLetters).toEqual([expect.objectContaining({ id, body: "poison", receiveCount: 2 })]);
  });

  it("waits longer after each failure: retries follow the backoff schedule", async () => {
    vi.useFakeTimers();
    try {
      const times: number[] = [];
      const start = Date.now();
      const q = make(
        "q",
        async (e) => {
          times.push(Date.now() - start);
          return { batchItemFailures: e.Records.map((r) => ({ itemIdentifier: r.messageId })) };
        },
        { retry: { maxReceiveCount: 5, baseDelayMs: 100, maxDelayMs: 400, jitter: 0 } },
      );
      q.send("m");
      await vi.runAllTimersAsync();
      expect(times).toEqual([0, 100, 300, 700, 1100]);
      expect(q.deadLetters).toHaveLength(1);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe("retry policy", () => {
  const policy: RetryPolicy = { maxReceiveCount: 8, baseDelayMs: 1000, maxDelayMs: 30_000, jitter: 0.2 };

  it("doubles the delay after each failure up to the cap", () => {
    const mid = () => 0.5; // no jitter
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => retryDelayMs(n, policy, mid))).toEqual([
      1000, 2000, 4000, 8000, 16_000, 30_000, 30_000,
    ]);
  });

  it("spreads each delay by the jitter fraction", () => {
    expect(retryDelayMs(3, policy, () => 0)).toBe(3200);
    expect(retryDelayMs(3, policy, () => 1)).toBe(4800);
  });

  it("by default retries for minutes, long enough to outlive a service restart", () => {
    const window = retryWindowMs(DEFAULT_RETRY_POLICY);
    expect(window).toBeGreaterThanOrEqual(2 * 60_000);
    expect(window).toBeLessThanOrEqual(5 * 60_000);
  });
});
