/**
 * The canonical key of a medical record number: the one form both stores look MRNs up by (the records
 * table's by-MRN index and the search index's mrn filter), so a record is found by any way of writing its MRN.
 *
 * - Case, spaces and punctuation do not count: "mr-00 123" and "MR00123" are the same key.
 * - A leading "MRN" label written into the value does not count: "MRN-004512", "mrn 004512" and "004512"
 *   are the same key. Other letters do: "A123456" is not "123456", "MRNA12" keeps its letters.
 * - Leading zeros count: "4512" is not "004512". Facilities pad MRNs to a fixed width, and a number with its
 *   padding dropped may be another patient's shorter number in a system that does not pad; a key must
 *   never join two patients' charts, so a search typed without the zeros finds nothing rather than that.
 *   (The splitter's identity comparison forgives dropped zeros and O/0 slips on top of this key: there a
 *   near match only keeps pages together, it files nothing.)
 *
 * Returns "" when the value has no letter or digit.
 */
export function mrnKey(raw: string): string {
  const upper = raw.toUpperCase();
  const unlabelled = alphanumeric(upper.replace(MRN_LABEL, ""));
  return unlabelled || alphanumeric(upper);
}

/** "MRN" at the start, not followed by another letter ("MRN-", "MRN ", "MRN#", "MRN004512"). */
const MRN_LABEL = /^\s*MRN(?![A-Z])/;

const alphanumeric = (s: string) => s.replace(/[^0-9A-Z]/g, "");
