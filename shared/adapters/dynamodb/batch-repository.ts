import { TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import {
  BatchGetCommand,
  BatchWriteCommand,
  GetCommand,
  QueryCommand,
  ScanCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from "@aws-sdk/lib-dynamodb";
import {
  emptyCounts,
  STORED_FILE_STATES,
  type Batch,
  type BatchFile,
  type StoredFileState,
} from "../../batches/batch";
import type { BatchStore, Page } from "../../batches/batch-store";
import { InvalidCursorError } from "../../search/search-cursor";
import { decodeKeyCursor, encodeKeyCursor } from "./key-cursor";
import {
  BATCH_SK,
  batchFileSk,
  batchPk,
  OPEN_BATCHES_PK,
  UNFINISHED_BATCHES_PK,
  vendorBatchesPk,
} from "./table-design";
import { putIf, putNew } from "./transact-items";

/** Per-state file counts live on the batch item as `n_<STATE>`, so one transaction moves a file and its count. */
const countAttr = (state: StoredFileState) => `n_${state}`;
const FILE_WRITE_CONCURRENCY = 8;

/**
 * Batches as items of the records table (layout in table-design.ts): the batch with its counts, one item per
 * file, a pointer per vendor for listing and a pointer while the batch is open for the deadline sweep. A
 * file and the counts move together in one transaction, on condition that the file is still as it was read
 * (`rev`), so concurrent or repeated stream deliveries never count a file twice.
 */
export class BatchRepository implements BatchStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(id: string): Promise<Batch | undefined> {
    const item = await this.batchItem(id);
    return item ? batchFromItem(item) : undefined;
  }

  private async batchItem(id: string): Promise<Record<string, unknown> | undefined> {
    const out = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: batchPk(id), sk: BATCH_SK },
        ConsistentRead: true,
      }),
    );
    return out.Item;
  }

  async create(batch: Batch, files: BatchFile[]): Promise<{ created: boolean; batch: Batch }> {
    let created = true;
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            putNew(this.tableName, { ...batchItem(batch), manifestComplete: false }),
            putNew(this.tableName, {
              pk: vendorBatchesPk(batch.vendor),
              sk: `BATCH#${batch.createdAt}#${batch.id}`,
              batchId: batch.id,
            }),
            putNew(this.tableName, { pk: OPEN_BATCHES_PK, sk: dueSk(batch), batchId: batch.id }),
          ],
        }),
      );
    } catch (err) {
      if (!(err instanceof TransactionCanceledException)) throw err;
      if (err.CancellationReasons?.[0]?.Code !== "ConditionalCheckFailed") throw err;
      created = false;
    }
    // One read of an existing batch says what it is and whether its create finished writing the entries: a
    // create that crashed part-way left some unwritten, and the repeated create (same manifest) writes them.
    const existing = created ? undefined : await this.batchItem(batch.id);
    if (!created && !existing) throw new Error("batch vanished after its create was refused");
    const stored = existing ? batchFromItem(existing) : batch;
    const unfinished =
      created || (existing!.manifestComplete !== true && existing!.manifestSha256 === batch.manifestSha256);
    if (unfinished) {
      await this.writeFiles(files);
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: batchPk(batch.id), sk: BATCH_SK },
          UpdateExpression: "SET manifestComplete = :t",
          ExpressionAttributeValues: { ":t": true },
        }),
      );
    }
    return { created, batch: stored };
  }

  private async writeFiles(files: BatchFile[]): Promise<void> {
    const chunks: BatchFile[][] = [];
    for (let i = 0; i < files.length; i += 25) chunks.push(files.slice(i, i + 25));
    let next = 0;
    const worker = async () => {
      while (next < chunks.length) {
        const chunk = chunks[next++]!;
        let requests = chunk.map((f) => ({ PutRequest: { Item: fileItem(f) } }));
        for (let attempt = 0; requests.length > 0; attempt++) {
          if (attempt > 0) await sleep(Math.min(2000, 50 * 2 ** attempt));
          if (attempt > 10) throw new Error("manifest entries could not be written (throttled)");
          const out = await this.db.send(
            new BatchWriteCommand({ RequestItems: { [this.tableName]: requests } }),
          );
          requests = (out.UnprocessedItems?.[this.tableName] ?? []) as typeof requests;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(FILE_WRITE_CONCURRENCY, chunks.length) }, worker));
  }

  async getFile(batchId: string, name: string): Promise<BatchFile | undefined> {
    const out = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: batchPk(batchId), sk: batchFileSk(name) },
        ConsistentRead: true,
      }),
    );
    return out.Item ? fileFromItem(out.Item) : undefined;
  }

  async listFiles(batchId: string, opts: { limit: number; cursor?: string }): Promise<Page<BatchFile>> {
    const start = opts.cursor ? ownCursor(opts.cursor, batchPk(batchId)) : undefined;
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: "pk = :pk AND begins_with(sk, :files)",
        ExpressionAttributeValues: { ":pk": batchPk(batchId), ":files": "FILE#" },
        Limit: opts.limit,
        ExclusiveStartKey: start,
        ConsistentRead: true,
      }),
    );
    return {
      items: (out.Items ?? []).map(fileFromItem),
      ...(out.LastEvaluatedKey ? { nextCursor: encodeKeyCursor(out.LastEvaluatedKey) } : {}),
    };
  }

  async listByVendor(vendor: string, opts: { limit: number; cursor?: string }): Promise<Page<Batch>> {
    const start = opts.cursor ? ownCursor(opts.cursor, vendorBatchesPk(vendor)) : undefined;
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: "pk = :pk AND begins_with(sk, :b)",
        ExpressionAttributeValues: { ":pk": vendorBatchesPk(vendor), ":b": "BATCH#" },
        ScanIndexForward: false,
        Limit: opts.limit,
        ExclusiveStartKey: start,
      }),
    );
    const ids = (out.Items ?? []).map((i) => String(i.batchId));
    const batches = ids.length ? await this.getMany(ids) : new Map<string, Batch>();
    return {
      items: ids.map((id) => batches.get(id)).filter((b): b is Batch => b !== undefined),
      ...(out.LastEvaluatedKey ? { nextCursor: encodeKeyCursor(out.LastEvaluatedKey) } : {}),
    };
  }

  private async getMany(ids: string[]): Promise<Map<string, Batch>> {
    const found = new Map<string, Batch>();
    let keys: Record<string, unknown>[] = ids.map((id) => ({ pk: batchPk(id), sk: BATCH_SK }));
    for (let attempt = 0; keys.length > 0 && attempt < 8; attempt++) {
      if (attempt > 0) await sleep(50 * 2 ** attempt);
      const out = await this.db.send(
        new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: keys } } }),
      );
      for (const item of out.Responses?.[this.tableName] ?? []) {
        const batch = batchFromItem(item);
        found.set(batch.id, batch);
      }
      keys = out.UnprocessedKeys?.[this.tableName]?.Keys ?? [];
    }
    return found;
  }

  async replaceFile(next: BatchFile, previous: BatchFile | undefined): Promise<boolean> {
    const rev = (previous?.rev ?? 0) + 1;
    const item = fileItem({ ...next, rev });
    const put = previous
      ? putIf(this.tableName, item, {
          ConditionExpression: "rev = :rev",
          ExpressionAttributeValues: { ":rev": previous.rev ?? 0 },
        })
      : putNew(this.tableName, item);
    const adds: Record<string, number> = {};
    const bump = (attr: string, by: number) => (adds[attr] = (adds[attr] ?? 0) + by);
    if (previous) bump(countAttr(previous.state), -1);
    bump(countAttr(next.state), 1);
    if (!previous && !next.expected) bump("unexpectedFiles", 1);
    const changes = Object.entries(adds).filter(([, by]) => by !== 0);
    const transactItems: NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]["TransactItems"]> =
      [put];
    if (changes.length > 0)
      transactItems.push({
        Update: {
          TableName: this.tableName,
          Key: { pk: batchPk(next.batchId), sk: BATCH_SK },
          UpdateExpression: `ADD ${changes.map((_, i) => `#c${i} :c${i}`).join(", ")} SET updatedAt = :now`,
          ConditionExpression: "attribute_exists(pk)",
          ExpressionAttributeNames: Object.fromEntries(changes.map(([attr], i) => [`#c${i}`, attr])),
          ExpressionAttributeValues: {
            ...Object.fromEntries(changes.map(([, by], i) => [`:c${i}`, by])),
            ":now": next.updatedAt,
          },
        },
      });
    try {
      await this.db.send(new TransactWriteCommand({ TransactItems: transactItems }));
      return true;
    } catch (err) {
      if (!(err instanceof TransactionCanceledException)) throw err;
      if (err.CancellationReasons?.[0]?.Code === "ConditionalCheckFailed") return false;
      throw err;
    }
  }

  async close(id: string, now: string): Promise<Batch | undefined> {
    const batch = await this.get(id);
    if (!batch || batch.status !== "OPEN") return batch;
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.tableName,
                Key: { pk: batchPk(id), sk: BATCH_SK },
                UpdateExpression: "SET #status = :closed, closedAt = :now, updatedAt = :now",
                ConditionExpression: "#status = :open",
                ExpressionAttributeNames: { "#status": "status" },
                ExpressionAttributeValues: { ":closed": "CLOSED", ":open": "OPEN", ":now": now },
              },
            },
            { Delete: { TableName: this.tableName, Key: { pk: OPEN_BATCHES_PK, sk: dueSk(batch) } } },
            // Until it completes: the sweeper's safety net finds it there (listUnfinished).
            putNew(this.tableName, { pk: UNFINISHED_BATCHES_PK, sk: id, batchId: id, closedAt: now }),
          ],
        }),
      );
    } catch (err) {
      if (!(err instanceof TransactionCanceledException)) throw err;
    }
    return this.get(id);
  }

  async complete(id: string, now: string): Promise<boolean> {
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.tableName,
                Key: { pk: batchPk(id), sk: BATCH_SK },
                UpdateExpression: "SET #status = :completed, completedAt = :now, updatedAt = :now",
                ConditionExpression: "#status = :closed AND #processing = :zero",
                ExpressionAttributeNames: { "#status": "status", "#processing": countAttr("PROCESSING") },
                ExpressionAttributeValues: {
                  ":completed": "COMPLETED",
                  ":closed": "CLOSED",
                  ":zero": 0,
                  ":now": now,
                },
              },
            },
            { Delete: { TableName: this.tableName, Key: { pk: UNFINISHED_BATCHES_PK, sk: id } } },
          ],
        }),
      );
      return true;
    } catch (err) {
      // Not closed, or files still in the pipeline: not completable. A conflict with a concurrent write is
      // retried by the caller's delivery, so the completion is not lost.
      if (
        err instanceof TransactionCanceledException &&
        err.CancellationReasons?.[0]?.Code === "ConditionalCheckFailed"
      )
        return false;
      throw err;
    }
  }

  async listUnfinished(closedBefore: string, limit: number): Promise<string[]> {
    const ids: string[] = [];
    let startKey: Record<string, unknown> | undefined;
    // Few batches are closed and unfinished at a time (those whose last files are still in the pipeline).
    do {
      const out = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: "pk = :pk",
          FilterExpression: "closedAt < :before",
          ExpressionAttributeValues: { ":pk": UNFINISHED_BATCHES_PK, ":before": closedBefore },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of out.Items ?? []) if (ids.length < limit) ids.push(String(item.batchId));
      startKey = ids.length < limit ? out.LastEvaluatedKey : undefined;
    } while (startKey);
    return ids;
  }

  /** Every COMPLETED batch (a table scan: the local runtime's restart, never a request). */
  async *scanCompleted(): AsyncGenerator<Batch> {
    let startKey: Record<string, unknown> | undefined;
    do {
      const out = await this.db.send(
        new ScanCommand({
          TableName: this.tableName,
          FilterExpression: "sk = :sk AND #status = :completed",
          ExpressionAttributeNames: { "#status": "status" },
          ExpressionAttributeValues: { ":sk": BATCH_SK, ":completed": "COMPLETED" },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of out.Items ?? []) yield batchFromItem(item);
      startKey = out.LastEvaluatedKey;
    } while (startKey);
  }

  async listDue(before: string, limit: number): Promise<string[]> {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: "pk = :pk AND sk < :before",
        ExpressionAttributeValues: { ":pk": OPEN_BATCHES_PK, ":before": before },
        Limit: limit,
      }),
    );
    return (out.Items ?? []).map((i) => String(i.batchId));
  }
}

