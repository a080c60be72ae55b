import type { Client } from "@opensearch-project/opensearch";
import { mrnKey } from "../../domain/mrn";
import { decodeCursor } from "../../search/search-cursor";
import type { SearchDocument, SearchIndex, SearchQuery, SearchResult } from "../../search/search-index";
import { buildSearchRequest } from "./build-search-request";
import {
  CHART_RECORDS_ALIAS,
  CHART_RECORDS_INDEX,
  CHART_RECORDS_MAPPINGS,
  createIndexBody,
} from "./index-mapping";
import { parseSearchResponse } from "./parse-search-response";

export interface OpenSearchSearchIndexOptions {
  /** Alias all reads and writes go through; default "chart-records". */
  alias?: string;
  /** Concrete index `ensureIndex` creates behind the alias; default "chart-records-v2". */
  index?: string;
  /** Refresh after writes (tests, local runs). Default: none; OpenSearch refreshes every second. */
  refresh?: boolean | "wait_for";
  /** Documents per bulk request; default 500. */
  bulkChunkSize?: number;
  /**
   * Run `ensureIndex` once before the first write of this instance, so a fresh domain gets the explicit
   * mapping behind the alias instead of an index OpenSearch would create with dynamic mapping.
   */
  ensureIndexOnFirstWrite?: boolean;
}

export type BulkItemOutcome =
  | { id: string; version: number; result: "applied" | "stale" }
  | { id: string; version: number; result: "failed"; status: number; error: string };

export interface BulkUpsertReport {
  applied: number;
  stale: number;
  failed: number;
  /** One entry per document, in input order. */
  items: BulkItemOutcome[];
}

/**
 * SearchIndex over Amazon OpenSearch Service. Writes use external versioning with the record version:
 * OpenSearch applies a write only if its version is greater than the stored one (a replay or an older
 * event gets 409 and is reported "stale"); deletes leave a versioned tombstone, so a late older upsert is
 * rejected too (for the index's `gc_deletes` period, 60 s by default).
 */
export class OpenSearchSearchIndex implements SearchIndex {
  readonly name = "opensearch";
  readonly alias: string;
  readonly index: string;
  private readonly refresh: boolean | "wait_for" | undefined;
  private readonly bulkChunkSize: number;
  private readonly ensureOnWrite: boolean;
  private ensured?: Promise<unknown>;

  constructor(
    private readonly client: Client,
    options: OpenSearchSearchIndexOptions = {},
  ) {
    this.alias = options.alias ?? CHART_RECORDS_ALIAS;
    this.index = options.index ?? CHART_RECORDS_INDEX;
    this.refresh = options.refresh;
    this.bulkChunkSize = Math.max(1, options.bulkChunkSize ?? 500);
    this.ensureOnWrite = options.ensureIndexOnFirstWrite ?? false;
  }

  /** Once per instance (a Lambda container); a failure is retried on the next write. */
  private async beforeWrite(): Promise<void> {
    if (!this.ensureOnWrite) return;
    this.ensured ??= this.ensureIndex().catch((err: unknown) => {
      this.ensured = undefined;
      throw err;
    });
    await this.ensured;
  }

  /**
   * Makes sure the alias exists: if it does not, creates the versioned index (settings + mapping) with the
   * alias, or adds the alias to the index if the index already exists. Safe to run concurrently.
   */
  async ensureIndex(): Promise<{ created: boolean; index: string; alias: string }> {
    const summary = (created: boolean) => ({ created, index: this.index, alias: this.alias });
    const aliasExists = await this.client.indices.existsAlias({ name: this.alias });
    if (aliasExists.body === true) {
      // Fields added to the mapping since the index was created (OpenSearch refuses any other change, loudly).
      await this.client.indices.putMapping({ index: this.alias, body: CHART_RECORDS_MAPPINGS });
      return summary(false);
    }

    const indexExists = await this.client.indices.exists({ index: this.index });
    if (indexExists.body !== true) {
      try {
        await this.client.indices.create({ index: this.index, body: createIndexBody(this.alias) });
        return summary(true);
      } catch (err) {
        // Another instance created it first; make sure the alias is there.
        if (errorType(err) !== "resource_already_exists_exception") throw err;
      }
    }
    await this.client.indices.putAlias({ index: this.index, name: this.alias });
    return summary(false);
  }

  async upsert(doc: SearchDocument): Promise<"applied" | "stale"> {
    await this.beforeWrite();
    try {
      await this.client.index({
        index: this.alias,
        id: doc.id,
        body: toIndexedDocument(doc),
        version: doc.version,
        version_type: "external",
        ...(this.refresh !== undefined ? { refresh: this.refresh } : {}),
      });
      return "applied";
    } catch (err) {
      if (statusOf(err) === 409) return "stale";
      throw err;
    }
  }

