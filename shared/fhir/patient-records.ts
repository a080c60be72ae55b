import type { ChartRecord } from "../domain/chart-record";
import { mrnKey } from "../domain/mrn";
import { recordsOfMrn } from "../search/records-of-mrn";

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
 * The shareable records of one MRN. The index is not asked for the status: it learns a record was filed a
 * moment after the table does (the indexer writes the document, then files the record, and the stream brings
 * that back), and a client told `record.indexed` must find the record at once. The table decides.
 */
export async function shareableRecordsOf(
  deps: Parameters<typeof recordsOfMrn>[0],
  mrn: string,
): Promise<ChartRecord[]> {
  return (await recordsOfMrn(deps, mrn, MAX_PATIENT_RECORDS)).records.filter(isShareable);
}
