/**
 * The audit table: append-only, a table of its own (own KMS key, point-in-time recovery, no function may update
 * or delete an item).
 *
 * | item       | pk                         | sk                    | holds                                 |
 * |------------|----------------------------|-----------------------|---------------------------------------|
 * | day head   | DAY#<yyyy-mm-dd>           | HEAD                  | seq and hash of the day's last event  |
 * | event      | DAY#<yyyy-mm-dd>           | EVENT#<seq, 10 digits>| the event (see shared/audit)          |
 * | reference  | REF#RECORD#<id>            | <at>#<event id>       | day and seq of an event naming it     |
 * |            | REF#MRN#<mrn key>          |                       |                                       |
 * |            | REF#USER#<user or client>  |                       |                                       |
 * |            | REF#DISCLOSURE#<mrn key>   |                       |                                       |
 *
 * - The head and the event are written in one transaction, conditional on the head being what the writer
 *   read: two writers can never both take the same number, and a lost race is retried with the new head.
 * - References make the access report and the accounting of disclosures key lookups by record, patient or
 *   user, in time order, instead of reading every day. They are an index: `audit verify` checks the chain.
 * - No stream and no index: nothing is derived from it automatically.
 */
import type { CreateTableCommandInput } from "@aws-sdk/client-dynamodb";
import { PK_SK_KEYS, type TableSchema } from "./table-design";

export const AUDIT_TABLE_SCHEMA: TableSchema = {
  KeySchema: [...PK_SK_KEYS.KeySchema],
  AttributeDefinitions: [...PK_SK_KEYS.AttributeDefinitions],
  BillingMode: "PAY_PER_REQUEST",
  StreamSpecification: { StreamEnabled: false },
};

export const HEAD_SK = "HEAD";
export const dayPk = (day: string) => `DAY#${day}`;
export const eventSk = (seq: number) => `EVENT#${String(seq).padStart(10, "0")}`;

export type ReferenceKind = "RECORD" | "MRN" | "USER" | "DISCLOSURE";
export const referencePk = (kind: ReferenceKind, value: string) => `REF#${kind}#${value}`;
/** Time-ordered; the event id keeps events of the same millisecond apart. */
export const referenceSk = (at: string, eventId: string) => `${at}#${eventId}`;

export function auditTableDefinition(tableName: string): CreateTableCommandInput {
  return { TableName: tableName, ...AUDIT_TABLE_SCHEMA };
}
