import { TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  GetCommand,
  QueryCommand,
  ScanCommand,
  type ScanCommandOutput,
  TransactWriteCommand,
  type DynamoDBDocumentClient,
} from "@aws-sdk/lib-dynamodb";
import { auditDay, chainEvent, type AuditEvent, type ChainLink } from "../../audit/audit-chain";
import type { AuditEntry } from "../../audit/audit-entry";
import type { AuditChainReader, AuditLog, AuditLookup, AuditPage, AuditQuery } from "../../audit/audit-log";
import { InvalidCursorError } from "../../search/search-cursor";
import { decodeKeyCursor, encodeKeyCursor } from "./key-cursor";
import { putIf, putNew } from "./transact-items";
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
export class AuditLogRepository implements AuditLog, AuditChainReader {
  /** The head this instance last wrote, per day: usually still current, which saves a read per event. */
  private readonly lastHeads = new Map<string, ChainLink>();

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async append(entry: AuditEntry): Promise<void> {
    const { event, refsWritten } = await this.appendToChain(entry);
    if (refsWritten) return;
    const refs = references(event).map((item) => putNew(this.tableName, item));
    for (let i = 0; i < refs.length; i += MAX_TRANSACT_ITEMS) {
      await this.db.send(new TransactWriteCommand({ TransactItems: refs.slice(i, i + MAX_TRANSACT_ITEMS) }));
    }
  }

  /** Events by record, patient, user or disclosure, oldest first: a page of references, then the events. */
  async find(query: AuditQuery): Promise<AuditPage> {
    const pk = lookupPk(query.lookup);
    const start = query.cursor ? decodeKeyCursor(query.cursor) : undefined;
    // A cursor from another lookup would make DynamoDB fail the query: refuse it as the caller's mistake.
    if (start && (start.pk !== pk || typeof start.sk !== "string")) throw new InvalidCursorError();
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: "pk = :pk AND sk BETWEEN :from AND :to",
        ExpressionAttributeValues: {
          ":pk": pk,
          ":from": query.from ?? "0",
          // "~" sorts after every character of an ISO timestamp and "#": a date alone covers its whole day.
          ":to": `${query.to ?? "9999"}~`,
        },
        Limit: query.limit,
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    const refs = (out.Items ?? []).map((item) => ({
      pk: dayPk(item.day as string),
      sk: eventSk(item.seq as number),
    }));
    const events = await this.getEvents(refs);
    return {
      events,
      ...(out.LastEvaluatedKey ? { nextCursor: encodeKeyCursor(out.LastEvaluatedKey) } : {}),
    };
  }

  /** The events behind `keys`, in the order given (BatchGetItem returns them in any order). */
  private async getEvents(keys: { pk: string; sk: string }[]): Promise<AuditEvent[]> {
    const found = new Map<string, AuditEvent>();
    for (let i = 0; i < keys.length; i += 100) {
      let pending: Record<string, unknown>[] | undefined = keys.slice(i, i + 100);
      for (let attempt = 0; pending && pending.length > 0; attempt++) {
        if (attempt > 8) throw new Error("audit events could not be read");
        const out: BatchGetCommandOutput = await this.db.send(
          new BatchGetCommand({
            RequestItems: { [this.tableName]: { Keys: pending, ConsistentRead: true } },
          }),
        );
        for (const item of out.Responses?.[this.tableName] ?? [])
          found.set(`${item.pk}|${item.sk}`, fromEventItem(item));
        pending = out.UnprocessedKeys?.[this.tableName]?.Keys;
        if (pending?.length) await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
      }
    }
    return keys.flatMap((k) => found.get(`${k.pk}|${k.sk}`) ?? []);
  }

  /** Every day with a head or an event: a full scan, for `audit verify` (never called by a Lambda). */
  async days(): Promise<string[]> {
    const days = new Set<string>();
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const out: ScanCommandOutput = await this.db.send(
        new ScanCommand({
          TableName: this.tableName,
          ProjectionExpression: "pk",
          FilterExpression: "begins_with(pk, :day)",
          ExpressionAttributeValues: { ":day": "DAY#" },
          ExclusiveStartKey,
        }),
      );
      for (const item of out.Items ?? []) days.add((item.pk as string).slice("DAY#".length));
      ExclusiveStartKey = out.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return [...days].sort();
  }

  /** The day's head and events, in order (for `audit verify`). */
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

  /**
   * Takes the next number of the entry's day: head and event in one conditional transaction, with the
   * references too when they fit in it (a search page's do). The head last written by this instance is
   * assumed current; a lost race re-reads it.
   */
  private async appendToChain(entry: AuditEntry): Promise<{ event: AuditEvent; refsWritten: boolean }> {
    const day = auditDay(entry.at);
    for (let race = 0; ; race++) {
      const previous = race === 0 && this.lastHeads.has(day) ? this.lastHeads.get(day) : await this.head(day);
      const event = chainEvent(entry, previous);
      const headCondition =
        event.seq === 1
          ? { ConditionExpression: "attribute_not_exists(pk)" }
          : {
              ConditionExpression: "seq = :prev",
              ExpressionAttributeValues: { ":prev": event.seq - 1 },
            };
      const refs = references(event).map((item) => putNew(this.tableName, item));
      const withRefs = refs.length + 2 <= MAX_TRANSACT_ITEMS;
      try {
        await this.db.send(
          new TransactWriteCommand({
            TransactItems: [
              putIf(
                this.tableName,
                { pk: dayPk(event.day), sk: HEAD_SK, seq: event.seq, hash: event.hash },
                headCondition,
              ),
              putNew(this.tableName, { ...event, pk: dayPk(event.day), sk: eventSk(event.seq) }),
              ...(withRefs ? refs : []),
            ],
          }),
        );
        this.lastHeads.set(day, { seq: event.seq, hash: event.hash });
        return { event, refsWritten: withRefs };
      } catch (err) {
        this.lastHeads.delete(day);
        if (!(err instanceof TransactionCanceledException) || race >= MAX_HEAD_RACES) throw err;
        // Only the head can conflict: every other item's key contains the event's new number.
        if (err.CancellationReasons?.[0]?.Code !== "ConditionalCheckFailed") throw err;
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
}

/** The reference items of an event: one per record, patient, the actor and, for disclosures, per patient. */
function references(event: AuditEvent): Record<string, unknown>[] {
  const keys = new Set<string>();
  const add = (kind: ReferenceKind, value: string) => value && keys.add(referencePk(kind, value));
  for (const id of event.recordIds) add("RECORD", id);
  const mrns = [...new Set(event.mrns.map(mrnKey))];
  for (const key of mrns) add("MRN", key);
  add("USER", event.actor.name);
  if (event.disclosure) for (const key of mrns) add("DISCLOSURE", key);
  return [...keys].map((pk) => ({
    pk,
    sk: referenceSk(event.at, event.id),
    day: event.day,
    seq: event.seq,
  }));
}

function lookupPk(lookup: AuditLookup): string {
  switch (lookup.by) {
    case "record":
      return referencePk("RECORD", lookup.recordId);
    case "mrn":
      return referencePk("MRN", mrnKey(lookup.mrn));
    case "user":
      return referencePk("USER", lookup.user);
    case "disclosure":
      return referencePk("DISCLOSURE", mrnKey(lookup.mrn));
  }
}

function fromEventItem(item: Record<string, unknown>): AuditEvent {
  const { pk: _pk, sk: _sk, ...event } = item;
  return event as unknown as AuditEvent;
}
