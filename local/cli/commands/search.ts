import type { SearchResult } from "../../../shared/search/search-index";
import { apiGet, requireRuntime } from "../api-client";

export interface SearchOptions {
  dataDir: string;
  mrn?: string;
  dob?: string;
  type?: string;
  status?: string;
  from?: string;
  to?: string;
  facility?: string;
  sort?: string;
  limit?: string;
  json: boolean;
}

/** `chartbridge search`: query the running stack's search API. */
export async function searchCommand(text: string | undefined, opts: SearchOptions): Promise<number> {
  const runtime = requireRuntime(opts.dataDir);
  const params = new URLSearchParams();
  if (text) params.set("q", text);
  for (const key of ["mrn", "dob", "type", "status", "from", "to", "facility", "sort", "limit"] as const) {
    const value = opts[key];
    if (value) params.set(key, value);
  }
  const res = await apiGet<SearchResult & { message?: string }>(runtime, opts.dataDir, `/search?${params}`);
  if (res.status !== 200) {
    console.error(`Search failed (${res.status}): ${res.body.message ?? "unknown error"}`);
    return 1;
  }
  if (opts.json) {
    console.log(JSON.stringify(res.body, null, 2));
    return 0;
  }
  console.log(`${res.body.total}${res.body.totalRelation === "gte" ? "+" : ""} match(es)`);
  const { documentType, status, facility, yearOfService } = res.body.facets;
  for (const [label, buckets] of [
    ["type", documentType],
    ["status", status],
    ["facility", facility],
    ["year", yearOfService],
  ] as const) {
    if (buckets.length > 0)
      console.log(`  ${label}: ${buckets.map((b) => `${b.value} (${b.count})`).join(", ")}`);
  }
  for (const hit of res.body.hits) {
    const f = hit.fields;
    console.log(
      `\n${hit.id}  ${hit.documentType ?? "?"}  ${hit.status}\n  ${f.patientName ?? "(no name)"}  DOB ${f.dateOfBirth ?? "?"}  MRN ${f.mrn ?? "?"}  DOS ${f.dateOfService ?? "?"}`,
    );
    for (const h of hit.highlights) {
      const page = h.page !== undefined ? `p. ${h.page}: ` : "";
      console.log(`  ${page}… ${h.text.replace(/<\/?em>/g, "*")} …`);
    }
  }
  return 0;
}
