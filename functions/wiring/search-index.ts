import { createOpenSearchClient } from "../../shared/adapters/opensearch/create-opensearch-client";
import { OpenSearchSearchIndex } from "../../shared/adapters/opensearch/opensearch-search-index";
import type { Config } from "../../shared/config";
import type { SearchIndex } from "../../shared/search/search-index";

/** The production search index: the OpenSearch domain at SEARCH_ENDPOINT (the local runtime injects its own). */
export function createSearchIndex(config: Config): SearchIndex {
  if (config.SEARCH_ENGINE !== "opensearch")
    throw new Error("SEARCH_ENGINE=embedded needs the local runtime's index");
  if (!config.SEARCH_ENDPOINT) throw new Error("SEARCH_ENDPOINT is required for OpenSearch");
  return new OpenSearchSearchIndex(
    createOpenSearchClient({ endpoint: config.SEARCH_ENDPOINT, region: config.AWS_REGION }),
    { alias: config.SEARCH_INDEX, ensureIndexOnFirstWrite: true },
  );
}
