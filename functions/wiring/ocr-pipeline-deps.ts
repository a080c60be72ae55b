import type { Logger } from "@aws-lambda-powertools/logger";
import { createDocumentClient, createDynamoDbClient } from "../../shared/adapters/dynamodb/dynamodb-client";
import { TextractOcrEngine } from "../../shared/adapters/textract/textract-ocr-engine";
import type { Config } from "../../shared/config";
import type { OcrEngine } from "../../shared/ocr/ocr-engine";
import { createStorageDeps } from "./storage-deps";
import { lazy } from "./lazy";
import type { WithLambdaLogger } from "./lambda-deps";
import type { OcrPipelineDeps } from "../../shared/pipeline/pipeline-deps";
import type { MessageVisibility } from "../../shared/throughput/ports";
import { createThroughputGovernor } from "./throughput";

/**
 * The production wiring of the OCR half of the pipeline (the ingest and ocr-complete Lambdas): everything
 * createPipelineDeps builds except the search index, so those functions' bundles leave out the OpenSearch
 * client. With TEXTRACT_GOVERNOR=on, the throughput governor paces OCR calls through the records table and
 * parks waiting messages in the ingest queue (`ingestQueue` replaces SQS: the local runtime's queue).
 */
export function createOcrPipelineDeps(
  config: Config,
  logger: Logger,
  overrides: { ocr?: OcrEngine; ingestQueue?: MessageVisibility } = {},
): WithLambdaLogger<OcrPipelineDeps> {
  const db = createDocumentClient(createDynamoDbClient(config));
  return {
    ...createStorageDeps(config, db),
    ...(config.TEXTRACT_GOVERNOR === "on"
      ? { throughput: createThroughputGovernor(config, db, logger, overrides.ingestQueue) }
      : {}),
    ocr: overrides.ocr ?? lazy(() => createTextract(config)),
    resultsBucket: config.RESULTS_BUCKET,
    ocrFeatures: config.OCR_FEATURES,
    reviewThreshold: config.REVIEW_THRESHOLD,
    logger,
    now: () => new Date().toISOString(),
  };
}

function createTextract(config: Config): OcrEngine {
  if (config.OCR_ENGINE !== "textract")
    throw new Error("OCR_ENGINE=local needs the local runtime's OCR engine");
  if (!config.TEXTRACT_SNS_TOPIC_ARN || !config.TEXTRACT_ROLE_ARN) {
    throw new Error("TEXTRACT_SNS_TOPIC_ARN and TEXTRACT_ROLE_ARN are required for Textract");
  }
  return new TextractOcrEngine({
    region: config.AWS_REGION,
    snsTopicArn: config.TEXTRACT_SNS_TOPIC_ARN,
    roleArn: config.TEXTRACT_ROLE_ARN,
    throttling: config.TEXTRACT_GOVERNOR === "on" ? "governor" : "sdk",
  });
}
