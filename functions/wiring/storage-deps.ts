import { createDocumentClient, createDynamoDbClient } from "../../shared/adapters/dynamodb/dynamodb-client";
import { RecordRepository } from "../../shared/adapters/dynamodb/record-repository";
import { S3ObjectStore } from "../../shared/adapters/s3/object-store";
import { createS3Client } from "../../shared/adapters/s3/s3-client";
import type { Config } from "../../shared/config";
import type { PipelineDeps } from "../../shared/pipeline/pipeline-deps";

/** The records table and the object store: what every pipeline function builds from configuration. */
export function createStorageDeps(
  config: Config,
  db = createDocumentClient(createDynamoDbClient(config)),
): Pick<PipelineDeps, "records" | "objects"> {
  return {
    records: new RecordRepository(db, config.TABLE_NAME),
    objects: new S3ObjectStore(createS3Client(config)),
  };
}