/** Whether a table item (a stream image) is a batch's own item. */
export function isBatchItem(item: Record<string, unknown> | undefined): boolean {
  return item?.entity === "Batch" && item.sk === BATCH_SK;
}

const dueSk = (batch: Pick<Batch, "closesAt" | "id">) => `${batch.closesAt}#${batch.id}`;

/** A cursor is only honoured within the partition it was issued for: no reading another batch through it. */
function ownCursor(cursor: string, pk: string): Record<string, string> {
  const key = decodeKeyCursor(cursor);
  if (key.pk !== pk) throw new InvalidCursorError();
  return key;
}

function batchItem(batch: Batch): Record<string, unknown> {
  const { counts, ...rest } = batch;
  return {
    pk: batchPk(batch.id),
    sk: BATCH_SK,
    entity: "Batch",
    ...rest,
    ...Object.fromEntries(STORED_FILE_STATES.map((s) => [countAttr(s), counts[s]])),
  };
}

export function batchFromItem(item: Record<string, unknown>): Batch {
  const counts = emptyCounts();
  for (const s of STORED_FILE_STATES) counts[s] = Number(item[countAttr(s)] ?? 0);
  const { pk: _pk, sk: _sk, entity: _e, manifestComplete: _m, ...rest } = item;
  for (const s of STORED_FILE_STATES) delete rest[countAttr(s)];
  return {
    ...(rest as unknown as Omit<Batch, "counts">),
    unexpectedFiles: Number(item.unexpectedFiles ?? 0),
    counts,
  };
}

function fileItem(file: BatchFile): Record<string, unknown> {
  return { pk: batchPk(file.batchId), sk: batchFileSk(file.name), entity: "BatchFile", ...file };
}

function fileFromItem(item: Record<string, unknown>): BatchFile {
  const { pk: _pk, sk: _sk, entity: _e, ...rest } = item;
  return rest as unknown as BatchFile;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
