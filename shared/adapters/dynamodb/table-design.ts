/**
 * The records table: one table, several item kinds (single-table design).
 *
 * | item            | pk                 | sk        |
 * |-----------------|--------------------|-----------|
 * | chart record    | DOC#<id>           | RECORD    |
 * | content claim   | SHA256#<hex>       | CONTENT   |
 *
 * - Every read is by key: a record by its id, a content claim by the hash of the bytes. Searches (MRN, date of
 *   birth, type, dates, text) go to the search index, which the table's stream feeds; the table has no secondary
 *   index, so no second copy of the records.
 * - The content claim is written in the same transaction as the first record with those bytes, so two
 *   concurrent uploads of the same scan cannot both become originals: that is how duplicates are detected.
 * - Streams (NEW_AND_OLD_IMAGES) feed the search indexer.
 */
import type { CreateTableCommandInput } from "@aws-sdk/client-dynamodb";

/** What defines the table's shape, in DynamoDB API terms. */
export type TableSchema = Required<
  Pick<CreateTableCommandInput, "KeySchema" | "AttributeDefinitions" | "BillingMode" | "StreamSpecification">
> &
  Pick<CreateTableCommandInput, "GlobalSecondaryIndexes">;

/**
 * The one definition of the records table's keys, indexes, capacity mode and stream: the CDK RecordsTable
 * construct and the local runtime's DynamoDB Local table are both built from it.
 */
export const RECORDS_TABLE_SCHEMA: TableSchema = {
  KeySchema: [
    { AttributeName: "pk", KeyType: "HASH" },
    { AttributeName: "sk", KeyType: "RANGE" },
  ],
  AttributeDefinitions: [
    { AttributeName: "pk", AttributeType: "S" },
    { AttributeName: "sk", AttributeType: "S" },
  ],
  BillingMode: "PAY_PER_REQUEST",
  StreamSpecification: { StreamEnabled: true, StreamViewType: "NEW_AND_OLD_IMAGES" },
};

export const RECORD_SK = "RECORD";
export const CONTENT_SK = "CONTENT";

export const recordPk = (id: string) => `DOC#${id}`;
export const contentPk = (sha256: string) => `SHA256#${sha256}`;

/** CreateTable input for the records table (the local runtime and tests). */
export function recordsTableDefinition(tableName: string): CreateTableCommandInput {
  return { TableName: tableName, ...RECORDS_TABLE_SCHEMA };
}
