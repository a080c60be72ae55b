import { ConditionalCheckFailedException, TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import {
  BatchGetCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from "@aws-sdk/lib-dynamodb";
import type { ItemChange, StoredItem, ThroughputStore } from "../../throughput/ports";
import { THROUGHPUT_ENTITY, TTL_ATTRIBUTE, throughputPk } from "./table-design";

/** Governor items outlive any lease by far; TTL only clears what a lost document left behind. */
const ITEM_TTL_SECONDS = 14 * 24 * 60 * 60;

/** Cancellation reasons that mean "another writer got there first": read again and retry. */
const LOST_RACE = new Set(["ConditionalCheckFailed", "TransactionConflict"]);

/** Attributes of the item itself; the rest is the item's data. */
const RESERVED = new Set(["pk", "sk", "entity", "version", TTL_ATTRIBUTE]);

type Put = Extract<ItemChange, { put: unknown }>;
type Remove = Extract<ItemChange, { remove: true }>;
type Add = Extract<ItemChange, { add: string }>;

/**
 * The throughput governor's state as items of the records table (pk THROUGHPUT#textract, sk = the item's key;
 * see table-design.ts), their data as top-level attributes beside `version`. Every write is conditional: a put
 * or delete on the version read (PutItem/DeleteItem with a ConditionExpression), a counter with ADD under its
 * maximum, several changes in one TransactWriteItems. A failed condition (or a transaction conflict)
 * answers false and the governor reads again. A schedule turn is an UpdateItem with a condition on `at`:
 * `at = floor + interval` while `at ≤ floor`, else `at = at + interval` (ConditionalCheckFailed moves to the
 * other form), so concurrent callers never lose a race they would have to retry. Reads are consistent.
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
              "remove" in c
                ? { Delete: this.deleteInput(c) }
                : "add" in c
                  ? { Update: this.addInput(c) }
                  : { Put: this.putInput(c) },
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

  async list(prefix: string, limit?: number): Promise<StoredItem[]> {
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
          ...(limit !== undefined ? { Limit: limit - items.length } : {}),
        }),
      );
      items.push(...(out.Items ?? []).map(fromItem));
      startKey = out.LastEvaluatedKey;
    } while (startKey && (limit === undefined || items.length < limit));
    return items;
  }

  async advance(
    key: string,
    floor: number,
    interval: number,
    notAfter?: number,
  ): Promise<number | undefined> {
    for (let attempt = 0; attempt < 5; attempt++) {
      if (notAfter !== undefined && floor > notAfter) return undefined;
      // The schedule is behind `floor` (or new): the turn is `floor`.
      if (
        await this.conditionalUpdate(key, "SET #at = :next", "attribute_not_exists(#at) OR #at <= :floor", {
          ":next": floor + interval,
          ":floor": floor,
        })
      ) {
        return floor;
      }
      // It is ahead: the turn is its `at`, moved on by one interval (unless that is after `notAfter`).
      const out = await this.conditionalUpdate(
        key,
        "SET #at = #at + :interval",
        notAfter === undefined ? "#at > :floor" : "#at > :floor AND #at <= :notAfter",
        {
          ":interval": interval,
          ":floor": floor,
          ...(notAfter === undefined ? {} : { ":notAfter": notAfter }),
        },
      );
      if (out) return out.at - interval;
      // Neither held: the schedule fell behind `floor` meanwhile (try again), or is past `notAfter`.
      if (notAfter !== undefined) {
        const current = await this.db.send(
          new GetCommand({ TableName: this.tableName, Key: { pk: this.pk, sk: key }, ConsistentRead: true }),
        );
        const at = current.Item?.at as number | undefined;
        if (at !== undefined && at > notAfter) return undefined;
      }
    }
    throw new Error("DynamoDB schedule turn kept changing");
  }

  /** An UpdateItem that also bumps the version and the expiry; false when `condition` failed. */
  private async conditionalUpdate(
    key: string,
    set: string,
    condition: string,
    values: Record<string, unknown>,
  ): Promise<{ at: number } | false> {
    try {
      const out = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: this.pk, sk: key },
          UpdateExpression: `${set}, #entity = :entity, #ttl = :ttl ADD #v :one`,
          ConditionExpression: condition,
          ExpressionAttributeNames: {
            "#at": "at",
            "#v": "version",
            "#entity": "entity",
            "#ttl": TTL_ATTRIBUTE,
          },
          ExpressionAttributeValues: {
            ...values,
            ":one": 1,
            ":entity": THROUGHPUT_ENTITY,
            ":ttl": this.expiresAt(),
          },
          ReturnValues: "UPDATED_NEW",
        }),
      );
      return { at: out.Attributes?.at as number };
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
  }

  private async writeOne(change: ItemChange): Promise<void> {
    if ("remove" in change) await this.db.send(new DeleteCommand(this.deleteInput(change)));
    else if ("add" in change) await this.db.send(new UpdateCommand(this.addInput(change)));
    else await this.db.send(new PutCommand(this.putInput(change)));
  }

  private putInput(change: Put) {
    const absent = change.expect === "absent";
    return {
      TableName: this.tableName,
      Item: {
        ...change.put,
        pk: this.pk,
        sk: change.key,
        entity: THROUGHPUT_ENTITY,
        version: absent ? 1 : (change.expect as number) + 1,
        [TTL_ATTRIBUTE]: this.expiresAt(),
      },
      ConditionExpression: absent ? "attribute_not_exists(pk)" : "#v = :expected",
      ...(absent
        ? {}
        : {
            ExpressionAttributeNames: { "#v": "version" },
            ExpressionAttributeValues: { ":expected": change.expect },
          }),
    };
  }

  private deleteInput(change: Remove) {
    return {
      TableName: this.tableName,
      Key: { pk: this.pk, sk: change.key },
      ConditionExpression: "#v = :expected",
      ExpressionAttributeNames: { "#v": "version" },
      ExpressionAttributeValues: { ":expected": change.expect },
    };
  }

  private addInput(change: Add) {
    return {
      TableName: this.tableName,
      Key: { pk: this.pk, sk: change.key },
      UpdateExpression: "ADD #f :by, #v :one SET #entity = :entity, #ttl = :ttl",
      ...(change.max === undefined
        ? {}
        : { ConditionExpression: "attribute_not_exists(#f) OR #f <= :limit" }),
      ExpressionAttributeNames: {
        "#f": change.add,
        "#v": "version",
        "#entity": "entity",
        "#ttl": TTL_ATTRIBUTE,
      },
      ExpressionAttributeValues: {
        ":by": change.by,
        ":one": 1,
        ":entity": THROUGHPUT_ENTITY,
        ":ttl": this.expiresAt(),
        ...(change.max === undefined ? {} : { ":limit": change.max - change.by }),
      },
    };
  }

  private expiresAt(): number {
    return Math.floor(this.nowMs() / 1000) + ITEM_TTL_SECONDS;
  }
}

function fromItem(item: Record<string, unknown>): StoredItem {
  const data = Object.fromEntries(Object.entries(item).filter(([name]) => !RESERVED.has(name)));
  return { key: item.sk as string, version: item.version as number, data };
}
