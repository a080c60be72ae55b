import { decodeCursor, InvalidCursorError } from "../../search/search-cursor";
import { mrnKey } from "../../domain/mrn";
import { TEXT_SEARCH_FIELDS, type SearchQuery } from "../../search/search-index";

/**
 * SearchQuery → OpenSearch `_search` request body. Pure.
 *
 * - q: one multi_match, `fuzziness: AUTO` (1 edit for 3–5 characters, 2 for longer; a swap of adjacent
 *   letters is one edit), all terms required (`operator: and`) within one field: the OCR text holds
 *   everything printed on the chart, so "smith metformin" still matches through it. patientName counts ×3.
 * - Filters (no scoring): mrn (on the indexed mrnKey, the records table's key), dob, type, status,
 *   date of service range (inclusive).
 * - Order: with q, score then newest update then id; without q, newest update then id. The id tiebreak
 *   makes the order total, so `search_after` paging (the cursor holds the last hit's sort values) is
 *   stable and has no depth limit.
 * - Only the fields a hit shows are fetched (`_source`), not the OCR text; fragments come from `highlight`.
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
export type SortClause = { _score: "desc" } | { updatedAt: "desc" } | { id: "asc" };

export interface SearchRequestBody {
  size: number;
  track_total_hits: true;
  _source: string[];
  query: { bool: { must?: Clause[]; filter?: Clause[] } } | { match_all: Record<string, never> };
  sort: SortClause[];
  search_after?: Array<string | number>;
  highlight?: {
    pre_tags: string[];
    post_tags: string[];
    encoder: "html";
    fields: {
      text: { type: "unified"; fragment_size: number; number_of_fragments: number; no_match_size: 0 };
    };
  };
}

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
  if (query.from !== undefined || query.to !== undefined) {
    const range: Record<string, string> = { format: "strict_date" };
    if (query.from !== undefined) range.gte = query.from;
    if (query.to !== undefined) range.lte = query.to;
    filter.push({ range: { dateOfService: range } });
  }

  const sort: SortClause[] = q
    ? [{ _score: "desc" }, { updatedAt: "desc" }, { id: "asc" }]
    : [{ updatedAt: "desc" }, { id: "asc" }];

  const body: SearchRequestBody = {
    size: query.limit,
    track_total_hits: true,
    _source: [...HIT_SOURCE_FIELDS],
    query:
      must.length === 0 && filter.length === 0
        ? { match_all: {} }
        : { bool: { ...(must.length > 0 ? { must } : {}), ...(filter.length > 0 ? { filter } : {}) } },
    sort,
  };

  if (query.cursor !== undefined) {
    const cursor = decodeCursor(query.cursor);
    if (cursor?.k !== "sa" || cursor.sa.length !== sort.length) throw new InvalidCursorError();
    body.search_after = cursor.sa;
  }

  if (q) {
    body.highlight = {
      pre_tags: ["<em>"],
      post_tags: ["</em>"],
      encoder: "html",
      fields: {
        text: {
          type: "unified",
          fragment_size: FRAGMENT_SIZE,
          number_of_fragments: MAX_FRAGMENTS,
          no_match_size: 0,
        },
      },
    };
  }
  return body;
}
