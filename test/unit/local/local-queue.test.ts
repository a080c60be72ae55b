import type { SQSBatchResponse, SQSEvent } from "aws-lambda";
import { afterEach, describe, expect, it, vi } from "vitest";
import { LocalQueue, type SqsHandler } from "../../../local/runtime/local-queue";
import type { RetryPolicy } from "../../../local/runtime/retry-policy";

/** Records every delivered batch as [body, ApproximateReceiveCount] pairs. */
function recorder(decide: (event: SQSEvent) => SQSBatchResponse | void | Promise<SQSBatchResponse | void>) {
  const batches: [string, number][][] = [];
  const handler: SqsHandler = async (event) => {
    batches.push(event.Records.map((r) => [r.body, Number(r.attributes.ApproximateReceiveCount)]));
    return decide(event);
  };
  return { handler, batches };
}

/** Retries 10 ms apart, so a test sees several receives at once. */
const fast = (policy: Partial<RetryPolicy> = {}): Partial<RetryPolicy> => ({
  baseDelayMs: 10,
  maxDelayMs: 10,
  jitter: 0,
  ...policy,
});

const failBodies =
  (bodies: string[]) =>
  (event: SQSEvent): SQSBatchResponse => ({
    batchItemFailures: event.Records.filter((r) => bodies.includes(r.body)).map((r) => ({
      itemIdentifier: r.messageId,
    })),
  });

describe("LocalQueue", () => {
  const queues: LocalQueue[] = [];
  const make = (...args: ConstructorParameters<typeof LocalQueue>) => {
    const q = new LocalQueue(...args);
    queues.push(q);
    return q;
  };
  afterEach(() => {
    for (const q of queues.splice(0)) q.stop();
  });

  /**
   * `send` delivers at once when the queue is idle, so the first message is always a batch of its own. To
   * get a known batch, hold the handler on a "gate" message while the messages under test are queued.
   */
  function gated(decide: (event: SQSEvent) => SQSBatchResponse | void | Promise<SQSBatchResponse | void>) {
    let open!: () => void;
    const opened = new Promise<void>((resolve) => (open = resolve));
    const rec = recorder(async (event) => {
      if (event.Records.some((r) => r.body === "gate")) {
        await opened;
        return undefined;
      }
      return decide(event);
    });
    const bodies = () => rec.batches.filter((b) => !b.some(([body]) => body === "gate"));
    return { handler: rec.handler, open, batches: bodies };
  }

  it("delivers SQS-shaped records in batches of at most batchSize, in order", async () => {
    const seen: SQSEvent[] = [];
    const g = gated((e) => {
      seen.push(e);
    });
    const q = make("intake", g.handler, { batchSize: 2, retry: fast() });
    q.send("gate");
    const ids = ["a", "b", "c", "d", "e"].map((b) => q.send(b));
    g.open();
    await q.idle();

    expect(g.batches()).toEqual([
      [
        ["a", 1],
        ["b", 1],
      ],
      [
        ["c", 1],
        ["d", 1],
      ],
      [["e", 1]],
    ]);
    const first = seen[0]!.Records[0]!;
    expect(first.messageId).toBe(ids[0]);
    expect(first.eventSource).toBe("aws:sqs");
    expect(first.eventSourceARN).toMatch(/:intake$/);
    expect(first.attributes.ApproximateReceiveCount).toBe("1");
    expect(q.deadLetters).toEqual([]);
    expect(q.depth).toBe(0);
  });

  it("redelivers only the messages the handler reported as failed, with a growing receive count", async () => {
    let failuresLeft = 2;
    const g = gated((event) => {
      if (failuresLeft-- > 0) return failBodies(["bad"])(event);
      return undefined;
    });
    const q = make("q", g.handler, { batchSize: 10, retry: fast({ maxReceiveCount: 5 }) });
    q.send("gate");
    q.send("ok-1");
    q.send("bad");
    q.send("ok-2");
    g.open();
    await q.idle();

    expect(g.batches()).toEqual([
      [
        ["ok-1", 1],
        ["bad", 1],
        ["ok-2", 1],
      ],
      [["bad", 2]],
      [["bad", 3]],
    ]);
    expect(q.deadLetters).toEqual([]);
  });

  it("redelivers the whole batch when the handler throws", async () => {
    let calls = 0;
    const g = gated(() => {
      if (calls++ === 0) throw new Error("boom");
    });
    const q = make("q", g.handler, { batchSize: 10, retry: fast() });
    q.send("gate");
    q.send("x");
    q.send("y");
    g.open();
    await q.idle();

    const [first, ...retries] = g.batches();
    expect(first).toEqual([
      ["x", 1],
      ["y", 1],
    ]);
    // Each message comes back on its own visibility timeout, so the retries may arrive in separate batches.
    expect(retries.flat().sort()).toEqual([
      ["x", 2],
      ["y", 2],
    ]);
    expect(q.deadLetters).toEqual([]);
  });

  it("dead-letters a message after maxReceiveCount receives and reports it", async () => {
    const onDeadLetter = vi.fn();
    const { handler, batches } = recorder(failBodies(["poison"]));
    const q = make("q", handler, { batchSize: 10, retry: fast({ maxReceiveCount: 3 }), onDeadLetter });
    const poisonId = q.send("poison");
    q.send("fine");
    await q.idle();

    expect(
      batches
        .flat()
        .filter(([b]) => b === "poison")
        .map(([, n]) => n),
    ).toEqual([1, 2, 3]);
    expect(batches.flat().filter(([b]) => b === "fine")).toHaveLength(1);
    const dead = { id: poisonId, body: "poison", receiveCount: 3 };
    expect(q.deadLetters).toEqual([expect.objectContaining(dead)]);
    expect(onDeadLetter).toHaveBeenCalledTimes(1);
    expect(onDeadLetter).toHaveBeenCalledWith(expect.objectContaining(dead));
  });

  it("idle() resolves at once on an empty queue, and only after retries are done otherwise", async () => {
    const q0 = make("empty", async () => undefined);
    await expect(q0.idle()).resolves.toBeUndefined();

    let attempts = 0;
    const q = make(
      "q",
      async (event) => {
        attempts++;
        return attempts < 3 ? failBodies(["m"])(event) : undefined;
      },
      { retry: fast({ maxReceiveCount: 10 }) },
    );
    q.send("m");
    expect(q.depth).toBeGreaterThan(0);
    await q.idle();
    expect(attempts).toBe(3);
    expect(q.depth).toBe(0);
  });
});
