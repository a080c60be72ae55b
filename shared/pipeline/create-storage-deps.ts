import { createDocumentClient, createDynamoDbClient } from "../adapters/dynamodb/dynamodb-client";
import { RecordRepository } from "../adapters/dynamodb/record-repository";
import { ObjectStore } from "../adapters/s3/object-store";
import { createS3Client } from "../adapters/s3/s3-client";
import type { Config } from "../config";
import type { PipelineDeps } from "./pipeline-deps";

/** The records table and the object store: what every pipeline function builds from configuration. */
export function createStorageDeps(config: Config): Pick<PipelineDeps, "records" | "objects"> {
  return {
    records: new RecordRepository(createDocumentClient(createDynamoDbClient(config)), config.TABLE_NAME),
    objects: new ObjectStore(createS3Client(config)),
  };
}
