import { ConditionalCheckFailedException, TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import {
  GetCommand,
  PutCommand,
  ScanCommand,
  TransactWriteCommand,
  type DynamoDBDocumentClient,
} from "@aws-sdk/lib-dynamodb";
import type { ChartRecord } from "../../domain/chart-record";
import { VersionConflictError } from "../../errors";
import type { RecordStore, RegisterOutcome } from "../../pipeline/ports";
import { CONTENT_SK, contentPk, RECORD_SK, recordPk } from "./table-design";

type RecordItem = ChartRecord & { pk: string; sk: string; entity: "ChartRecord" };

function toItem(record: ChartRecord): RecordItem {
  return { ...record, pk: recordPk(record.id), sk: RECORD_SK, entity: "ChartRecord" };
}

export function fromItem(item: Record<string, unknown>): ChartRecord {
  // gsi1pk…gsi2sk: index keys that items written before the table lost its secondary indexes still carry.
  const { pk: _pk, sk: _sk, entity: _e, gsi1pk: _a, gsi1sk: _b, gsi2pk: _c, gsi2sk: _d, ...record } = item;
  return record as unknown as ChartRecord;
}

export function isRecordItem(item: Record<string, unknown> | undefined): boolean {
  return item?.sk === RECORD_SK && item.entity === "ChartRecord";
}

/** Chart records in DynamoDB: conditional writes make every step idempotent and every update versioned. */
export class RecordRepository implements RecordStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(id: string): Promise<ChartRecord | undefined> {
    const out = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: recordPk(id), sk: RECORD_SK },
        ConsistentRead: true,
      }),
    );
    return out.Item ? fromItem(out.Item) : undefined;
  }

  /**
   * Registers a new record and claims its content hash in one transaction. A re-delivered event finds its
   * record already there ("exists"); other bytes-identical uploads find the claim ("duplicate-content").
   */
  async register(record: ChartRecord): Promise<RegisterOutcome> {
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: toItem(record),
                ConditionExpression: "attribute_not_exists(pk)",
              },
            },
            {
              Put: {
                TableName: this.tableName,
                Item: {
                  pk: contentPk(record.sha256),
                  sk: CONTENT_SK,
                  entity: "ContentClaim",
                  originalId: record.id,
                },
                ConditionExpression: "attribute_not_exists(pk)",
              },
            },
          ],
        }),
      );
      return { outcome: "created" };
    } catch (err) {
      if (!(err instanceof TransactionCanceledException)) throw err;
      const [recordReason, claimReason] = err.CancellationReasons ?? [];
      if (recordReason?.Code === "ConditionalCheckFailed") {
        const existing = await this.get(record.id);
        if (existing) return { outcome: "exists", record: existing };
      }
      if (claimReason?.Code === "ConditionalCheckFailed") {
        const claim = await this.db.send(
          new GetCommand({
            TableName: this.tableName,
            Key: { pk: contentPk(record.sha256), sk: CONTENT_SK },
            ConsistentRead: true,
          }),
        );
        const originalId = claim.Item?.originalId as string | undefined;
        if (originalId) return { outcome: "duplicate-content", originalId };
      }
      throw err;
    }
  }

  /** Writes a record that must not exist yet (rejected and duplicate uploads). False if it already exists. */
  async createIfAbsent(record: ChartRecord): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: toItem(record),
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      );
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
  }

  /** Saves `record` (whose version was already bumped) only if the stored version is `record.version - 1`. */
  async save(record: ChartRecord): Promise<void> {
    const expectedVersion = record.version - 1;
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: toItem(record),
          ConditionExpression: "#v = :expected",
          ExpressionAttributeNames: { "#v": "version" },
          ExpressionAttributeValues: { ":expected": expectedVersion },
        }),
      );
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException)
        throw new VersionConflictError(record.id, expectedVersion);
      throw err;
    }
  }

  /** Every chart record, page by page (used to rebuild the local search index). */
  async *scanAll(): AsyncGenerator<ChartRecord> {
    let startKey: Record<string, unknown> | undefined;
    do {
      const out = await this.db.send(
        new ScanCommand({
          TableName: this.tableName,
          FilterExpression: "sk = :sk",
          ExpressionAttributeValues: { ":sk": RECORD_SK },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of out.Items ?? []) yield fromItem(item);
      startKey = out.LastEvaluatedKey;
    } while (startKey);
  }
}
