import type { Logger } from "@aws-lambda-powertools/logger";
import type { Config } from "../config";
import type { OcrEngine } from "../ocr/ocr-engine";
import type { SearchIndex } from "../search/search-index";
import { createOcrPipelineDeps } from "./create-ocr-pipeline-deps";
import { createSearchIndex } from "./create-search-index";
import { lazy } from "./lazy";
import type { PipelineDeps } from "./pipeline-deps";

/** Adapters the local runtime supplies itself (the local OCR engine and the embedded search index). */
export interface PipelineOverrides {
  ocr?: OcrEngine;
  search?: SearchIndex;
}

/**
 * Builds every pipeline adapter from configuration: the local runtime's wiring. The Lambdas build only what
 * they use, so their bundles leave the rest out: createOcrPipelineDeps (ingest, ocr-complete: no search
 * index), createIndexerDeps (index-records: no OCR engine) and createApiDeps (api: table and index).
 */
export function createPipelineDeps(
  config: Config,
  logger: Logger,
  overrides: PipelineOverrides = {},
): PipelineDeps {
  return {
    ...createOcrPipelineDeps(config, logger, overrides),
    search: overrides.search ?? lazy(() => createSearchIndex(config)),
  };
}
