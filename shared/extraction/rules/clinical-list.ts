/**
 * What every clinical list (diagnoses, medications, allergies) of a record obeys: each entry once, and a
 * bounded size. A long chart repeats its medication list on every visit note and its problem list on every
 * page; a 3,000-page chart listed each occurrence (15,000 medications, 900 kB) and its record no longer fit
 * a DynamoDB item (400 KB), so it ended FAILED. The chart's full text stays searchable; the lists are its
 * summary.
 */

/** Entries kept per list; the first occurrences in page order win. */
export const MAX_LIST_ENTRIES = 150;
/** Characters kept of one entry's text: longer is a paragraph read as an item, cut at a word. */
export const MAX_ENTRY_CHARS = 240;

/**
 * The list with each entry once (by `keyOf`, compared case-insensitively, first occurrence kept), at most
 * MAX_LIST_ENTRIES entries, each text at most MAX_ENTRY_CHARS characters.
 */
export function clinicalList<T extends { text: string }>(
  entries: Iterable<T>,
  keyOf: (entry: T) => string = (e) => e.text,
): T[] {
  const seen = new Set<string>();
  const out: T[] = [];
  for (const entry of entries) {
    const key = keyOf(entry).toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(entry.text.length > MAX_ENTRY_CHARS ? { ...entry, text: shortened(entry.text) } : entry);
    if (out.length === MAX_LIST_ENTRIES) break;
  }
  return out;
}

function shortened(text: string): string {
  const cut = text.slice(0, MAX_ENTRY_CHARS - 1);
  const atWord = cut.lastIndexOf(" ");
  return `${atWord > MAX_ENTRY_CHARS / 2 ? cut.slice(0, atWord) : cut}…`;
}
