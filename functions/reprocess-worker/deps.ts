import type { Logger } from "@aws-lambda-powertools/logger";
import { createDocumentClient, createDynamoDbClient } from "../../shared/adapters/dynamodb/dynamodb-client";
import { JobRepository } from "../../shared/adapters/dynamodb/job-repository";
import { RecordRepository } from "../../shared/adapters/dynamodb/record-repository";
import { S3ObjectStore } from "../../shared/adapters/s3/object-store";
import { createS3Client } from "../../shared/adapters/s3/s3-client";
import type { Config } from "../../shared/config";
import type { ChunkDeps } from "../../shared/pipeline/bulk-reprocess";

export type ReprocessWorkerDeps = ChunkDeps & { logger: Logger };

/** The reprocess worker: the records table (records and jobs) and the stored OCR output. No OCR, no search. */
export function createReprocessWorkerDeps(config: Config, logger: Logger): ReprocessWorkerDeps {
  const db = createDocumentClient(createDynamoDbClient(config));
  return {
    records: new RecordRepository(db, config.TABLE_NAME),
    jobs: new JobRepository(db, config.TABLE_NAME),
    objects: new S3ObjectStore(createS3Client(config)),
    reviewThreshold: config.REVIEW_THRESHOLD,
    now: () => new Date().toISOString(),
    logger,
  };
}
