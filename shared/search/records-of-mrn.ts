import type { ChartRecord } from "../domain/chart-record";
import { mrnKey } from "../domain/mrn";
import type { RecordStore } from "../pipeline/ports";
import { MAX_LIMIT } from "./parse-search-params";
import type { SearchIndex } from "./search-index";

/**
 * The records of one MRN, at most `max`: the index finds them, the table says what they are now (the index may
 * lag a write by a moment, so the MRN is checked again on each record). `truncated` says there were more.
 */
export async function recordsOfMrn(
  deps: { search: Pick<SearchIndex, "search">; records: Pick<RecordStore, "get"> },
  mrn: string,
  max: number,
): Promise<{ records: ChartRecord[]; truncated: boolean }> {
  const key = mrnKey(mrn);
  if (!key) return { records: [], truncated: false };
  const ids: string[] = [];
  let cursor: string | undefined;
  let truncated = false;
  do {
    const page = await deps.search.search({ mrn, limit: MAX_LIMIT, ...(cursor ? { cursor } : {}) });
    ids.push(...page.hits.map((h) => h.id));
    cursor = page.nextCursor;
    if (ids.length >= max) {
      truncated = ids.length > max || cursor !== undefined;
      break;
    }
  } while (cursor);
  const records = await Promise.all(ids.slice(0, max).map((id) => deps.records.get(id)));
  return {
    records: records.filter(
      (r): r is ChartRecord => r !== undefined && mrnKey(r.fields.mrn?.value ?? "") === key,
    ),
    truncated,
  };
}
