/**
 * The throughput governor's DynamoDB adapter against DynamoDB Local (the records table the local stack created
 * from the table design): conditional writes, transactions, and many governors admitting at once. Each test
 * uses a partition of its own, apart from the running stack's governor.
 */
import { randomUUID } from "node:crypto";
import { DynamoDBClient, GetItemCommand } from "@aws-sdk/client-dynamodb";
import { describe, expect, inject, it } from "vitest";
import { createDocumentClient } from "../../shared/adapters/dynamodb/dynamodb-client";
import { throughputPk } from "../../shared/adapters/dynamodb/table-design";
import { DynamoDbThroughputStore } from "../../shared/adapters/dynamodb/throughput-store";
import { StartDeferredError } from "../../shared/throughput/errors";
import type { ThroughputStore } from "../../shared/throughput/ports";
import { DEFAULT_GOVERNOR_SETTINGS, ThroughputGovernor } from "../../shared/throughput/throughput-governor";

const client = new DynamoDBClient({
  endpoint: inject("dynamoDbEndpoint"),
  region: "us-east-1",
  credentials: { accessKeyId: "local", secretAccessKey: "local" },
});
const tableName = inject("tableName");
const freshStore = () => {
  const scope = `it-${randomUUID()}`;
  return { scope, store: new DynamoDbThroughputStore(createDocumentClient(client), tableName, scope) };
};

/** Counts the writes refused because another writer got there first. */
function counting(store: ThroughputStore) {
  const counts = { conflicts: 0 };
  const wrapped: ThroughputStore = {
    get: (keys) => store.get(keys),
    list: (prefix, limit) => store.list(prefix, limit),
    advance: (key, floor, interval, notAfter) => store.advance(key, floor, interval, notAfter),
    write: async (changes) => {
      const ok = await store.write(changes);
      if (!ok) counts.conflicts++;
      return ok;
    },
  };
  return { store: wrapped, counts };
}

