/**
 * The records table: one table, several item kinds (single-table design).
 *
 * | item                                | pk                  | sk                            |
 * |-------------------------------------|---------------------|-------------------------------|
 * | chart record                        | DOC#<id>            | RECORD                        |
 * | content claim                       | SHA256#<hex>        | CONTENT                       |
 * | reprocess job                       | JOB#<id>            | JOB                           |
 * | vendor batch                        | BATCH#<id>          | BATCH                         |
 * | batch file                          | BATCH#<id>          | FILE#<name>                   |
 * | a vendor's batches (pointer)        | VENDOR#<vendor>     | BATCH#<createdAt>#<id>        |
 * | open batches (pointer until closed) | BATCHES#OPEN        | <closesAt>#<id>               |
 * | closed batches not yet completed    | BATCHES#UNFINISHED  | <id>                          |
 * | change feed entry                   | CHANGES             | <loggedAt>#<id>#<version>     |
 * | change feed guard (one per version) | DOC#<id>            | CHANGE#<version>              |
 * | throughput: Start… plan             | THROUGHPUT#textract | PLAN#start                    |
 * | throughput: Start…/Get… gates       | THROUGHPUT#textract | GATE#start, GATE#get          |
 * | throughput: job slots and line      | THROUGHPUT#textract | SLOTS                         |
 * | throughput: a held job slot         | THROUGHPUT#textract | SLOT#<job key>                |
 * | throughput: a document's place      | THROUGHPUT#textract | JOB#<job key>                 |
 * | throughput: a line entry            | THROUGHPUT#textract | LINE#<joined at ms>#<job key> |
 * | throughput: a job that ended        | THROUGHPUT#textract | ENDED#<job key>               |
 * | patient id of an MRN (FHIR)         | MRN#<mrn key>       | PATIENT                       |
 * | MRN of a patient id (FHIR)          | PATIENT#<id>        | PATIENT                       |
 * | FHIR bulk export job                | EXPORT#<id>         | EXPORT                        |
 *
 * - Every read of a record is by key: a record by its id, a content claim by the hash of the bytes. Searches
 *   (MRN, date of birth, type, dates, text) go to the search index, which the table's stream feeds.
 * - The content claim is written in the same transaction as the first record with those bytes, so two
 *   concurrent uploads of the same scan cannot both become originals: that is how duplicates are detected.
 * - Streams (NEW_AND_OLD_IMAGES) feed the search indexer.
 * - The by-status index (below) answers "which records have sat in a processing state since before T".
 * - Throughput governor items (entity ThroughputState; shared/throughput/throughput-governor.ts) share one
 *   partition; each is `{ version, state, expiresAt }`, written only on the condition that `version` is
 *   still the one read (shared/adapters/dynamodb/throughput-store.ts). The plan and the gates hold the next
 *   free turn (ms); SLOTS the count of slots held; SLOT# a held slot's phase and lease; JOB# a document's
 *   reservation, held gate turn, line entry and the receipt handle that wakes its message; LINE# entries are
 *   the line for a job slot, in the order documents joined (15-digit ms, then the job key). Job keys are
 *   record ids: no record content. `expiresAt` (TTL) clears what a lost document left behind; the stream's
 *   consumers skip these items (not chart records).
 */
import { createHash } from "node:crypto";
import type { CreateTableCommandInput } from "@aws-sdk/client-dynamodb";

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

/** What defines the table's shape, in DynamoDB API terms. */
export type TableSchema = Required<
  Pick<CreateTableCommandInput, "KeySchema" | "AttributeDefinitions" | "BillingMode" | "StreamSpecification">
> &
  Pick<CreateTableCommandInput, "GlobalSecondaryIndexes">;

/**
 * The one definition of the records table's keys, indexes, capacity mode and stream: the CDK RecordsTable
 * construct and the local runtime's DynamoDB Local table are both built from it.
 */
