import { createDocumentClient, createDynamoDbClient } from "../../shared/adapters/dynamodb/dynamodb-client";
import { BatchRepository } from "../../shared/adapters/dynamodb/batch-repository";
import { RecordRepository } from "../../shared/adapters/dynamodb/record-repository";
import { S3ObjectStore } from "../../shared/adapters/s3/object-store";
import { createS3Client } from "../../shared/adapters/s3/s3-client";
import type { Config } from "../../shared/config";
import type { PipelineDeps } from "../../shared/pipeline/pipeline-deps";

/** The records table (records and batches) and the object store: what every pipeline function builds. */
export function createStorageDeps(
  config: Config,
  db = createDocumentClient(createDynamoDbClient(config)),
): Pick<PipelineDeps, "records" | "objects"> & { batches: BatchRepository } {
  return {
    records: new RecordRepository(db, config.TABLE_NAME),
    batches: new BatchRepository(db, config.TABLE_NAME),
    objects: new S3ObjectStore(createS3Client(config)),
  };
}
