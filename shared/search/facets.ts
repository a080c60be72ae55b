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

export function countFacets(docs: Iterable<FacetSource>): SearchFacets {
  const types = new Map<string, number>();
  const statuses = new Map<string, number>();
  const years = new Map<string, number>();
  // Per facility key: the count, and how often each spelling occurs (the most frequent one is shown).
  const facilities = new Map<string, { count: number; spellings: Map<string, number> }>();

  for (const doc of docs) {
    if (doc.documentType) increment(types, doc.documentType);
    increment(statuses, doc.status);
    const year = yearOf(doc.dateOfService);
    if (year) increment(years, year);
    if (doc.facility) {
      const key = facilityKey(doc.facility);
      if (!key) continue;
      const entry = facilities.get(key) ?? { count: 0, spellings: new Map<string, number>() };
      entry.count += 1;
      increment(entry.spellings, doc.facility.replace(/\s+/g, " ").trim());
      facilities.set(key, entry);
    }
  }

  const facility = [...facilities.values()].map((e): FacetBucket => ({
    value: byCount(e.spellings)[0]!.value,
    count: e.count,
  }));
  return {
    documentType: byCount(types),
    status: byCount(statuses),
    facility: facility.sort(countThenValue).slice(0, FACET_SIZE),
    yearOfService: [...years]
      .map(([value, count]) => ({ value, count }))
      .sort((a, b) => (a.value < b.value ? 1 : -1)),
  };
}

function increment(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

function byCount(counts: Map<string, number>): FacetBucket[] {
  return [...counts].map(([value, count]) => ({ value, count })).sort(countThenValue);
}

/** Most frequent first; ties in value order, so the answer is the same every time. */
function countThenValue(a: FacetBucket, b: FacetBucket): number {
  return b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0);
}
