import { TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import {
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  type DynamoDBDocumentClient,
} from "@aws-sdk/lib-dynamodb";
import { chainEvent, type AuditEvent, type ChainLink } from "../../audit/audit-chain";
import type { AuditEntry } from "../../audit/audit-entry";
import type { AuditLog } from "../../audit/audit-log";
import { mrnKey } from "../../domain/mrn";
import { dayPk, eventSk, HEAD_SK, referencePk, referenceSk, type ReferenceKind } from "./audit-table-design";

/** DynamoDB's limit on items per transaction. */
const MAX_TRANSACT_ITEMS = 100;
/** Concurrent writers of the same day race for the head; each lost race costs one round trip. */
const MAX_HEAD_RACES = 50;

/**
 * The audit trail in its own DynamoDB table (see audit-table-design.ts). Every write is a Put conditional on
 * the item not existing (or, for the day head, on it being what the writer read): nothing is ever
 * overwritten, and the IAM policy of every function denies UpdateItem and DeleteItem on the table.
 */
export class AuditLogRepository implements AuditLog {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async append(entry: AuditEntry): Promise<void> {
    const event = await this.appendToChain(entry);
    const refs = references(event).map((item) => this.putNew(item));
    for (let i = 0; i < refs.length; i += MAX_TRANSACT_ITEMS) {
      await this.db.send(new TransactWriteCommand({ TransactItems: refs.slice(i, i + MAX_TRANSACT_ITEMS) }));
    }
  }

  /** The day's head and events, in order (for `audit verify` and the queries). */
  async readDay(day: string): Promise<{ head?: ChainLink; events: AuditEvent[] }> {
    const events: AuditEvent[] = [];
    let head: ChainLink | undefined;
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const out = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: "pk = :pk",
          ExpressionAttributeValues: { ":pk": dayPk(day) },
          ConsistentRead: true,
          ExclusiveStartKey,
        }),
      );
      for (const item of out.Items ?? []) {
        if (item.sk === HEAD_SK) head = { seq: item.seq as number, hash: item.hash as string };
        else events.push(fromEventItem(item));
      }
      ExclusiveStartKey = out.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return { ...(head ? { head } : {}), events };
  }

  /** Takes the next number of the entry's day: head and event in one conditional transaction. */
  private async appendToChain(entry: AuditEntry): Promise<AuditEvent> {
    for (let race = 0; ; race++) {
      const event = chainEvent(entry, await this.head(entry.at.slice(0, 10)));
      const headCondition =
        event.seq === 1
          ? { ConditionExpression: "attribute_not_exists(pk)" }
          : {
              ConditionExpression: "seq = :prev",
              ExpressionAttributeValues: { ":prev": event.seq - 1 },
            };
      try {
        await this.db.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: this.tableName,
                  Item: { pk: dayPk(event.day), sk: HEAD_SK, seq: event.seq, hash: event.hash },
                  ...headCondition,
                },
              },
              this.putNew({ ...event, pk: dayPk(event.day), sk: eventSk(event.seq) }),
            ],
          }),
        );
        return event;
      } catch (err) {
        if (!(err instanceof TransactionCanceledException) || race >= MAX_HEAD_RACES) throw err;
        const conflict = err.CancellationReasons?.some((r) => r.Code === "ConditionalCheckFailed");
        if (!conflict) throw err;
        await new Promise((r) => setTimeout(r, Math.random() * 10 * Math.min(race + 1, 10)));
      }
    }
  }

  private async head(day: string): Promise<ChainLink | undefined> {
    const out = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: dayPk(day), sk: HEAD_SK },
        ConsistentRead: true,
      }),
    );
    return out.Item ? { seq: out.Item.seq as number, hash: out.Item.hash as string } : undefined;
  }

  private putNew(item: Record<string, unknown>) {
    return {
      Put: { TableName: this.tableName, Item: item, ConditionExpression: "attribute_not_exists(pk)" },
    };
  }
}

/** The reference items of an event: one per record, patient, the actor and, for disclosures, per patient. */
function references(event: AuditEvent): Record<string, unknown>[] {
  const keys = new Set<string>();
  const add = (kind: ReferenceKind, value: string) => value && keys.add(referencePk(kind, value));
  for (const id of event.recordIds) add("RECORD", id);
  const mrns = [...new Set(event.mrns.map(mrnKey))];
  for (const key of mrns) add("MRN", key);
  add("ACTOR", event.actor.sub);
  if (event.disclosure) for (const key of mrns) add("DISCLOSURE", key);
  return [...keys].map((pk) => ({
    pk,
    sk: referenceSk(event.at, event.id),
    day: event.day,
    seq: event.seq,
  }));
}

function fromEventItem(item: Record<string, unknown>): AuditEvent {
  const { pk: _pk, sk: _sk, ...event } = item;
  return event as unknown as AuditEvent;
}
