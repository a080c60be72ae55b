/**
 * The records table: one table, several item kinds (single-table design).
 *
 * | item            | pk                 | sk        | gsi1pk / gsi1sk                    | gsi2pk / gsi2sk              |
 * |-----------------|--------------------|-----------|------------------------------------|------------------------------|
 * | chart record    | DOC#<id>           | RECORD    | MRN#<mrnKey> / DOS#<date>#<id>     | SHA256#<hex> / <createdAt>#<id> |
 * | content claim   | SHA256#<hex>       | CONTENT   | –                                  | –                            |
 *
 * - gsi1 answers "every chart for this MRN, by date of service" (records staff, release of information).
 * - gsi2 answers "every record with these bytes" (the original and its duplicates).
 * - The content claim is written in the same transaction as the first record with those bytes, so two
 *   concurrent uploads of the same scan cannot both become originals.
 * - Streams (NEW_AND_OLD_IMAGES) feed the search indexer.
 */
import type { CreateTableCommandInput } from "@aws-sdk/client-dynamodb";
import { mrnKey } from "../../domain/mrn";

export const RECORD_SK = "RECORD";
export const CONTENT_SK = "CONTENT";

export const recordPk = (id: string) => `DOC#${id}`;
export const contentPk = (sha256: string) => `SHA256#${sha256}`;
/** The by-MRN index key: the domain's mrnKey, so it matches what the search index filters on. */
export const mrnIndexPk = (mrn: string) => `MRN#${mrnKey(mrn)}`;

export const GSI_BY_MRN = "gsi1";
export const GSI_BY_CONTENT = "gsi2";

/** Used by the local runtime and tests; the CDK RecordsTable construct defines the same keys. */
export function recordsTableDefinition(tableName: string): CreateTableCommandInput {
  const gsi = (name: string) => ({
    IndexName: name,
    KeySchema: [
      { AttributeName: `${name}pk`, KeyType: "HASH" as const },
      { AttributeName: `${name}sk`, KeyType: "RANGE" as const },
    ],
    Projection: { ProjectionType: "ALL" as const },
  });
  return {
    TableName: tableName,
    BillingMode: "PAY_PER_REQUEST",
    AttributeDefinitions: ["pk", "sk", "gsi1pk", "gsi1sk", "gsi2pk", "gsi2sk"].map((name) => ({
      AttributeName: name,
      AttributeType: "S" as const,
    })),
    KeySchema: [
      { AttributeName: "pk", KeyType: "HASH" },
      { AttributeName: "sk", KeyType: "RANGE" },
    ],
    GlobalSecondaryIndexes: [gsi(GSI_BY_MRN), gsi(GSI_BY_CONTENT)],
    StreamSpecification: { StreamEnabled: true, StreamViewType: "NEW_AND_OLD_IMAGES" },
  };
}
