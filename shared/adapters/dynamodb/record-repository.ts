import { ConditionalCheckFailedException, TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import {
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  TransactWriteCommand,
  UpdateCommand,
  type ScanCommandOutput,
  type DynamoDBDocumentClient,
} from "@aws-sdk/lib-dynamodb";
import type { ChartRecord } from "../../domain/chart-record";
import { isInFlight, type DocumentStatus, type InFlightStatus } from "../../domain/status";
import { InvalidCursorError } from "../../search/search-cursor";
import { decodeKeyCursor, encodeKeyCursor } from "./key-cursor";
import { putNew } from "./transact-items";
import { VersionConflictError } from "../../errors";
import type { RecordStore, RegisterOutcome, StaleRecordRef } from "../../pipeline/ports";
import {
  CONTENT_SK,
  contentPk,
  GSI_BY_STATUS,
  RECORD_SK,
  recordPk,
  STATUS_PK,
  STATUS_SK,
  statusKey,
  statusSortKey,
} from "./table-design";

type RecordItem = ChartRecord & { pk: string; sk: string; entity: "ChartRecord" };

function toItem(record: ChartRecord): RecordItem & Record<string, unknown> {
  return {
    ...record,
    pk: recordPk(record.id),
    sk: RECORD_SK,
    entity: "ChartRecord",
    // Sparse: a record is in the by-status index while the pipeline or a person still has to move it on.
    ...(isIndexedByStatus(record.status)
      ? { [STATUS_PK]: statusKey(record.status), [STATUS_SK]: statusSortKey(record.updatedAt, record.id) }
      : {}),
  };
}

export function fromItem(item: Record<string, unknown>): ChartRecord {
  // gsi1pk…gsi2sk: index keys that items written before the table lost its MRN and content indexes still carry.
  const {
    pk: _pk,
    sk: _sk,
    entity: _e,
    gsi1pk: _a,
    gsi1sk: _b,
    gsi2pk: _c,
    gsi2sk: _d,
    [STATUS_PK]: _f,
    [STATUS_SK]: _g,
    ...record
  } = item;
  return record as unknown as ChartRecord;
}

/** An entry of the by-status index → the record it stands for. */
function refOf(item: Record<string, unknown>): StaleRecordRef[] {
  const sortKey = item[STATUS_SK] as string;
  const separator = sortKey.lastIndexOf("#");
  const pk = item.pk as string;
  return pk.startsWith(recordPk("")) && separator > 0
    ? [{ id: pk.slice(recordPk("").length), updatedAt: sortKey.slice(0, separator) }]
    : [];
}

/** In flight (the sweeper's query) or waiting for a person (the review queue). */
const isIndexedByStatus = (status: DocumentStatus) => isInFlight(status) || status === "NEEDS_REVIEW";

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
            putNew(this.tableName, toItem(record)),
            putNew(this.tableName, {
              pk: contentPk(record.sha256),
              sk: CONTENT_SK,
              entity: "ContentClaim",
              originalId: record.id,
            }),
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

  /** Oldest first from the sparse by-status index (KEYS_ONLY: ids and timestamps, no record content). */
  async findByStatusOlderThan(
    status: InFlightStatus,
    before: string,
    limit: number,
  ): Promise<StaleRecordRef[]> {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: GSI_BY_STATUS,
        KeyConditionExpression: "#pk = :status AND #sk < :before",
        ExpressionAttributeNames: { "#pk": STATUS_PK, "#sk": STATUS_SK },
        ExpressionAttributeValues: { ":status": statusKey(status), ":before": before },
        Limit: limit,
      }),
    );
    return (out.Items ?? []).flatMap(refOf);
  }

  /** NEEDS_REVIEW records, oldest first, a page at a time (the review queue). */
  async listNeedingReview(
    limit: number,
    cursor?: string,
  ): Promise<{ refs: StaleRecordRef[]; nextCursor?: string }> {
    const start = cursor ? decodeKeyCursor(cursor) : undefined;
    if (start && start[STATUS_PK] !== statusKey("NEEDS_REVIEW")) throw new InvalidCursorError();
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: GSI_BY_STATUS,
        KeyConditionExpression: "#pk = :status",
        ExpressionAttributeNames: { "#pk": STATUS_PK },
        ExpressionAttributeValues: { ":status": statusKey("NEEDS_REVIEW") },
        Limit: limit,
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    return {
      refs: (out.Items ?? []).flatMap(refOf),
      ...(out.LastEvaluatedKey ? { nextCursor: encodeKeyCursor(out.LastEvaluatedKey) } : {}),
    };
  }

  /**
   * Gives NEEDS_REVIEW records written before the review queue their by-status index keys (no new version:
   * only the index keys are set). Returns how many were updated. A full scan: a one-off per data store.
   */
  async backfillReviewKeys(): Promise<number> {
    let updated = 0;
    let startKey: Record<string, unknown> | undefined;
    do {
      const out: ScanCommandOutput = await this.db.send(
        new ScanCommand({
          TableName: this.tableName,
          FilterExpression: "sk = :sk AND #status = :review AND attribute_not_exists(#pk)",
          ExpressionAttributeNames: { "#status": "status", "#pk": STATUS_PK },
          ExpressionAttributeValues: { ":sk": RECORD_SK, ":review": "NEEDS_REVIEW" },
          ProjectionExpression: "pk, sk, id, updatedAt",
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of out.Items ?? []) {
        await this.db
          .send(
            new UpdateCommand({
              TableName: this.tableName,
              Key: { pk: item.pk, sk: item.sk },
              UpdateExpression: "SET #pk = :pk, #sk = :sk",
              // Only if it is still waiting for review as scanned.
              ConditionExpression: "#status = :review AND updatedAt = :updatedAt",
              ExpressionAttributeNames: { "#pk": STATUS_PK, "#sk": STATUS_SK, "#status": "status" },
              ExpressionAttributeValues: {
                ":pk": statusKey("NEEDS_REVIEW"),
                ":sk": statusSortKey(item.updatedAt as string, item.id as string),
                ":review": "NEEDS_REVIEW",
                ":updatedAt": item.updatedAt,
              },
            }),
          )
          .then(
            () => updated++,
            (err: unknown) => {
              if (!(err instanceof ConditionalCheckFailedException)) throw err;
            },
          );
      }
      startKey = out.LastEvaluatedKey;
    } while (startKey);
    return updated;
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
