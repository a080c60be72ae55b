import type { Logger } from "@aws-lambda-powertools/logger";
import type { Config } from "../../shared/config";
import type { OcrPipelineDeps } from "../../shared/pipeline/pipeline-deps";
import type { WithLambdaLogger } from "../wiring/lambda-deps";
import { createOcrPipelineDeps } from "../wiring/ocr-pipeline-deps";

/**
 * The production wiring of the sweeper Lambda: what ingest and ocr-complete use (the table, S3, Textract),
 * because a stuck record is retried by running their steps again. No search index: a record stuck in
 * EXTRACTED is rewritten and the table stream brings it to index-records.
 */
export function createSweeperDeps(config: Config, logger: Logger): WithLambdaLogger<OcrPipelineDeps> {
  return createOcrPipelineDeps(config, logger);
}