describe("DynamoDbThroughputStore (DynamoDB Local)", () => {
  it("writes only on the condition that the item is as read, and all of a transaction or none", async () => {
    const { store } = freshStore();
    expect(await store.write([{ key: "SLOTS", expect: "absent", put: { held: 1 } }])).toBe(true);
    expect(await store.write([{ key: "SLOTS", expect: "absent", put: { held: 9 } }])).toBe(false);
    expect(await store.write([{ key: "SLOTS", expect: 1, put: { held: 2 } }])).toBe(true);
    expect(await store.write([{ key: "SLOTS", expect: 1, put: { held: 3 } }])).toBe(false); // stale version

    // One stale condition: nothing of the transaction is written.
    const refused = await store.write([
      { key: "SLOT#a", expect: "absent", put: { phase: "holding", leaseUntil: 1 } },
      { key: "SLOTS", expect: 1, put: { held: 3 } },
    ]);
    expect(refused).toBe(false);
    expect([...(await store.get(["SLOT#a", "SLOTS"])).values()]).toEqual([
      { key: "SLOTS", version: 2, data: { held: 2 } },
    ]);

    expect(
      await store.write([
        { key: "SLOT#a", expect: "absent", put: { phase: "holding", leaseUntil: 1 } },
        { key: "SLOT#b", expect: "absent", put: { phase: "started", leaseUntil: 2 } },
        { key: "SLOTS", expect: 2, put: { held: 4 } },
      ]),
    ).toBe(true);
    expect((await store.list("SLOT#")).map((i) => [i.key, i.data.phase])).toEqual([
      ["SLOT#a", "holding"],
      ["SLOT#b", "started"],
    ]);
    expect(await store.write([{ key: "SLOT#a", expect: 7, remove: true }])).toBe(false);
    expect(await store.write([{ key: "SLOT#a", expect: 1, remove: true }])).toBe(true);
    expect((await store.list("SLOT#")).map((i) => i.key)).toEqual(["SLOT#b"]);
  });

  it("keeps a counter under its maximum without conflicts between concurrent writers", async () => {
    const { store } = freshStore();
    const results = await Promise.all(
      Array.from({ length: 12 }, () => store.write([{ key: "SLOTS", add: "held", by: 1, max: 8 }])),
    );
    expect(results.filter(Boolean)).toHaveLength(8);
    expect((await store.get(["SLOTS"])).get("SLOTS")?.data.held).toBe(8);
    expect(await store.write([{ key: "SLOTS", add: "held", by: -1 }])).toBe(true);
    expect((await store.get(["SLOTS"])).get("SLOTS")?.data.held).toBe(7);
  });

  it("gives every concurrent caller a schedule turn of its own, 1/rate apart, up to a limit", async () => {
    const { store } = freshStore();
    const now = 1_000_000;
    const turns = await Promise.all(Array.from({ length: 20 }, () => store.advance("GATE#start", now, 50)));
    expect([...turns].sort((a, b) => a! - b!)).toEqual(Array.from({ length: 20 }, (_, i) => now + i * 50));
    // Behind the floor (time moved on): the next turn is the floor itself.
    expect(await store.advance("GATE#start", now + 5_000, 50)).toBe(now + 5_000);
    // Past `notAfter`: nothing is taken.
    expect(await store.advance("GATE#start", now + 5_000, 50, now + 5_010)).toBeUndefined();
    expect(await store.advance("GATE#start", now + 5_000, 50, now + 5_050)).toBe(now + 5_050);
  });

  it("stores items under the governor's partition with an expiry, out of the chart records' way", async () => {
    const { scope, store } = freshStore();
    await store.write([{ key: "PLAN#start", expect: "absent", put: { at: 123 } }]);
    const raw = await client.send(
      new GetItemCommand({
        TableName: tableName,
        Key: { pk: { S: throughputPk(scope) }, sk: { S: "PLAN#start" } },
      }),
    );
    expect(raw.Item?.entity).toEqual({ S: "ThroughputState" });
    const expiresAt = Number(raw.Item?.expiresAt?.N);
    expect(expiresAt).toBeGreaterThan(Date.now() / 1000 + 86_400);
  });

  it("never lets concurrent admissions exceed the job budget or share a Start… turn", async () => {
    const { store: raw } = freshStore();
    const { store, counts } = counting(raw);
    const settings = {
      ...DEFAULT_GOVERNOR_SETTINGS,
      budget: { startTps: 20, getTps: 5, maxJobs: 8 },
      maxAttempts: 64,
      random: () => 0, // no jitter waits: any wait recorded is a turn
    };
    const t0 = Date.now();
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const waits: number[] = [];
        // Every handler sees the same instant; waits are recorded, not slept (turns are what is checked).
        const clock = { nowMs: () => t0, sleep: async (ms: number) => void waits.push(ms) };
        const governor = new ThroughputGovernor(
          { store, clock, visibility: { change: async () => undefined } },
          settings,
          { messageId: `m-${i}`, receiptHandle: `rh-${i}` },
        );
        try {
          await governor.admitStart(`doc-${i}`);
          return { went: true, turn: Math.max(0, ...waits) };
        } catch (err) {
          if (!(err instanceof StartDeferredError)) throw err;
          return { went: false, reason: err.reason };
        }
      }),
    );
    const went = outcomes.filter((o) => o.went);
    const slots = (await store.get(["SLOTS"])).get("SLOTS")!;
    expect(went.length).toBe(slots.data.held);
    expect(went.length).toBeLessThanOrEqual(8);
    expect(went.length).toBeGreaterThan(0);
    const turns = went.map((o) => o.turn!).sort((a, b) => a - b);
    expect(new Set(turns).size).toBe(turns.length);
    expect(turns.slice(1).every((t, i) => t - turns[i]! >= 50)).toBe(true);
    // The rest wait in line for a slot (every reservation was due within the second).
    expect(outcomes.filter((o) => !o.went).every((o) => o.reason === "job-slot")).toBe(true);
    expect(counts.conflicts).toBeGreaterThan(0);
  });
});
