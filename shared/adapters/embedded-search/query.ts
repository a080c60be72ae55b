/**
 * The embedded index's query engine over MiniSearch.
 *
 * Matching: free text over patientName (boosted ×3), text, diagnoses, medications, allergies, provider,
 * facility. All query terms must match (AND), each in any field. Terms of 3+ characters also match as
 * prefixes and fuzzily (edit distance 20% of the term length, rounded), and a swap of two adjacent
 * letters counts as one edit ("Jonh" finds "John", "Smyth" finds "Smith"): OCR-error tolerance close to
 * OpenSearch's `fuzziness: AUTO`. Filters are exact: mrn (by the domain's mrnKey), dob,
 * type, status, facility (facilityKey) and date of service within from..to (inclusive; records without one
 * are excluded). Order: with q, by score, then newest update, then id; without q (or a q with no words,
 * e.g. "-"), every document passing the filters, newest update first; `sort=dateOfService|-dateOfService`
 * orders by date of service (records without one last), then id. Facets count every match, not just the
 * page. Pagination: offset cursors.
 */
import MiniSearch, { type Options, type Query, type SearchResult as MiniResult } from "minisearch";
import { mrnKey } from "../../domain/mrn";
import { countFacets, facilityKey } from "../../search/facets";
import { highlight, normalizeTerm, tokenize } from "../../search/highlight";
import { decodeCursor, encodeCursor, InvalidCursorError } from "../../search/parse-search-params";
import {
  hitFields,
  TEXT_SEARCH_FIELDS,
  type SearchDocument,
  type SearchHit,
  type SearchQuery,
  type SearchResult,
} from "../../search/search-index";

const SEARCH_FIELDS = TEXT_SEARCH_FIELDS.map(({ field }) => field);
const BOOSTS = Object.fromEntries(
  TEXT_SEARCH_FIELDS.filter((f) => f.boost !== 1).map((f) => [f.field, f.boost]),
);

export function miniSearchOptions(): Options<SearchDocument> {
  return {
    idField: "id",
    fields: [...SEARCH_FIELDS],
    storeFields: [],
    extractField: (doc, field) => {
      const value = (doc as unknown as Record<string, unknown>)[field];
      return Array.isArray(value) ? value.join(" \n ") : value;
    },
    tokenize: (text) => tokenize(text),
    processTerm: (term) => normalizeTerm(term) || null,
    searchOptions: { boost: BOOSTS },
  };
}

/** An empty MiniSearch index configured for search documents. */
export function newMiniSearch(): MiniSearch<SearchDocument> {
  return new MiniSearch<SearchDocument>(miniSearchOptions());
}

/** Runs `query` over `mini` (the text index) and `docs` (the live documents it indexes, by id). */
export function searchDocuments(
  mini: MiniSearch<SearchDocument>,
  docs: ReadonlyMap<string, SearchDocument>,
  query: SearchQuery,
): SearchResult {
  let offset = 0;
  if (query.cursor !== undefined) {
    const cursor = decodeCursor(query.cursor);
    if (cursor?.k !== "o") throw new InvalidCursorError();
    offset = cursor.o;
  }
  const matches = makeFilter(query);
  const terms = query.q ? tokenize(query.q).map(normalizeTerm).filter(Boolean) : [];

  let ranked: Array<{ doc: SearchDocument; score?: number; terms: string[] }>;
  if (terms.length > 0) {
    const results: MiniResult[] = mini.search(buildQuery(terms), {
      filter: (r) => {
        const doc = docs.get(r.id as string);
        return doc !== undefined && matches(doc);
      },
    });
    ranked = results.map((r) => ({ doc: docs.get(r.id as string)!, score: r.score, terms: r.terms }));
    ranked.sort((a, b) => (b.score ?? 0) - (a.score ?? 0) || newestFirst(a.doc, b.doc));
  } else {
    ranked = [...docs.values()]
      .filter(matches)
      .sort(newestFirst)
      .map((doc) => ({ doc, terms: [] }));
  }
  if (query.sort === "dateOfService" || query.sort === "-dateOfService") {
    const direction = query.sort === "dateOfService" ? 1 : -1;
    ranked.sort((a, b) => byDateOfService(a.doc, b.doc, direction));
  }

  const page = ranked.slice(offset, offset + query.limit);
  const result: SearchResult = {
    total: ranked.length,
    facets: countFacets(ranked.map((r) => r.doc)),
    hits: page.map(({ doc, score, terms: matched }) => toHit(doc, score, matched)),
  };
  if (offset + page.length < ranked.length)
    result.nextCursor = encodeCursor({ k: "o", o: offset + page.length });
  return result;
}

