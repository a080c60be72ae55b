/**
 * Medical record number: trimmed, punctuation inside kept ("00-12345" stays). Takes the leading run of
 * identifier-looking words (each with a digit, at most 3) so "MRN: 00123 Room 4" gives "00123".
 * Returns the value and how many of the given pieces it used (for the value's box and confidence).
 */
export function normalizeMrn(pieces: readonly string[]): { value: string; count: number } | undefined {
  const taken: string[] = [];
  let count = 0;
  for (const [i, raw] of pieces.entries()) {
    const piece = raw.replace(/^[#:]+/, "").replace(/[,;:.]+$/, "");
    // A lone "#" or ":" before the number ("MRN # 00123"), or a lone stroke OCR made of a speck or a
    // box border ("MRN: i 00123"): an MRN is never a single letter.
    if (!piece || (!taken.length && /^[|!iIl]$/.test(piece))) {
      if (taken.length) break;
      continue;
    }
    if (taken.length >= 3 || !/\d/.test(piece) || !/^[A-Za-z0-9][A-Za-z0-9\-/.]*$/.test(piece)) break;
    taken.push(piece);
    count = i + 1;
  }
  return taken.length ? { value: taken.join(" "), count } : undefined;
}
