import { FACET_SIZE, type FacetBucket, type SearchDocument, type SearchFacets } from "./search-index";

/**
 * Facet counting for the embedded index, over the rows a query matched. Pure. OpenSearch
 * computes the same counts with aggregations (build-search-request.ts).
 */

/** A facility name as compared: case, accents and spacing ignored ("St. Mary's  Hospital" = "st. mary's hospital"). */
export function facilityKey(name: string): string {
  return name
    .normalize("NFD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .replace(/\s+/g, " ")
    .trim();
}

/** YYYY of a YYYY-MM-DD date of service, else undefined. */
export function yearOf(date: string | undefined): string | undefined {
  return date && /^\d{4}-/.test(date) ? date.slice(0, 4) : undefined;
}

/** What facets are counted from. */
export type FacetSource = Pick<SearchDocument, "documentType" | "status" | "dateOfService" | "facility">;

/** Counts per facet value; per facility key also how often each spelling occurs (the most frequent is shown). */
export interface FacetCounts {
  types: Map<string, number>;
  statuses: Map<string, number>;
  years: Map<string, number>;
  facilities: Map<string, { count: number; spellings: Map<string, number> }>;
}

export function emptyFacetCounts(): FacetCounts {
  return { types: new Map(), statuses: new Map(), years: new Map(), facilities: new Map() };
}

/** Adds `count` records printed with `facility` (its key computed by the caller or here). */
export function countFacility(
  counts: FacetCounts,
  facility: string,
  count = 1,
  key = facilityKey(facility),
): void {
  if (!key) return;
  const entry = counts.facilities.get(key) ?? { count: 0, spellings: new Map<string, number>() };
  entry.count += count;
  increment(entry.spellings, facility.replace(/\s+/g, " ").trim(), count);
  counts.facilities.set(key, entry);
}

export function countFacets(docs: Iterable<FacetSource>): SearchFacets {
  const counts = emptyFacetCounts();
  for (const doc of docs) {
    if (doc.documentType) increment(counts.types, doc.documentType);
    increment(counts.statuses, doc.status);
    const year = yearOf(doc.dateOfService);
    if (year) increment(counts.years, year);
    if (doc.facility) countFacility(counts, doc.facility);
  }
  return facetsFromCounts(counts);
}

/** The facets of counted values: most frequent first (years newest first), facilities top FACET_SIZE. */
export function facetsFromCounts(counts: FacetCounts): SearchFacets {
  const facility = [...counts.facilities.values()].map((e): FacetBucket => ({
    value: byCount(e.spellings)[0]!.value,
    count: e.count,
  }));
  return {
    documentType: byCount(counts.types),
    status: byCount(counts.statuses),
    facility: facility.sort(countThenValue).slice(0, FACET_SIZE),
    yearOfService: [...counts.years]
      .map(([value, count]) => ({ value, count }))
      .sort((a, b) => (a.value < b.value ? 1 : -1)),
  };
}

function increment(counts: Map<string, number>, key: string, by = 1): void {
  counts.set(key, (counts.get(key) ?? 0) + by);
}

function byCount(counts: Map<string, number>): FacetBucket[] {
  return [...counts].map(([value, count]) => ({ value, count })).sort(countThenValue);
}

/** Most frequent first; ties in value order, so the answer is the same every time. */
function countThenValue(a: FacetBucket, b: FacetBucket): number {
  return b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0);
}
