import { ConditionalCheckFailedException, TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import {
  BatchGetCommand,
  DeleteCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from "@aws-sdk/lib-dynamodb";
import type { ItemChange, StoredItem, ThroughputStore } from "../../throughput/ports";
import { THROUGHPUT_ENTITY, THROUGHPUT_TTL_ATTRIBUTE, throughputPk } from "./table-design";

/** Governor items outlive any lease by far; TTL only clears what a lost document left behind. */
const ITEM_TTL_SECONDS = 14 * 24 * 60 * 60;

/** Cancellation reasons that mean "another writer got there first": read again and retry. */
const LOST_RACE = new Set(["ConditionalCheckFailed", "TransactionConflict"]);

const names = { "#v": "version", "#state": "state", "#entity": "entity", "#ttl": THROUGHPUT_TTL_ATTRIBUTE };

/**
 * The throughput governor's state as items of the records table (pk THROUGHPUT#textract, sk = the item's key;
 * see table-design.ts). A single change is an UpdateItem or DeleteItem with a ConditionExpression on the item's
 * version; several go in one TransactWriteItems. A failed condition (or a transaction conflict) answers
 * false, and the governor reads again. Reads are strongly consistent.
 */
export class DynamoDbThroughputStore implements ThroughputStore {
  private readonly pk: string;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    scope = "textract",
    private readonly nowMs: () => number = Date.now,
  ) {
    this.pk = throughputPk(scope);
  }

  async get(keys: readonly string[]): Promise<ReadonlyMap<string, StoredItem>> {
    const found = new Map<string, StoredItem>();
    let pending: Record<string, unknown>[] = keys.map((sk) => ({ pk: this.pk, sk }));
    // BatchGetItem may answer part of the keys (UnprocessedKeys) under load: ask for the rest.
    for (let round = 0; pending.length > 0; round++) {
      if (round >= 5) throw new Error("DynamoDB left keys unprocessed");
      const out = await this.db.send(
        new BatchGetCommand({
          RequestItems: { [this.tableName]: { Keys: pending, ConsistentRead: true } },
        }),
      );
      for (const item of out.Responses?.[this.tableName] ?? []) {
        const stored = fromItem(item);
        found.set(stored.key, stored);
      }
      pending = (out.UnprocessedKeys?.[this.tableName]?.Keys as Record<string, unknown>[] | undefined) ?? [];
    }
    return found;
  }

  async write(changes: readonly ItemChange[]): Promise<boolean> {
    try {
      if (changes.length === 1) await this.writeOne(changes[0]!);
      else {
        await this.db.send(
          new TransactWriteCommand({
            TransactItems: changes.map((c) =>
              "remove" in c ? { Delete: this.deleteInput(c) } : { Update: this.updateInput(c) },
            ),
          }),
        );
      }
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      if (
        err instanceof TransactionCanceledException &&
        (err.CancellationReasons ?? []).some((r) => r.Code && LOST_RACE.has(r.Code))
      ) {
        return false;
      }
      throw err;
    }
  }

  async list(prefix: string): Promise<StoredItem[]> {
    const items: StoredItem[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const out = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
          ExpressionAttributeValues: { ":pk": this.pk, ":prefix": prefix },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      items.push(...(out.Items ?? []).map(fromItem));
      startKey = out.LastEvaluatedKey;
    } while (startKey);
    return items;
  }

  private async writeOne(change: ItemChange): Promise<void> {
    if ("remove" in change) await this.db.send(new DeleteCommand(this.deleteInput(change)));
    else await this.db.send(new UpdateCommand(this.updateInput(change)));
  }

  private updateInput(change: Extract<ItemChange, { put: unknown }>) {
    const absent = change.expect === "absent";
    return {
      TableName: this.tableName,
      Key: { pk: this.pk, sk: change.key },
      UpdateExpression: "SET #state = :state, #v = :next, #entity = :entity, #ttl = :ttl",
      ConditionExpression: absent ? "attribute_not_exists(pk)" : "#v = :expected",
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: {
        ":state": change.put,
        ":next": absent ? 1 : (change.expect as number) + 1,
        ":entity": THROUGHPUT_ENTITY,
        ":ttl": Math.floor(this.nowMs() / 1000) + ITEM_TTL_SECONDS,
        ...(absent ? {} : { ":expected": change.expect }),
      },
    };
  }

  private deleteInput(change: Extract<ItemChange, { remove: true }>) {
    return {
      TableName: this.tableName,
      Key: { pk: this.pk, sk: change.key },
      ConditionExpression: "#v = :expected",
      ExpressionAttributeNames: { "#v": "version" },
      ExpressionAttributeValues: { ":expected": change.expect },
    };
  }
}

function fromItem(item: Record<string, unknown>): StoredItem {
  return {
    key: item.sk as string,
    version: item.version as number,
    data: (item.state as Record<string, unknown> | undefined) ?? {},
  };
}
