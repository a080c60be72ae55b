import { createHash } from "node:crypto";
import { mrnKey } from "../../domain/mrn";
import { facilityKey } from "../../search/facets";
import type { SearchDocument, SearchQuery } from "../../search/search-index";

/**
 * Equality filters as full-text terms of the `filters` column: one term per field value, a short hash of
 * the value as the filter compares it (an MRN by its key, a facility case- and accent-insensitively). FTS5
 * then intersects a filter's posting list with the query's, which stays fast when a common word meets a
 * narrow filter; a row lookup per match would not. Hashes, because values hold any character and the
 * terms must be single alphanumeric tokens; the column is never searched by free text.
 */
const FILTERS = {
  type: { prefix: "t", of: (d: SearchDocument) => d.documentType },
  status: { prefix: "s", of: (d: SearchDocument) => d.status },
  mrn: { prefix: "m", of: (d: SearchDocument) => d.mrn, key: mrnKey },
  dob: { prefix: "b", of: (d: SearchDocument) => d.dateOfBirth },
  facility: { prefix: "f", of: (d: SearchDocument) => d.facility, key: facilityKey },
  vendor: { prefix: "v", of: (d: SearchDocument) => d.vendor },
  batch: { prefix: "g", of: (d: SearchDocument) => d.batch },
} as const satisfies Record<
  string,
  { prefix: string; of: (d: SearchDocument) => string | undefined; key?: (v: string) => string }
>;

type FilterName = keyof typeof FILTERS & keyof SearchQuery;

function token(name: FilterName, value: string): string {
  const filter = FILTERS[name];
  const key = "key" in filter ? filter.key(value) : value;
  return filter.prefix + createHash("sha256").update(key).digest("hex").slice(0, 20);
}

/** The `filters` column of a document: a term for each filterable value it has. */
export function filterColumn(doc: SearchDocument): string {
  const tokens: string[] = [];
  for (const name of Object.keys(FILTERS) as FilterName[]) {
    const value = FILTERS[name].of(doc);
    if (value !== undefined && value !== "") tokens.push(token(name, value));
  }
  return tokens.join(" ");
}

/** The terms a query's equality filters require (all of them). */
export function filterTerms(query: SearchQuery): string[] {
  const tokens: string[] = [];
  for (const name of Object.keys(FILTERS) as FilterName[]) {
    const value = query[name];
    if (value !== undefined) tokens.push(token(name, value));
  }
  return tokens;
}
