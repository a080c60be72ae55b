import type { Logger } from "@aws-lambda-powertools/logger";
import type { Config } from "../config";
import { createSearchIndex } from "./create-search-index";
import { createStorageDeps } from "./create-storage-deps";
import { lazy } from "./lazy";
import type { IndexerDeps } from "./pipeline-deps";

/**
 * The production wiring of the index-records Lambda: the table, the object store (OCR text) and the search
 * index. No OCR engine, so its bundle leaves out the Textract client.
 */
export function createIndexerDeps(config: Config, logger: Logger): IndexerDeps {
  return {
    ...createStorageDeps(config),
    search: lazy(() => createSearchIndex(config)),
    logger,
    now: () => new Date().toISOString(),
  };
}
