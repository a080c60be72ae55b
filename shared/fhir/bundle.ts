import type { Bundle, Resource } from "@medplum/fhirtypes";

/**
 * A searchset Bundle of one page of matches: `total` counts every match, `self`/`next`/`previous` links
 * repeat the search with `_offset` moved (the query is the caller's own, already validated and re-encoded).
 */
export function searchset<T extends Resource>(opts: {
  baseUrl: string;
  resourceType: string;
  /** The validated search parameters, without paging. */
  params: readonly [string, string][];
  matches: readonly T[];
  total: number;
  offset: number;
  count: number;
}): Bundle<T> {
  const link = (relation: string, offset: number) => {
    const q = new URLSearchParams([
      ...opts.params,
      ["_count", String(opts.count)],
      ["_offset", String(offset)],
    ]);
    return { relation, url: `${opts.baseUrl}/${opts.resourceType}?${q.toString()}` };
  };
  const links = [link("self", opts.offset)];
  // `_count=0` asks for the total only: there is no page to move to.
  if (opts.count > 0 && opts.offset + opts.count < opts.total)
    links.push(link("next", opts.offset + opts.count));
  if (opts.count > 0 && opts.offset > 0) links.push(link("previous", Math.max(0, opts.offset - opts.count)));
  return {
    resourceType: "Bundle",
    type: "searchset",
    total: opts.total,
    link: links,
    entry: opts.matches.map((resource) => ({
      fullUrl: `${opts.baseUrl}/${resource.resourceType}/${resource.id}`,
      resource,
      search: { mode: "match" },
    })),
  };
}
