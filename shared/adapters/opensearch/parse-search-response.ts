import { ChartbridgeError } from "../../errors/chartbridge-error";
import type { DocumentType } from "../../domain/document-types";
import type { DocumentStatus } from "../../domain/status";
import { encodeCursor } from "../../search/search-cursor";
import {
  hitFields,
  type FacetBucket,
  type Highlight,
  type SearchFacets,
  type SearchHit,
  type SearchResult,
  type SearchSort,
} from "../../search/search-index";
import { PAGE_HITS } from "./build-search-request";

interface TermsAggregation {
  buckets?: Array<{
    key: string | number;
    key_as_string?: string;
    doc_count: number;
    spelling?: TermsAggregation;
  }>;
}

interface PageInnerHits {
  hits?: {
    hits?: Array<{ _nested?: { offset?: number }; highlight?: Record<string, string[] | undefined> }>;
  };
}

/** The parts of an OpenSearch `_search` response this adapter reads. */
export interface OpenSearchSearchResponse {
  hits: {
    total?: number | { value: number; relation: "eq" | "gte" };
    max_score?: number | null;
    hits: Array<{
      _index?: string;
      _id: string;
      _score?: number | null;
      _source?: {
        id?: string;
        documentType?: DocumentType;
        status?: DocumentStatus;
        patientName?: string;
        dateOfBirth?: string;
        mrn?: string;
        dateOfService?: string;
      };
      highlight?: Record<string, string[] | undefined>;
      inner_hits?: Record<string, PageInnerHits | undefined>;
      sort?: Array<string | number | null>;
    }>;
  };
  aggregations?: Partial<Record<keyof SearchFacets, TermsAggregation>>;
}

export interface ParseSearchResponseOptions {
  limit: number;
  /** Hits returned on earlier pages. */
  seen?: number;
  /** The sort the request used (it goes into the next cursor). */
  sort?: SearchSort;
}

/** OpenSearch answered with a body this adapter cannot read (a proxy's error page, a changed API). */
export class UnexpectedSearchResponseError extends ChartbridgeError {
  constructor(detail: "no hits.hits array" | "a hit has no status") {
    super(
      { name: "UnexpectedSearchResponseError", code: "UNEXPECTED_SEARCH_RESPONSE", retryable: false },
      `Unexpected OpenSearch search response: ${detail}`,
    );
  }
}

/**
 * OpenSearch `_search` response body → SearchResult. Pure.
 * `nextCursor` is set when a full page came back (`limit` hits): it holds the last hit's sort values for
 * `search_after`, the sort's name, and the number of hits returned so far (`seen`: hits on earlier pages),
 * so that when the exact total has been reached no cursor is returned and the client does not fetch an
 * empty page.
 */
export function parseSearchResponse(body: unknown, options: ParseSearchResponseOptions): SearchResult {
  const { limit, seen = 0, sort } = options;
  const response = body as Partial<OpenSearchSearchResponse> | null;
  const hits = response?.hits;
  if (!hits || !Array.isArray(hits.hits)) throw new UnexpectedSearchResponseError("no hits.hits array");

  const total = typeof hits.total === "number" ? hits.total : (hits.total?.value ?? hits.hits.length);
  const exact = typeof hits.total === "number" || hits.total?.relation === "eq";

  const result: SearchResult = {
    total,
    facets: parseFacets(response?.aggregations ?? {}),
    hits: hits.hits.map((h): SearchHit => {
      const source = h._source ?? {};
      if (!source.status) throw new UnexpectedSearchResponseError("a hit has no status");
      const fields = hitFields(source);
      const hit: SearchHit = {
        id: source.id ?? h._id,
        status: source.status,
        fields,
        highlights: pageHighlights(h.inner_hits?.[PAGE_HITS]) ?? textHighlights(h.highlight?.text),
      };
      if (source.documentType !== undefined) hit.documentType = source.documentType;
      if (typeof h._score === "number") hit.score = h._score;
      return hit;
    }),
  };

  const last = hits.hits.at(-1);
  const seenNow = seen + hits.hits.length;
  const morePossible = !exact || seenNow < total;
  if (hits.hits.length === limit && limit > 0 && morePossible && last?.sort && last.sort.length > 0) {
    const sa = last.sort.filter((v): v is string | number => typeof v === "string" || typeof v === "number");
    if (sa.length === last.sort.length) {
      const cursor = {
        k: "sa" as const,
        sa,
        n: seenNow,
        ...(sort && sort !== "relevance" ? { s: sort } : {}),
      };
      result.nextCursor = encodeCursor(cursor);
    }
  }
  return result;
}

/** Fragments from the nested pages, in page order; undefined when there are none (an older document). */
function pageHighlights(inner: PageInnerHits | undefined): Highlight[] | undefined {
  const found: Highlight[] = [];
  for (const page of inner?.hits?.hits ?? []) {
    const offset = page._nested?.offset;
    for (const text of page.highlight?.["pages.text"] ?? [])
      found.push(typeof offset === "number" ? { text, page: offset + 1 } : { text });
  }
  if (found.length === 0) return undefined;
  return found.sort((a, b) => (a.page ?? 0) - (b.page ?? 0));
}

function textHighlights(fragments: string[] | undefined): Highlight[] {
  return (fragments ?? []).map((text) => ({ text }));
}

function parseFacets(aggs: Partial<Record<keyof SearchFacets, TermsAggregation>>): SearchFacets {
  const buckets = (agg: TermsAggregation | undefined): FacetBucket[] =>
    (agg?.buckets ?? []).map((b) => ({
      // Facility: the most frequent spelling of the folded key; years: "yyyy" (key is epoch millis).
      value: String(b.spelling?.buckets?.[0]?.key ?? b.key_as_string ?? b.key),
      count: b.doc_count,
    }));
  return {
    documentType: buckets(aggs.documentType),
    status: buckets(aggs.status),
    facility: buckets(aggs.facility),
    yearOfService: buckets(aggs.yearOfService),
  };
}
