import { QueryCommand, TransactWriteCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { ChangeFeedStore, ChangePage, RecordChange } from "../../events/change-feed";
import { decodeKeyCursor, encodeKeyCursor } from "./key-cursor";
import { InvalidCursorError } from "../../search/search-cursor";
import { CHANGES_PK, changeGuardKey, changeSk, TTL_ATTRIBUTE } from "./table-design";
import { firstConditionFailed, putNew } from "./transact-items";

/** Entries are kept this long: a reader further behind starts again from a full listing. */
const RETENTION_SECONDS = 35 * 24 * 60 * 60;

/**
 * The change feed in the records table: entries under one partition (`CHANGES`), sorted by when they were
 * logged (`<loggedAt>#<record id>#<version>`), each written with a guard item keyed by record id and version in
 * one transaction, so a change the stream delivers twice is logged once. Entries and guards expire after 35
 * days (TTL). One partition takes about a thousand changes a second: far above what the OCR quotas let the
 * pipeline produce.
 */
export class ChangeFeedRepository implements ChangeFeedStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async append(change: RecordChange): Promise<void> {
    const expiresAt = Math.floor(Date.parse(change.loggedAt) / 1000) + RETENTION_SECONDS;
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            putNew(this.tableName, {
              ...changeGuardKey(change.recordId, change.version),
              entity: "ChangeGuard",
              [TTL_ATTRIBUTE]: expiresAt,
            }),
            {
              Put: {
                TableName: this.tableName,
                Item: {
                  pk: CHANGES_PK,
                  sk: changeSk(change),
                  entity: "RecordChange",
                  ...change,
                  [TTL_ATTRIBUTE]: expiresAt,
                },
              },
            },
          ],
        }),
      );
    } catch (err) {
      // Logged before: the guard is there.
      if (firstConditionFailed(err)) return;
      throw err;
    }
  }

  async list(opts: { cursor?: string; before: string; limit: number }): Promise<ChangePage> {
    const after = opts.cursor ? decodeKeyCursor(opts.cursor) : undefined;
    const afterSk = after?.sk;
    if (after && (after.pk !== CHANGES_PK || afterSk === undefined)) throw new InvalidCursorError();
    // A cursor at or past `before` (its entry settled by one Lambda's clock, read by another's a little
    // behind; or a made-up one): nothing is new yet. DynamoDB would refuse a start key outside the range.
    if (opts.cursor && afterSk !== undefined && afterSk >= opts.before)
      return { changes: [], cursor: opts.cursor };
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: "pk = :pk AND sk < :before",
        ExpressionAttributeValues: { ":pk": CHANGES_PK, ":before": opts.before },
        ...(afterSk !== undefined ? { ExclusiveStartKey: { pk: CHANGES_PK, sk: afterSk } } : {}),
        Limit: opts.limit,
      }),
    );
    const changes = (out.Items ?? []).map(changeFromItem);
    const last = out.Items?.at(-1);
    const cursor = last ? encodeKeyCursor({ pk: CHANGES_PK, sk: String(last.sk) }) : (opts.cursor ?? "");
    return { changes, cursor };
  }
}

function changeFromItem(item: Record<string, unknown>): RecordChange {
  const { pk: _pk, sk: _sk, entity: _e, [TTL_ATTRIBUTE]: _ttl, ...change } = item;
  return change as unknown as RecordChange;
}
