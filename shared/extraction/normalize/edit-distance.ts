/** At most one inserted, deleted or substituted character between a and b (OCR's usual single slip). */
export function withinOneEdit(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  let j = 0;
  let edits = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      i++;
      j++;
      continue;
    }
    if (++edits > 1) return false;
    if (a.length > b.length) i++;
    else if (a.length < b.length) j++;
    else {
      i++;
      j++;
    }
  }
  return edits + (a.length - i) + (b.length - j) <= 1;
}

/** Letter pairs OCR reads for one letter ("Wyrnan" for "Wyman", "Dark" for "Clark"). */
const LOOKALIKES: readonly [string, string][] = [
  ["RN", "M"],
  ["CL", "D"],
  ["VV", "W"],
];

/** One inserted, deleted or changed letter, or one lookalike pair read for a letter (upper-case words). */
export function withinOneOcrSlip(a: string, b: string): boolean {
  if (withinOneEdit(a, b)) return true;
  const [long, short] = a.length > b.length ? [a, b] : [b, a];
  return LOOKALIKES.some(([pair, one]) => {
    for (let i = long.indexOf(pair); i >= 0; i = long.indexOf(pair, i + 1)) {
      if (long.slice(0, i) + one + long.slice(i + pair.length) === short) return true;
    }
    return false;
  });
}
