/**
 * The change feed: its DynamoDB adapter against DynamoDB Local (once per record version, in logged order,
 * resumable), and GET /changes on the running stack, where a downstream system reads an upload's changes
 * as the pipeline makes them.
 */
import { randomUUID } from "node:crypto";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { describe, expect, inject, it } from "vitest";
import { ChangeFeedRepository } from "../../shared/adapters/dynamodb/change-feed-repository";
import { createDocumentClient } from "../../shared/adapters/dynamodb/dynamodb-client";
import type { RecordChange } from "../../shared/events/change-feed";
import { pngVariant } from "../support/png-variants";
import { stackClient } from "./stack-client";

const client = new DynamoDBClient({
  endpoint: inject("dynamoDbEndpoint"),
  region: "us-east-1",
  credentials: { accessKeyId: "local", secretAccessKey: "local" },
});
const feed = new ChangeFeedRepository(createDocumentClient(client), inject("tableName"));
const EHR = { client: "ehr-of-st-mary", scopes: ["records/read"] };

describe("ChangeFeedRepository (DynamoDB Local)", () => {
  it("logs each record version once, lists in logged order, and reads on from a cursor", async () => {
    // Far in the past, so the stack's own changes (logged now) come after these.
    const id = `doc_${randomUUID().replaceAll("-", "")}`;
    const at = (s: number) => `2001-01-01T00:00:0${s}.000Z`;
    const change = (version: number, s: number): RecordChange => ({
      recordId: id,
      version,
      status: "INDEXED",
      changedAt: at(s),
      loggedAt: at(s),
    });
    await feed.append(change(2, 2));
    await feed.append(change(1, 1));
    await feed.append({ ...change(2, 3), loggedAt: at(3) }); // the stream repeats version 2 later: not again
    const first = await feed.list({ before: "2001-01-02T00:00:00.000Z", limit: 1 });
    const mine = (c: RecordChange[]) => c.filter((x) => x.recordId === id).map((x) => x.version);
    const rest = await feed.list({ cursor: first.cursor, before: "2001-01-02T00:00:00.000Z", limit: 100 });
    expect([...mine(first.changes), ...mine(rest.changes)]).toEqual([1, 2]);
    // A cursor at or past the settled end (another clock a little behind, or a made-up cursor): nothing new.
    const ahead = await feed.list({ cursor: rest.cursor, before: "2001-01-01T00:00:01.000Z", limit: 10 });
    expect(ahead).toEqual({ changes: [], cursor: rest.cursor });
  });
});

describe("GET /changes on the local stack", () => {
  const stack = stackClient();

  it("gives a downstream system an upload's changes in order, then nothing new from the last cursor", async () => {
    const start = await stack.request<{ cursor: string }>("/changes?limit=1000", { as: EHR });
    expect(start.status).toBe(200);
    let cursor = start.body.cursor;
    // Drain what is there, so the cursor stands at the end of the feed.
    for (;;) {
      const page = await stack.request<{ changes: RecordChange[]; cursor: string }>(
        `/changes?limit=1000${cursor ? `&since=${cursor}` : ""}`,
        { as: EHR },
      );
      if (page.body.changes.length === 0) break;
      cursor = page.body.cursor;
    }
    const id = await stack.upload(`feed/box-1/${randomUUID()}.png`, pngVariant(`feed-${randomUUID()}`));
    const record = await stack.settled(id);

    const seen: RecordChange[] = [];
    const deadline = Date.now() + 30_000;
    while (!seen.some((c) => c.recordId === id && c.version === record.version) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 1000));
      const page = await stack.request<{ changes: RecordChange[]; cursor: string }>(
        `/changes?limit=1000${cursor ? `&since=${cursor}` : ""}`,
        { as: EHR },
      );
      seen.push(...page.body.changes);
      cursor = page.body.cursor;
    }
    const versions = seen.filter((c) => c.recordId === id).map((c) => c.version);
    // Every version the record went through, once each, in order, ending where the record is.
    expect(versions).toEqual(Array.from({ length: record.version }, (_, i) => i + 1));
    expect(seen.filter((c) => c.recordId === id).at(-1)).toMatchObject({ status: record.status });
    expect(JSON.stringify(seen)).not.toMatch(/\.png/);
  });
});
