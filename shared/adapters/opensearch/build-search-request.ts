import { decodeCursor, InvalidCursorError } from "../../search/search-cursor";
import { mrnKey } from "../../domain/mrn";
import { FACET_SIZE, TEXT_SEARCH_FIELDS, type SearchQuery, type SearchSort } from "../../search/search-index";

/**
 * SearchQuery → OpenSearch `_search` request body. Pure.
 *
 * - q: one multi_match, `fuzziness: AUTO` (1 edit for 3–5 characters, 2 for longer; a swap of adjacent
 *   letters is one edit), all terms required (`operator: and`) within one field: the OCR text holds
 *   everything printed on the chart, so "smith metformin" still matches through it. patientName counts ×3.
 * - Filters (no scoring): mrn (on the indexed mrnKey, the records table's key), dob, type, status,
 *   facility (folded keyword), date of service range (inclusive).
 * - Order: with q, score then newest update then id; without q, newest update then id; by date of service
 *   (undated last) then id when asked. The id tiebreak makes the order total, so `search_after` paging (the
 *   cursor holds the last hit's sort values and the sort's name) is stable and has no depth limit.
 * - Facets: aggregations over every match (terms; a date histogram by year for the year of service).
 * - Only the fields a hit shows are fetched (`_source`), not the OCR text. Fragments come from the nested
 *   per-page copy of the text (inner hits: the nested offset is the page), falling back to the whole text
 *   (no page) for documents indexed before pages were.
 */

export const SEARCH_FIELDS = TEXT_SEARCH_FIELDS.map(({ field, boost }) =>
  boost === 1 ? field : `${field}^${boost}`,
);

export const HIT_SOURCE_FIELDS = [
  "id",
  "documentType",
  "status",
  "patientName",
  "dateOfBirth",
  "mrn",
  "dateOfService",
] as const;

export const FRAGMENT_SIZE = 120;
export const MAX_FRAGMENTS = 3;

type Clause = Record<string, unknown>;
export type SortClause =
  | { _score: "desc" }
  | { updatedAt: "desc" }
  | { id: "asc" }
  | { dateOfService: { order: "asc" | "desc"; missing: "_last" } };

interface HighlightField {
  type: "unified";
  fragment_size: number;
  number_of_fragments: number;
  no_match_size: 0;
}
interface HighlightRequest {
  pre_tags: string[];
  post_tags: string[];
  encoder: "html";
  fields: Record<string, HighlightField>;
}

/** Name of the nested query's inner hits, which carry the per-page fragments. */
export const PAGE_HITS = "pages";

export interface SearchRequestBody {
  size: number;
  track_total_hits: true;
  _source: string[];
  query:
    | { bool: { must?: Clause[]; filter?: Clause[]; should?: Clause[] } }
    | { match_all: Record<string, never> };
  sort: SortClause[];
  search_after?: Array<string | number>;
  aggs: typeof FACET_AGGREGATIONS;
  highlight?: HighlightRequest;
}

export const FACET_AGGREGATIONS: {
  documentType: { terms: { field: string; size: number } };
  status: { terms: { field: string; size: number } };
  facility: {
    terms: { field: string; size: number };
    aggs: { spelling: { terms: { field: string; size: number } } };
  };
  yearOfService: {
    date_histogram: {
      field: string;
      calendar_interval: "year";
      format: string;
      min_doc_count: number;
      order: { _key: "desc" };
    };
  };
} = {
  documentType: { terms: { field: "documentType", size: 50 } },
  status: { terms: { field: "status", size: 20 } },
  facility: {
    terms: { field: "facility.keyword", size: FACET_SIZE },
    aggs: { spelling: { terms: { field: "facility.raw", size: 1 } } },
  },
  yearOfService: {
    date_histogram: {
      field: "dateOfService",
      calendar_interval: "year",
      format: "yyyy",
      min_doc_count: 1,
      order: { _key: "desc" },
    },
  },
};

