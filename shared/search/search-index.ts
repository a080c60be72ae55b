import type { DocumentType } from "../domain/document-types";
import type { DocumentStatus } from "../domain/status";

/** What is indexed for one chart record: identity fields, type, status and OCR text. */
export interface SearchDocument {
  id: string;
  /** Record version: writes with an older version than the indexed one are ignored. */
  version: number;
  status: DocumentStatus;
  documentType?: DocumentType;
  patientName?: string;
  dateOfBirth?: string;
  mrn?: string;
  dateOfService?: string;
  provider?: string;
  facility?: string;
  diagnoses: string[];
  medications: string[];
  allergies: string[];
  text: string;
  vendor?: string;
  batch?: string;
  sourceKey: string;
  createdAt: string;
  updatedAt: string;
}

/** Fields free text (`q`) searches in every engine, and how much a match in each counts. */
export const TEXT_SEARCH_FIELDS = [
  { field: "patientName", boost: 3 },
  { field: "text", boost: 1 },
  { field: "diagnoses", boost: 1 },
  { field: "medications", boost: 1 },
  { field: "allergies", boost: 1 },
  { field: "provider", boost: 1 },
  { field: "facility", boost: 1 },
] as const satisfies readonly { field: keyof SearchDocument; boost: number }[];

export interface SearchQuery {
  /** Free text over names, OCR text, diagnoses, medications; tolerant of small OCR errors. */
  q?: string;
  mrn?: string;
  dob?: string;
  type?: DocumentType;
  status?: DocumentStatus;
  /** Date of service range, inclusive, YYYY-MM-DD. */
  from?: string;
  to?: string;
  /** Facility, exact but case- and accent-insensitive (a facility facet's value narrows to it). */
  facility?: string;
  /**
   * A vendor's own uploads, and one of its batches (the key layout `<vendor>/<batch>/<file>`): set by routes
   * from the caller's identity, never a /search parameter.
   */
  vendor?: string;
  batch?: string;
  /** Default: relevance with q, else newest update first. */
  sort?: SearchSort;
  limit: number;
  /** Opaque cursor from a previous page's nextCursor. */
  cursor?: string;
}

/**
 * Result order. `relevance`: by score (newest update first without q). `dateOfService` / `-dateOfService`:
 * oldest / newest date of service first; records without one come last either way.
 */
export const SEARCH_SORTS = ["relevance", "dateOfService", "-dateOfService"] as const;
export type SearchSort = (typeof SEARCH_SORTS)[number];

/** A fragment of OCR text around matched terms (HTML-escaped, matches in <em>…</em>) and its page. */
export interface Highlight {
  text: string;
  /** Page of the record (1-based, as in /records/{id}/pages/{n}); absent when the index cannot tell. */
  page?: number;
}

export interface SearchHit {
  id: string;
  documentType?: DocumentType;
  status: DocumentStatus;
  fields: { patientName?: string; dateOfBirth?: string; mrn?: string; dateOfService?: string };
  /** Short fragments of the OCR text around matched terms, with the page each comes from. */
  highlights: Highlight[];
  score?: number;
}

type HitFields = SearchHit["fields"];
const HIT_FIELDS = [
  "patientName",
  "dateOfBirth",
  "mrn",
  "dateOfService",
] as const satisfies (keyof HitFields)[];

/** The identity fields a hit shows, from an indexed document (fields it lacks stay absent, not undefined). */
export function hitFields(doc: Partial<Record<keyof HitFields, string>>): HitFields {
  const fields: HitFields = {};
  for (const name of HIT_FIELDS) if (doc[name] !== undefined) fields[name] = doc[name];
  return fields;
}

export interface FacetBucket {
  value: string;
  count: number;
}

/**
 * Counts over every record the query matches (not just the returned page), to narrow a search: by document
 * type, status and facility (most frequent first; facility: top FACET_SIZE, shown as most often printed) and
 * by year of service (newest first; narrow with from/to).
 */
export interface SearchFacets {
  documentType: FacetBucket[];
  status: FacetBucket[];
  facility: FacetBucket[];
  yearOfService: FacetBucket[];
}

export const FACET_SIZE = 20;

export interface SearchResult {
  total: number;
  /**
   * "gte" when more records match than the engine counts for one query (the embedded index counts the
   * newest 5,000): `total` is then a lower bound, facets count those records, and results come newest
   * first. Absent: the total is exact.
   */
  totalRelation?: "gte";
  hits: SearchHit[];
  facets: SearchFacets;
  nextCursor?: string;
}

/**
 * The search port. Production: Amazon OpenSearch Service. Local: an embedded SQLite FTS5 index.
 * Upserts and removals are idempotent by record version (external versioning).
 */
export interface SearchIndex {
  readonly name: string;
  upsert(doc: SearchDocument): Promise<"applied" | "stale">;
  remove(id: string, version: number): Promise<"applied" | "stale">;
  search(query: SearchQuery): Promise<SearchResult>;
}