/** The generic string keys `pk` and `sk` of chartbridge's single-table designs. */
export const PK_SK_KEYS = {
  KeySchema: [
    { AttributeName: "pk", KeyType: "HASH" },
    { AttributeName: "sk", KeyType: "RANGE" },
  ],
  AttributeDefinitions: [
    { AttributeName: "pk", AttributeType: "S" },
    { AttributeName: "sk", AttributeType: "S" },
  ],
} as const satisfies Pick<TableSchema, "KeySchema" | "AttributeDefinitions">;

export const RECORDS_TABLE_SCHEMA: TableSchema = {
  KeySchema: [...PK_SK_KEYS.KeySchema],
  AttributeDefinitions: [
    ...PK_SK_KEYS.AttributeDefinitions,
    { AttributeName: STATUS_PK, AttributeType: "S" },
    { AttributeName: STATUS_SK, AttributeType: "S" },
  ],
  BillingMode: "PAY_PER_REQUEST",
  GlobalSecondaryIndexes: [byStatusIndexDefinition],
  StreamSpecification: { StreamEnabled: true, StreamViewType: "NEW_AND_OLD_IMAGES" },
};

export const RECORD_SK = "RECORD";
export const CONTENT_SK = "CONTENT";
export const JOB_SK = "JOB";

/** The throughput governor's partition (one per table: the quotas this deployment shares). */
export const throughputPk = (scope: string) => `THROUGHPUT#${scope}`;
export const THROUGHPUT_ENTITY = "ThroughputState";
/** The records table's TTL attribute (epoch seconds): throughput governor items, change feed entries and guards. */
export const TTL_ATTRIBUTE = "expiresAt";

export const recordPk = (id: string) => `DOC#${id}`;
export const contentPk = (sha256: string) => `SHA256#${sha256}`;
export const jobPk = (id: string) => `JOB#${id}`;

export const BATCH_SK = "BATCH";
export const batchPk = (id: string) => `BATCH#${id}`;
/** DynamoDB's limit on a sort key, in bytes (UTF-8). */
const MAX_SORT_KEY_BYTES = 1024;
/**
 * A batch file's sort key: `FILE#<name>`. A name too long for that (an unexpected file whose S3 key is near
 * S3's 1,024 bytes under a one-letter vendor and batch; manifest names are shorter) keeps its first 900 bytes,
 * for the listing's order, and is told apart by its hash. The item keeps the whole name.
 */
export const batchFileSk = (name: string) => {
  const sk = `FILE#${name}`;
  if (Buffer.byteLength(sk, "utf8") <= MAX_SORT_KEY_BYTES) return sk;
  const start = Buffer.from(name, "utf8").subarray(0, 900).toString("utf8");
  return `FILE#${start}#${createHash("sha256").update(name).digest("hex")}`;
};
export const vendorBatchesPk = (vendor: string) => `VENDOR#${vendor}`;
export const OPEN_BATCHES_PK = "BATCHES#OPEN";
/** Closed batches not yet completed (sk: the batch id), for the sweeper's re-tracking of their files. */
export const UNFINISHED_BATCHES_PK = "BATCHES#UNFINISHED";

/** The change feed (shared/events/change-feed.ts): entries in the order they were logged. */
export const CHANGES_PK = "CHANGES";
export const changeSk = (c: { loggedAt: string; recordId: string; version: number }) =>
  `${c.loggedAt}#${c.recordId}#${String(c.version).padStart(10, "0")}`;
/** One per record version logged: a repeated stream delivery finds it and logs nothing twice. */
export const changeGuardKey = (recordId: string, version: number) => ({
  pk: recordPk(recordId),
  sk: `CHANGE#${String(version).padStart(10, "0")}`,
});

/** CreateTable input for the records table (the local runtime and tests). */
export function recordsTableDefinition(tableName: string): CreateTableCommandInput {
  return { TableName: tableName, ...RECORDS_TABLE_SCHEMA };
}

/** The patient directory (shared/fhir/patient-directory.ts): both directions, written in one transaction. */
export const PATIENT_SK = "PATIENT";
export const mrnPatientPk = (mrnKey: string) => `MRN#${mrnKey}`;
export const patientPk = (patientId: string) => `PATIENT#${patientId}`;
export const EXPORT_SK = "EXPORT";
export const exportPk = (id: string) => `EXPORT#${id}`;
