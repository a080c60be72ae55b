import type { Logger } from "@aws-lambda-powertools/logger";
import type { RecordRepository } from "../adapters/dynamodb/record-repository";
import type { ObjectStore } from "../adapters/s3/object-store";
import type { OcrEngine, OcrFeatureSet } from "../ocr/ocr-engine";
import type { SearchIndex } from "../search/search-index";

/** What the pipeline steps need. Built from configuration in Lambda, injected by the local runtime and tests. */
export interface PipelineDeps {
  records: RecordRepository;
  objects: ObjectStore;
  ocr: OcrEngine;
  search: SearchIndex;
  resultsBucket: string;
  ocrFeatures: OcrFeatureSet;
  reviewThreshold: number;
  logger: Logger;
  now: () => string;
}

/** What the OCR half of the pipeline (ingest, OCR completion) uses: everything but the search index. */
export type OcrPipelineDeps = Omit<PipelineDeps, "search">;

/** What the indexer (index-records) uses: the table, the OCR text in S3 and the search index; no OCR engine. */
export type IndexerDeps = Pick<PipelineDeps, "records" | "objects" | "search" | "logger" | "now">;
