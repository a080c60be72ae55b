/**
 * Row numbers (`seq`) that sort by update time, so "newest update first" is the rowid order FTS5 and
 * SQLite already walk in, and keyset paging is a rowid comparison.
 *
 * seq = whole seconds × 2^20 + milliseconds × 2^10 + a counter (0–1023) for records updated in the same
 * millisecond. The largest value (year 9999) stays below 2^53, so numbers are exact in JavaScript.
 */
const PER_SECOND = 2 ** 20;
const PER_MILLISECOND = 2 ** 10;

/** The smallest seq for a record updated at `updatedAt` (ISO 8601); unparseable times sort oldest. */
export function firstSeqAt(updatedAt: string): number {
  const ms = Date.parse(updatedAt);
  if (!Number.isFinite(ms) || ms < 0) return 0;
  return Math.floor(ms / 1000) * PER_SECOND + (ms % 1000) * PER_MILLISECOND;
}

/** The seqs available to records updated in the same millisecond as `first`. */
export const SEQS_PER_MILLISECOND = PER_MILLISECOND;
