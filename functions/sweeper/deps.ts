import type { Logger } from "@aws-lambda-powertools/logger";
import { S3UploadsBucket } from "../../shared/adapters/s3/uploads-bucket";
import { createS3Client } from "../../shared/adapters/s3/s3-client";
import type { UploadListing } from "../../shared/batches/batch-store";
import type { Config } from "../../shared/config";
import type { OcrPipelineDeps } from "../../shared/pipeline/pipeline-deps";
import type { WithLambdaLogger } from "../wiring/lambda-deps";
import { createOcrPipelineDeps } from "../wiring/ocr-pipeline-deps";

/**
 * The production wiring of the sweeper Lambda: what ingest and ocr-complete use (the table, S3, Textract),
 * because a stuck record is retried by running their steps again. No search index: a record stuck in
 * EXTRACTED is rewritten and the table stream brings it to index-records. It also closes vendor batches
 * whose deadline passed.
 */
export function createSweeperDeps(
  config: Config,
  logger: Logger,
): WithLambdaLogger<OcrPipelineDeps> & { listing: UploadListing } {
  return {
    ...createOcrPipelineDeps(config, logger),
    // Closing a batch past its deadline lists what arrived under its prefix.
    listing: new S3UploadsBucket(createS3Client(config), { bucket: config.UPLOAD_BUCKET }),
  };
}
