import type { Logger } from "@aws-lambda-powertools/logger";
import { createDocumentClient, createDynamoDbClient } from "../adapters/dynamodb/dynamodb-client";
import { RecordRepository } from "../adapters/dynamodb/record-repository";
import { createOpenSearchClient } from "../adapters/opensearch/create-opensearch-client";
import { OpenSearchSearchIndex } from "../adapters/opensearch/opensearch-search-index";
import { ObjectStore } from "../adapters/s3/object-store";
import { createS3Client } from "../adapters/s3/s3-client";
import { TextractOcrEngine } from "../adapters/textract/textract-ocr-engine";
import type { Config } from "../config";
import type { OcrEngine } from "../ocr/ocr-engine";
import type { SearchIndex } from "../search/search-index";
import type { PipelineDeps } from "./pipeline-deps";

/** Adapters the local runtime supplies itself (the local OCR engine and the embedded search index). */
export interface PipelineOverrides {
  ocr?: OcrEngine;
  search?: SearchIndex;
}

/** Builds the pipeline's adapters from configuration: the production wiring of every Lambda. */
export function createPipelineDeps(config: Config, logger: Logger, overrides: PipelineOverrides = {}): PipelineDeps {
  const records = new RecordRepository(createDocumentClient(createDynamoDbClient(config)), config.TABLE_NAME);
  const objects = new ObjectStore(createS3Client(config));
  return {
    records,
    objects,
    ocr: overrides.ocr ?? lazy(() => createTextract(config)),
    search: overrides.search ?? lazy(() => createOpenSearch(config)),
    resultsBucket: config.RESULTS_BUCKET,
    ocrFeatures: config.OCR_FEATURES,
    reviewThreshold: config.REVIEW_THRESHOLD,
    logger,
    now: () => new Date().toISOString(),
  };
}

function createTextract(config: Config): OcrEngine {
  if (config.OCR_ENGINE !== "textract") throw new Error("OCR_ENGINE=local needs the local runtime's OCR engine");
  if (!config.TEXTRACT_SNS_TOPIC_ARN || !config.TEXTRACT_ROLE_ARN) {
    throw new Error("TEXTRACT_SNS_TOPIC_ARN and TEXTRACT_ROLE_ARN are required for Textract");
  }
  return new TextractOcrEngine({
    region: config.AWS_REGION,
    snsTopicArn: config.TEXTRACT_SNS_TOPIC_ARN,
    roleArn: config.TEXTRACT_ROLE_ARN,
  });
}

function createOpenSearch(config: Config): SearchIndex {
  if (config.SEARCH_ENGINE !== "opensearch") throw new Error("SEARCH_ENGINE=embedded needs the local runtime's index");
  if (!config.SEARCH_ENDPOINT) throw new Error("SEARCH_ENDPOINT is required for OpenSearch");
  return new OpenSearchSearchIndex(
    createOpenSearchClient({ endpoint: config.SEARCH_ENDPOINT, region: config.AWS_REGION }),
    { alias: config.SEARCH_INDEX, ensureIndexOnFirstWrite: true },
  );
}

/** Defers building an adapter until first use, so a function that never calls OCR never configures it. */
function lazy<T extends object>(build: () => T): T {
  let instance: T | undefined;
  return new Proxy({} as T, {
    get(_target, prop) {
      instance ??= build();
      const value = Reflect.get(instance, prop, instance);
      return typeof value === "function" ? value.bind(instance) : value;
    },
  });
}
