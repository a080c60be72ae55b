import { ChartbridgeError } from "../../errors/chartbridge-error";
import type { DocumentType } from "../../domain/document-types";
import type { DocumentStatus } from "../../domain/status";
import { encodeCursor } from "../../search/search-cursor";
import { hitFields, type SearchHit, type SearchResult } from "../../search/search-index";

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
      sort?: Array<string | number | null>;
    }>;
  };
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
 * `search_after`, and the number of hits returned so far (`seen`: hits on earlier pages), so that when the
 * exact total has been reached no cursor is returned and the client does not fetch an empty page.
 */
export function parseSearchResponse(body: unknown, limit: number, seen = 0): SearchResult {
  const hits = (body as Partial<OpenSearchSearchResponse> | null)?.hits;
  if (!hits || !Array.isArray(hits.hits)) throw new UnexpectedSearchResponseError("no hits.hits array");

  const total = typeof hits.total === "number" ? hits.total : (hits.total?.value ?? hits.hits.length);
  const exact = typeof hits.total === "number" || hits.total?.relation === "eq";

  const result: SearchResult = {
    total,
    hits: hits.hits.map((h): SearchHit => {
      const source = h._source ?? {};
      if (!source.status) throw new UnexpectedSearchResponseError("a hit has no status");
      const fields = hitFields(source);
      const hit: SearchHit = {
        id: source.id ?? h._id,
        status: source.status,
        fields,
        highlights: h.highlight?.text ?? [],
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
    if (sa.length === last.sort.length) result.nextCursor = encodeCursor({ k: "sa", sa, n: seenNow });
  }
  return result;
}