  /** "stale" when the stored version is the same or newer (409) or there is no such document (404). */
  async remove(id: string, version: number): Promise<"applied" | "stale"> {
    try {
      await this.client.delete({
        index: this.alias,
        id,
        version,
        version_type: "external",
        ...(this.refresh !== undefined ? { refresh: this.refresh } : {}),
      });
      return "applied";
    } catch (err) {
      const status = statusOf(err);
      if (status === 409) return "stale";
      // 404 "not_found" is a missing document (the tombstone is still written); a missing index is an error.
      if (status === 404 && errorType(err) !== "index_not_found_exception") return "stale";
      throw err;
    }
  }

  /** Throws InvalidCursorError for a cursor that is not a search_after cursor for this kind of query. */
  async search(query: SearchQuery): Promise<SearchResult> {
    const body = buildSearchRequest(query);
    const seen = query.cursor !== undefined ? decodeCursor(query.cursor) : undefined;
    const response = await this.client.search({ index: this.alias, body });
    return parseSearchResponse(response.body, {
      limit: query.limit,
      seen: seen?.k === "sa" ? (seen.n ?? 0) : 0,
      sort: query.sort,
    });
  }

  /**
   * Indexes many documents with external versioning through the bulk API, `bulkChunkSize` per request.
   * Per document: applied, stale (409: same or newer version indexed) or failed (any other item error,
   * e.g. 429 or a mapping error; retry those). A request-level failure throws.
   */
  async bulkUpsert(docs: Iterable<SearchDocument>): Promise<BulkUpsertReport> {
    const report: BulkUpsertReport = { applied: 0, stale: 0, failed: 0, items: [] };
    for (const chunk of chunks([...docs], this.bulkChunkSize)) {
      const body = chunk.flatMap((doc) => [
        { index: { _id: doc.id, version: doc.version, version_type: "external" as const } },
        toIndexedDocument(doc),
      ]);
      const response = await this.client.bulk({
        index: this.alias,
        body,
        ...(this.refresh !== undefined ? { refresh: this.refresh } : {}),
      });
      const items =
        (response.body as { items?: Array<Record<string, BulkResponseItem | undefined>> }).items ?? [];
      chunk.forEach((doc, i) => {
        const item = items[i]?.index;
        const outcome = bulkOutcome(doc, item);
        report[outcome.result]++;
        report.items.push(outcome);
      });
    }
    return report;
  }
}

export type IndexedDocument = SearchDocument & { mrnKey?: string; pages: Array<{ text: string }> };

/**
 * What is stored: the document, its MRN's key (which searches filter on, see mrnKey) and its OCR text per
 * page ("\f" separates pages; every page is kept, empty ones too, so the n-th nested page is page n).
 */
export function toIndexedDocument(doc: SearchDocument): IndexedDocument {
  const key = doc.mrn !== undefined ? mrnKey(doc.mrn) : "";
  const pages = doc.text ? doc.text.split("\f").map((text) => ({ text })) : [];
  return key ? { ...doc, mrnKey: key, pages } : { ...doc, pages };
}

interface BulkResponseItem {
  _id?: string;
  status: number;
  result?: string;
  error?: { type?: string; reason?: string };
}

function bulkOutcome(doc: SearchDocument, item: BulkResponseItem | undefined): BulkItemOutcome {
  const base = { id: doc.id, version: doc.version };
  if (!item)
    return { ...base, result: "failed", status: 0, error: "no result for this item in the bulk response" };
  if (item.status >= 200 && item.status < 300 && !item.error) return { ...base, result: "applied" };
  if (item.status === 409) return { ...base, result: "stale" };
  const error = [item.error?.type, item.error?.reason].filter(Boolean).join(": ") || `status ${item.status}`;
  return { ...base, result: "failed", status: item.status, error };
}

function* chunks<T>(items: T[], size: number): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

/** HTTP status of a client ResponseError (`meta.statusCode`), if any. */
function statusOf(err: unknown): number | undefined {
  const e = err as { meta?: { statusCode?: unknown }; statusCode?: unknown } | null;
  const status = e?.meta?.statusCode ?? e?.statusCode;
  return typeof status === "number" ? status : undefined;
}

/** OpenSearch error type from a ResponseError body (`error.type`), if any. */
function errorType(err: unknown): string | undefined {
  const e = err as { meta?: { body?: { error?: { type?: unknown } } } } | null;
  const type = e?.meta?.body?.error?.type;
  return typeof type === "string" ? type : undefined;
}