/**
 * One sub-query per term, all required. A term matches exactly, by prefix and fuzzily (3+ characters),
 * or as any adjacent-letter swap (a transposition; Levenshtein distance would count it as two edits).
 */
function buildQuery(terms: string[]): Query {
  return {
    combineWith: "AND",
    queries: terms.map((term) => ({
      combineWith: "OR",
      fuzzy: term.length >= 3 ? 0.2 : false,
      prefix: term.length >= 3,
      queries: [
        term,
        ...transpositions(term).map((variant) => ({
          queries: [variant],
          fuzzy: false,
          prefix: false,
          boostTerm: () => 0.5,
        })),
      ],
    })),
  };
}

function transpositions(term: string): string[] {
  if (term.length < 3) return [];
  const chars = [...term];
  const out = new Set<string>();
  for (let i = 0; i < chars.length - 1; i++) {
    if (chars[i] === chars[i + 1]) continue;
    const swapped = [...chars];
    [swapped[i], swapped[i + 1]] = [chars[i + 1]!, chars[i]!];
    out.add(swapped.join(""));
  }
  out.delete(term);
  return [...out];
}

function makeFilter(query: SearchQuery): (doc: SearchDocument) => boolean {
  const mrn = query.mrn !== undefined ? mrnKey(query.mrn) : undefined;
  const facility = query.facility !== undefined ? facilityKey(query.facility) : undefined;
  return (doc) =>
    (facility === undefined || (doc.facility !== undefined && facilityKey(doc.facility) === facility)) &&
    (mrn === undefined || (doc.mrn !== undefined && mrnKey(doc.mrn) === mrn)) &&
    (query.dob === undefined || doc.dateOfBirth === query.dob) &&
    (query.type === undefined || doc.documentType === query.type) &&
    (query.status === undefined || doc.status === query.status) &&
    (query.vendor === undefined || doc.vendor === query.vendor) &&
    (query.batch === undefined || doc.batch === query.batch) &&
    (query.from === undefined || (doc.dateOfService !== undefined && doc.dateOfService >= query.from)) &&
    (query.to === undefined || (doc.dateOfService !== undefined && doc.dateOfService <= query.to));
}

function newestFirst(a: SearchDocument, b: SearchDocument): number {
  if (a.updatedAt !== b.updatedAt) return a.updatedAt < b.updatedAt ? 1 : -1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** By date of service in `direction` (1 oldest first, -1 newest first), undated last, then by id. */
function byDateOfService(a: SearchDocument, b: SearchDocument, direction: 1 | -1): number {
  const x = a.dateOfService;
  const y = b.dateOfService;
  if (x !== y) {
    if (x === undefined) return 1;
    if (y === undefined) return -1;
    return x < y ? -direction : direction;
  }
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function toHit(doc: SearchDocument, score: number | undefined, matchedTerms: string[]): SearchHit {
  const fields = hitFields(doc);
  const hit: SearchHit = {
    id: doc.id,
    status: doc.status,
    fields,
    highlights: matchedTerms.length > 0 ? highlight(doc.text, matchedTerms) : [],
  };
  if (doc.documentType !== undefined) hit.documentType = doc.documentType;
  if (score !== undefined) hit.score = score;
  return hit;
}
