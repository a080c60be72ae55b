import type { Logger } from "@aws-lambda-powertools/logger";
import type { Config } from "../../shared/config";
import { createSearchIndex } from "../wiring/search-index";
import { createStorageDeps } from "../wiring/storage-deps";
import { lazy } from "../wiring/lazy";
import type { WithLambdaLogger } from "../wiring/lambda-deps";
import type { IndexerDeps } from "../../shared/pipeline/pipeline-deps";

/**
 * The production wiring of the index-records Lambda: the table, the object store (OCR text) and the search
 * index. No OCR engine, so its bundle leaves out the Textract client.
 */
export function createIndexerDeps(config: Config, logger: Logger): WithLambdaLogger<IndexerDeps> {
  return {
    ...createStorageDeps(config),
    search: lazy(() => createSearchIndex(config)),
    logger,
    now: () => new Date().toISOString(),
  };
}
