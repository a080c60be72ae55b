import type { ChartRecord } from "../domain/chart-record";
import { mrnKey } from "../domain/mrn";
import type { RecordStore } from "../pipeline/ports";
import type { SearchIndex } from "../search/search-index";
import { MAX_LIMIT } from "../search/parse-search-params";

/** A patient's records served through FHIR at most: beyond it, a system should use `$export`. */
export const MAX_PATIENT_RECORDS = 1000;

/**
 * Whether a record may leave through the FHIR API: filed (INDEXED: its identity read above the review
 * threshold or confirmed by a person) under an MRN. Records waiting for review, rejected, failed or
 * duplicates are not shared: a chart filed under the wrong patient must not travel with that patient.
 */
export function isShareable(record: ChartRecord): boolean {
  return record.status === "INDEXED" && mrnKey(record.fields.mrn?.value ?? "") !== "";
}

/**
 * The shareable records of one MRN: the index finds them, the table says what they are now. The index is not
 * asked for the status: it learns a record was filed a moment after the table does (the indexer writes the
 * document, then files the record, and the stream brings that back), and a client told `record.indexed` must
 * find the record at once. Status and MRN are checked on the record itself.
 */
export async function shareableRecordsOf(
  deps: { search: Pick<SearchIndex, "search">; records: Pick<RecordStore, "get"> },
  mrn: string,
): Promise<ChartRecord[]> {
  const key = mrnKey(mrn);
  if (!key) return [];
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await deps.search.search({
      mrn,
      limit: MAX_LIMIT,
      ...(cursor ? { cursor } : {}),
    });
    ids.push(...page.hits.map((h) => h.id));
    cursor = page.nextCursor;
  } while (cursor && ids.length < MAX_PATIENT_RECORDS);
  const records = await Promise.all(ids.slice(0, MAX_PATIENT_RECORDS).map((id) => deps.records.get(id)));
  return records.filter(
    (r): r is ChartRecord => r !== undefined && isShareable(r) && mrnKey(r.fields.mrn!.value) === key,
  );
}
