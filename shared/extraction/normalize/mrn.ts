/**
 * Medical record number as printed: trimmed, punctuation inside kept ("00-12345" stays). This is the value a
 * record shows; the key stores look it up by is the domain's mrnKey (shared/domain/mrn.ts). Takes the leading run of
 * identifier-looking words (each with a digit, at most 3) so "MRN: 00123 Room 4" gives "00123".
 * Returns the value and how many of the given pieces it used (for the value's box and confidence).
 *
 * OCR repairs (reported as `repaired`, so the value gets a lower confidence and goes to review):
 *  - digit look-alikes inside the digit run of a word ("37406B46" → "37406846", "MRN-36l588" → "MRN-361588");
 *  - specks before the number ("MR#: “0 11 MRN-361588" → "MRN-361588"): short words, the first with stray
 *    punctuation, ahead of a full-length identifier;
 *  - a number split by OCR ("MRN-28461 4" → "MRN-284614"): one or two digits after a full-length identifier.
 */
export function normalizeMrn(
  pieces: readonly string[],
): { value: string; count: number; repaired?: boolean } | undefined {
  const taken: string[] = [];
  let count = 0;
  let repaired = false;
  let speckRun = false;
  for (const [i, raw] of pieces.entries()) {
    const stripped = raw.replace(/^[#:]+/, "").replace(/[,;:.]+$/, "");
    // Stray marks around the number (quotes, "©", "~", a "}" made of a box corner) are specks of the scan.
    const piece = stripped.replace(/^[“”"'‘’`©~*°{}[\]<>]+/, "").replace(/[“”"'‘’`©~*°{}[\]<>]+$/, "");
    // A lone "#" or ":" before the number ("MRN # 00123"), or a lone stroke OCR made of a speck or a
    // box border ("MRN: i 00123"): an MRN is never a single letter.
    if (!piece || (!taken.length && /^[|!iIl]$/.test(piece))) {
      if (taken.length) break;
      continue;
    }
    if (!taken.length && piece !== stripped && piece.length <= 2) speckRun = true;
    if (taken.length >= 3 || !/\d/.test(piece) || !/^[A-Za-z0-9][A-Za-z0-9\-/.]*$/.test(piece)) break;
    // "02/14/20": a date in the next cell or row, never a record number.
    if (!taken.length && SLASHED_DATE.test(piece)) return undefined;
    const fixed = repairDigits(piece);
    if (fixed !== piece) repaired = true;
    taken.push(fixed);
    count = i + 1;
  }
  if (!taken.length) return undefined;
  // "Medical Record No. 0": a record number has more than a digit or two; less is a speck or a box's tick.
  if ((taken.join("").match(/\d/g) ?? []).length < MIN_MRN_DIGITS) return undefined;
  if (speckRun) {
    // Drop the short specks before the first full-length identifier, if there is one.
    const full = taken.findIndex(isFullLength);
    if (full > 0 && taken.slice(0, full).every((p) => p.length <= 2)) {
      return { value: taken.slice(full).join(" "), count, repaired: true };
    }
  }
  // "MRN-28461 4": a digit or two after a full-length identifier is the identifier split by OCR, not
  // another number: joined, and reviewed (which it is, a person can see on the scan).
  const last = taken.at(-1) as string;
  if (taken.length >= 2 && /^\d{1,2}$/.test(last) && isFullLength(taken.at(-2) as string)) {
    return { value: [...taken.slice(0, -2), `${taken.at(-2)}${last}`].join(" "), count, repaired: true };
  }
  return repaired ? { value: taken.join(" "), count, repaired } : { value: taken.join(" "), count };
}

const MIN_MRN_DIGITS = 3;

const SLASHED_DATE = /^\d{1,2}\/\d{1,2}\/(?:\d{2}|\d{4})$/;

const isFullLength = (p: string) => p.length >= 5 && (p.match(/\d/g) ?? []).length >= 4;

const DIGIT_CONFUSIONS: Record<string, string> = {
  O: "0",
  o: "0",
  l: "1",
  I: "1",
  "|": "1",
  S: "5",
  B: "8",
  Z: "2",
};

/**
 * Within each alphanumeric run that starts with a digit and has at least 4 digits, digit look-alikes are
 * OCR errors ("37406B46"). A leading letter prefix ("A123456", "MRN-…") is left alone.
 */
function repairDigits(piece: string): string {
  return piece.replace(/\d[A-Za-z0-9|]*/g, (run) => {
    if ((run.match(/\d/g) ?? []).length < 4) return run;
    // Only when every letter in the run is a digit look-alike and letters are the minority.
    const letters = run.replace(/\d/g, "");
    if (!letters || letters.length > 2 || [...letters].some((c) => !(c in DIGIT_CONFUSIONS))) return run;
    return run.replace(/[^\d]/g, (c) => DIGIT_CONFUSIONS[c] ?? c);
  });
}
