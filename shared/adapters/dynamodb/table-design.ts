/**
 * The records table: one table, several item kinds (single-table design).
 *
 * | item            | pk                 | sk        | gsi1pk / gsi1sk                    | gsi2pk / gsi2sk              |
 * |-----------------|--------------------|-----------|------------------------------------|------------------------------|
 * | chart record    | DOC#<id>           | RECORD    | MRN#<mrn> / DOS#<date>#<id>        | SHA256#<hex> / <createdAt>#<id> |
 * | content claim   | SHA256#<hex>       | CONTENT   | –                                  | –                            |
 *
 * - gsi1 answers "every chart for this MRN, by date of service" (records staff, release of information).
 * - gsi2 answers "every record with these bytes" (the original and its duplicates).
 * - The content claim is written in the same transaction as the first record with those bytes, so two
 *   concurrent uploads of the same scan cannot both become originals.
 * - Streams (NEW_AND_OLD_IMAGES) feed the search indexer.
 * - The by-status index (below) answers "which records have sat in a processing state since before T".
 */
import type { CreateTableCommandInput } from "@aws-sdk/client-dynamodb";

export const RECORD_SK = "RECORD";
export const CONTENT_SK = "CONTENT";

export const recordPk = (id: string) => `DOC#${id}`;
export const contentPk = (sha256: string) => `SHA256#${sha256}`;
export const mrnKey = (mrn: string) => `MRN#${mrn.trim().toUpperCase()}`;

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
    AttributeDefinitions: ["pk", "sk", "gsi1pk", "gsi1sk", "gsi2pk", "gsi2sk", STATUS_PK, STATUS_SK].map(
      (name) => ({
        AttributeName: name,
        AttributeType: "S" as const,
      }),
    ),
    KeySchema: [
      { AttributeName: "pk", KeyType: "HASH" },
      { AttributeName: "sk", KeyType: "RANGE" },
    ],
    GlobalSecondaryIndexes: [gsi(GSI_BY_MRN), gsi(GSI_BY_CONTENT), byStatusIndexDefinition],
    StreamSpecification: { StreamEnabled: true, StreamViewType: "NEW_AND_OLD_IMAGES" },
  };
}

// ── Stuck records: a sparse index on status and last write ──────────────────────────────────────────────
// Only records in a state the pipeline moves on by itself (RECEIVED, OCR_PENDING, EXTRACTED) carry the
// index keys, so the index holds just the work in flight. KEYS_ONLY: it copies ids and timestamps, never
// record content (names, MRNs and dates of birth stay in the base table).

export const GSI_BY_STATUS = "byStatus";
export const STATUS_PK = "statusPk";
export const STATUS_SK = "statusSk";

export const statusKey = (status: string) => `STATUS#${status}`;
/** Sorts by last write; the id keeps entries written in the same millisecond apart. */
export const statusSortKey = (updatedAt: string, id: string) => `${updatedAt}#${id}`;

export const byStatusIndexDefinition = {
  IndexName: GSI_BY_STATUS,
  KeySchema: [
    { AttributeName: STATUS_PK, KeyType: "HASH" as const },
    { AttributeName: STATUS_SK, KeyType: "RANGE" as const },
  ],
  Projection: { ProjectionType: "KEYS_ONLY" as const },
};
