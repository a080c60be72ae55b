import { DynamoDBClient, ScanCommand } from "@aws-sdk/client-dynamodb";
import { PutCommand } from "@aws-sdk/lib-dynamodb";
import { describe, expect, inject, it } from "vitest";
import { createDocumentClient } from "../../shared/adapters/dynamodb/dynamodb-client";
import { RecordRepository } from "../../shared/adapters/dynamodb/record-repository";
import { GSI_BY_STATUS } from "../../shared/adapters/dynamodb/table-design";
import { newRecord, transition, type ChartRecord } from "../../shared/domain/chart-record";

/** Timestamps long before anything the running stack writes, so only this test's records qualify. */
const LONG_AGO = "2001-01-01T00:00:00.000Z";
const CUTOFF = "2001-06-01T00:00:00.000Z";

function received(id: string, now: string): ChartRecord {
  return newRecord({
    id,
    sha256: id.slice(4).padEnd(64, "0"),
    now,
    fileType: "png",
    source: { bucket: "uploads", key: `acme/b/${id}.png`, size: 1 },
  });
}

/** The sweeper's query against DynamoDB Local, with the table the local stack created from the table design. */
describe("records in flight, by status and age (DynamoDB Local)", () => {
  const client = new DynamoDBClient({
    endpoint: inject("dynamoDbEndpoint"),
    region: "us-east-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
  const records = new RecordRepository(createDocumentClient(client), inject("tableName"));

  it("finds records stuck in a state, oldest first, and loses them once they reach a final state", async () => {
    const stale = received("doc_5ee900000000000000000000000000a1", LONG_AGO);
    const staler = received("doc_5ee900000000000000000000000000a2", "2000-12-31T00:00:00.000Z");
    const fresh = received("doc_5ee900000000000000000000000000a3", "2001-07-01T00:00:00.000Z");
    const pending = transition(received("doc_5ee900000000000000000000000000a4", LONG_AGO), "OCR_PENDING", {
      now: LONG_AGO,
    });
    for (const r of [stale, staler, fresh, pending]) expect(await records.createIfAbsent(r)).toBe(true);

    expect(await records.findByStatusOlderThan("RECEIVED", CUTOFF, 10)).toEqual([
      { id: staler.id, updatedAt: staler.updatedAt },
      { id: stale.id, updatedAt: stale.updatedAt },
    ]);
    expect(await records.findByStatusOlderThan("RECEIVED", CUTOFF, 1)).toHaveLength(1);
    expect(await records.findByStatusOlderThan("OCR_PENDING", CUTOFF, 10)).toEqual([
      { id: pending.id, updatedAt: LONG_AGO },
    ]);

    await records.save(transition(stale, "FAILED", { now: LONG_AGO, reasonCode: "STUCK_TIMEOUT" }));
    expect(await records.findByStatusOlderThan("RECEIVED", CUTOFF, 10)).toEqual([
      { id: staler.id, updatedAt: staler.updatedAt },
    ]);
  });

  it("copies no record content into the index", async () => {
    const out = await client.send(
      new ScanCommand({ TableName: inject("tableName"), IndexName: GSI_BY_STATUS }),
    );
    const attributes = new Set((out.Items ?? []).flatMap((item) => Object.keys(item)));
    expect([...attributes].sort()).toEqual(["pk", "sk", "statusPk", "statusSk"]);
  });

  it("lists records waiting for review oldest first, and gives older ones their index keys once", async () => {
    const inReview = (id: string, at: string) =>
      transition(transition(received(id, at), "OCR_PENDING", { now: at }), "NEEDS_REVIEW", {
        now: at,
        reasonCode: "LOW_CONFIDENCE_IDENTITY",
      });
    const newer = inReview("doc_5ee900000000000000000000000000b2", "2000-01-02T00:00:00.000Z");
    const older = inReview("doc_5ee900000000000000000000000000b1", "2000-01-01T00:00:00.000Z");
    for (const r of [newer, older]) expect(await records.createIfAbsent(r)).toBe(true);
    // Written by a version before the review queue: no index keys.
    const legacy = inReview("doc_5ee900000000000000000000000000b0", "1999-12-31T00:00:00.000Z");
    const db = createDocumentClient(client);
    await db.send(
      new PutCommand({
        TableName: inject("tableName"),
        Item: { ...legacy, pk: `DOC#${legacy.id}`, sk: "RECORD", entity: "ChartRecord" },
      }),
    );
    const before = (await records.listNeedingReview(100)).refs.map((r) => r.id);
    expect(before).not.toContain(legacy.id);
    expect(await records.backfillReviewKeys()).toBeGreaterThanOrEqual(1);
    const first = await records.listNeedingReview(2);
    expect(first.refs.map((r) => r.id)).toEqual([legacy.id, older.id]);
    const next = await records.listNeedingReview(100, first.nextCursor);
    expect(next.refs.map((r) => r.id)).toContain(newer.id);
    expect((await records.get(legacy.id))?.version).toBe(legacy.version);
  });
});