/** Throws InvalidCursorError when the cursor is not a search_after cursor for this kind of query. */
export function buildSearchRequest(query: SearchQuery): SearchRequestBody {
  const q = query.q?.trim();
  const must: Clause[] = q
    ? [
        {
          multi_match: {
            query: q,
            fields: [...SEARCH_FIELDS],
            type: "best_fields",
            operator: "and",
            fuzziness: "AUTO",
            // A q with no words in it (e.g. "-") filters only, as in the embedded index.
            zero_terms_query: "all",
          },
        },
      ]
    : [];

  const filter: Clause[] = [];
  if (query.mrn !== undefined) filter.push({ term: { mrnKey: mrnKey(query.mrn) } });
  if (query.dob !== undefined) filter.push({ term: { dateOfBirth: query.dob } });
  if (query.type !== undefined) filter.push({ term: { documentType: query.type } });
  if (query.status !== undefined) filter.push({ term: { status: query.status } });
  if (query.facility !== undefined) filter.push({ term: { "facility.keyword": query.facility } });
  if (query.vendor !== undefined) filter.push({ term: { vendor: query.vendor } });
  if (query.batch !== undefined) filter.push({ term: { batch: query.batch } });
  if (query.from !== undefined || query.to !== undefined) {
    const range: Record<string, string> = { format: "strict_date" };
    if (query.from !== undefined) range.gte = query.from;
    if (query.to !== undefined) range.lte = query.to;
    filter.push({ range: { dateOfService: range } });
  }

  const sortName: SearchSort = query.sort ?? "relevance";
  const sort = sortClauses(sortName, Boolean(q));
  // Matches nothing more: finds the pages the terms occur on, for their fragments (boost 0: no scoring).
  const should: Clause[] = q ? [pageHighlights(q)] : [];

  const bool = {
    ...(must.length > 0 ? { must } : {}),
    ...(filter.length > 0 ? { filter } : {}),
    ...(should.length > 0 ? { should } : {}),
  };
  const body: SearchRequestBody = {
    size: query.limit,
    track_total_hits: true,
    _source: [...HIT_SOURCE_FIELDS],
    query: Object.keys(bool).length === 0 ? { match_all: {} } : { bool },
    sort,
    aggs: FACET_AGGREGATIONS,
  };

  if (query.cursor !== undefined) {
    const cursor = decodeCursor(query.cursor);
    const cursorSort = cursor?.k === "sa" ? (cursor.s ?? "relevance") : undefined;
    if (cursor?.k !== "sa" || cursor.sa.length !== sort.length || cursorSort !== sortName)
      throw new InvalidCursorError();
    body.search_after = cursor.sa;
  }

  if (q) body.highlight = highlightRequest("text", MAX_FRAGMENTS);
  return body;
}

function sortClauses(sort: SearchSort, scored: boolean): SortClause[] {
  if (sort === "dateOfService" || sort === "-dateOfService") {
    const order = sort === "dateOfService" ? "asc" : "desc";
    return [{ dateOfService: { order, missing: "_last" } }, { id: "asc" }];
  }
  return scored
    ? [{ _score: "desc" }, { updatedAt: "desc" }, { id: "asc" }]
    : [{ updatedAt: "desc" }, { id: "asc" }];
}

function pageHighlights(q: string): Clause {
  return {
    nested: {
      path: "pages",
      score_mode: "max",
      boost: 0,
      query: { match: { "pages.text": { query: q, fuzziness: "AUTO" } } },
      inner_hits: {
        name: PAGE_HITS,
        size: MAX_FRAGMENTS,
        _source: false,
        highlight: highlightRequest("pages.text", 1),
      },
    },
  };
}

function highlightRequest(field: string, fragments: number): HighlightRequest {
  return {
    pre_tags: ["<em>"],
    post_tags: ["</em>"],
    encoder: "html",
    fields: {
      [field]: {
        type: "unified",
        fragment_size: FRAGMENT_SIZE,
        number_of_fragments: fragments,
        no_match_size: 0,
      },
    },
  };
}
