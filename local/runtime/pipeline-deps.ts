import type { Logger } from "@aws-lambda-powertools/logger";
import type { Config } from "../../shared/config";
import type { OcrEngine } from "../../shared/ocr/ocr-engine";
import type { SearchIndex } from "../../shared/search/search-index";
import { createOcrPipelineDeps } from "../../functions/wiring/ocr-pipeline-deps";
import { createSearchIndex } from "../../functions/wiring/search-index";
import { lazy } from "../../functions/wiring/lazy";
import type { WithLambdaLogger } from "../../functions/wiring/lambda-deps";
import type { PipelineDeps } from "../../shared/pipeline/pipeline-deps";
import type { MessageVisibility } from "../../shared/throughput/ports";

/** Every port, with the Powertools logger the handlers' middleware needs. */
export type LocalPipelineDeps = WithLambdaLogger<PipelineDeps>;

/** Adapters the local runtime supplies itself (the local OCR engine, the embedded search index, its queue). */
export interface PipelineOverrides {
  ocr?: OcrEngine;
  search?: SearchIndex;
  /** The local ingest queue, where the throughput governor parks and wakes messages. */
  ingestQueue?: MessageVisibility;
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
): LocalPipelineDeps {
  return {
    ...createOcrPipelineDeps(config, logger, overrides),
    search: overrides.search ?? lazy(() => createSearchIndex(config)),
  };
}
