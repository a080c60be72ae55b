/**
 * The batch repository against DynamoDB Local: a file that arrived under a name as long as an S3 key allows
 * (1,024 bytes in all, under a one-letter vendor and batch) is tracked, read back and listed like any other.
 */
import { randomUUID } from "node:crypto";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { describe, expect, inject, it } from "vitest";
import { BatchRepository } from "../../shared/adapters/dynamodb/batch-repository";
import { createDocumentClient } from "../../shared/adapters/dynamodb/dynamodb-client";
import { STORED_FILE_STATES, type Batch, type BatchFile } from "../../shared/batches/batch";

const client = new DynamoDBClient({
  endpoint: inject("dynamoDbEndpoint"),
  region: "us-east-1",
  credentials: { accessKeyId: "local", secretAccessKey: "local" },
});
const repository = new BatchRepository(createDocumentClient(client), inject("tableName"));
const now = "2026-12-04T10:00:00.000Z";

function batch(id: string): Batch {
  return {
    id,
    vendor: "v",
    name: "b",
    status: "OPEN",
    manifestSha256: "0".repeat(64),
    expectedFiles: 1,
    unexpectedFiles: 0,
    expectedBytes: 10,
    counts: Object.fromEntries(STORED_FILE_STATES.map((s) => [s, 0])) as Batch["counts"],
    createdBy: "vendor-user",
    createdAt: now,
    closesAt: "2026-12-05T10:00:00.000Z",
    updatedAt: now,
  };
}

const file = (batchId: string, name: string, expected: boolean): BatchFile => ({
  batchId,
  name,
  expected,
  state: expected ? "AWAITING_UPLOAD" : "PROCESSING",
  recordIds: [],
  updatedAt: now,
});

describe("BatchRepository (DynamoDB Local)", () => {
  it("tracks files whose names are too long for a sort key of their own, told apart by their ends", async () => {
    const id = `bat_${randomUUID().replaceAll("-", "")}`;
    await repository.create(batch(id), [file(id, "expected.pdf", true)]);
    // "v/b/" + 1,020 bytes: the longest key S3 takes. Two names that differ only in their last characters.
    const long = (end: string) =>
      `${"é".repeat(505)}/${"x".repeat(5)}${end}`.slice(0, 1020 - end.length) + end;
    const names = [long("-1.pdf"), long("-2.pdf")];
    for (const n of names) expect(Buffer.byteLength(n)).toBeGreaterThan(1015);
    for (const n of names) expect(await repository.replaceFile(file(id, n, false), undefined)).toBe(true);

    for (const n of names)
      expect(await repository.getFile(id, n)).toMatchObject({ name: n, expected: false });
    const listed = await repository.listFiles(id, { limit: 10 });
    expect(listed.items.map((f) => f.name).sort()).toEqual(["expected.pdf", ...names].sort());
    expect((await repository.get(id))?.unexpectedFiles).toBe(2);
  });

  it("lists a closed batch as unfinished until it completes, by when it was closed", async () => {
    const id = `bat_${randomUUID().replaceAll("-", "")}`;
    await repository.create(batch(id), [file(id, "never-sent.pdf", true)]);
    expect(await repository.listUnfinished("2099-01-01T00:00:00.000Z", 1000)).not.toContain(id); // open
    await repository.close(id, "2026-12-04T11:00:00.000Z");
    expect(await repository.listUnfinished("2026-12-04T10:59:00.000Z", 1000)).not.toContain(id);
    expect(await repository.listUnfinished("2026-12-04T12:00:00.000Z", 1000)).toContain(id);
    expect(await repository.complete(id, "2026-12-04T12:00:00.000Z")).toBe(true);
    expect(await repository.complete(id, "2026-12-04T12:00:01.000Z")).toBe(false);
    expect(await repository.listUnfinished("2099-01-01T00:00:00.000Z", 1000)).not.toContain(id);
  });
});
