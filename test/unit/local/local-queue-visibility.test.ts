import type { SQSBatchResponse, SQSEvent } from "aws-lambda";
import { afterEach, describe, expect, it } from "vitest";
import { LocalQueue } from "../../../local/runtime/local-queue";

/** Backoff far longer than any test: a message that comes back soon did so by its visibility change. */
const slowBackoff = { baseDelayMs: 60_000, maxDelayMs: 60_000, jitter: 0, maxReceiveCount: 5 };

const failAll = (event: SQSEvent): SQSBatchResponse => ({
  batchItemFailures: event.Records.map((r) => ({ itemIdentifier: r.messageId })),
});

describe("LocalQueue: ChangeMessageVisibility (the throughput governor's parks and wakes)", () => {
  const queues: LocalQueue[] = [];
  afterEach(() => {
    for (const q of queues.splice(0)) q.stop();
  });

  it("delivers a parked message again when its visibility ends, not after the backoff", async () => {
    const receives: number[] = [];
    const started = Date.now();
    const q: LocalQueue = new LocalQueue(
      "ingest",
      async (event) => {
        receives.push(Date.now() - started);
        const record = event.Records[0]!;
        if (receives.length === 1) {
          q.changeVisibility(record.receiptHandle, 1); // "come back in a second"
          return failAll(event);
        }
        return undefined;
      },
      { retry: slowBackoff },
    );
    queues.push(q);
    q.send("upload");
    await q.idle();
    expect(receives).toHaveLength(2);
    expect(receives[1]! - receives[0]!).toBeGreaterThanOrEqual(990);
    expect(receives[1]! - receives[0]!).toBeLessThan(5_000);
  });

  it("wakes a parked message at once with visibility 0, from outside its handler", async () => {
    const handles: string[] = [];
    const q: LocalQueue = new LocalQueue(
      "ingest",
      async (event) => {
        const record = event.Records[0]!;
        handles.push(record.receiptHandle);
        if (handles.length === 1) {
          q.changeVisibility(record.receiptHandle, 3600); // parked for an hour…
          return failAll(event);
        }
        return undefined;
      },
      { retry: slowBackoff },
    );
    queues.push(q);
    q.send("waiting for a job slot");
    await new Promise((r) => setTimeout(r, 50));
    expect(handles).toHaveLength(1);
    q.changeVisibility(handles[0]!, 0); // …until a job ends and hands it a slot
    await q.idle();
    expect(handles).toHaveLength(2);
  });

  it("counts every receive, parked or not, towards maxReceiveCount (as SQS does)", async () => {
    const counts: number[] = [];
    const q: LocalQueue = new LocalQueue(
      "ingest",
      async (event) => {
        const record = event.Records[0]!;
        counts.push(Number(record.attributes.ApproximateReceiveCount));
        q.changeVisibility(record.receiptHandle, 0);
        return failAll(event);
      },
      { retry: { ...slowBackoff, maxReceiveCount: 4 } },
    );
    queues.push(q);
    q.send("always deferred");
    await q.idle();
    expect(counts).toEqual([1, 2, 3, 4]);
    expect(q.deadLetters).toHaveLength(1);
  });

  it("ignores a receipt handle from an earlier receive", async () => {
    const handles: string[] = [];
    const q: LocalQueue = new LocalQueue(
      "ingest",
      async (event) => {
        const record = event.Records[0]!;
        handles.push(record.receiptHandle);
        q.changeVisibility(record.receiptHandle, handles.length === 1 ? 0 : 3600);
        return failAll(event);
      },
      { retry: slowBackoff },
    );
    queues.push(q);
    q.send("m");
    await new Promise((r) => setTimeout(r, 50));
    expect(handles).toHaveLength(2); // parked for an hour on its second receive
    q.changeVisibility(handles[0]!, 0); // a stale handle: the message stays parked
    await new Promise((r) => setTimeout(r, 50));
    expect(handles).toHaveLength(2);
  });
});
