/** Collapse whitespace and strip trailing punctuation ("Jane  Doe ," → "Jane Doe"). Keeps "LAST, FIRST". */
export function cleanText(raw: string): string {
  return raw
    .replace(/\s+/g, " ")
    .replace(/\s+,/g, ",")
    .trim()
    .replace(/[\s.,;:|\-–—_]+$/, "")
    .replace(/^[\s.,;:|\-–—_]+/, "")
    .trim();
}

const TITLES = /^(?:mr|mrs|ms|miss|mx|mstr|master)\.?\s+/i;

/**
 * A name's text cleaned, and a quote mark at either end dropped: that is a scan speck read as one
 * ("Okafor, DO’"); names only have them inside (O'Brien).
 */
function cleanName(raw: string): string {
  return cleanText(cleanText(raw).replace(/^['’‘"“”`]+|['’‘"“”`]+$/g, ""));
}

/** Patient name: cleaned, courtesy titles (Mr., Mrs., Ms., Miss, Mx.) removed; order kept as printed. */
export function normalizePatientName(raw: string): string | undefined {
  const name = cleanName(cleanName(raw).replace(TITLES, ""));
  return looksLikePersonName(name) ? name : undefined;
}

/** Provider name: cleaned; titles and credentials kept as printed ("Dr. Ann Lee, MD"). */
export function normalizeProviderName(raw: string): string | undefined {
  const name = cleanName(raw);
  return looksLikePersonName(name, { allowCredentials: true }) ? name : undefined;
}

const PARTICLES = new Set([
  "de",
  "del",
  "della",
  "der",
  "den",
  "di",
  "da",
  "dos",
  "du",
  "la",
  "le",
  "van",
  "von",
  "y",
  "bin",
  "ibn",
  "al",
  "st",
]);
const CREDENTIALS =
  /^(md|do|np|pa|pa-c|rn|aprn|fnp|dnp|phd|mbbs|dpm|dds|dmd|od|crna|cnm|facs|facp|jr|sr|ii|iii|iv)\.?,?$/i;
const NOT_NAMES = new Set([
  "patient",
  "name",
  "unknown",
  "none",
  "n/a",
  "na",
  "same",
  "self",
  "signature",
  "date",
  "male",
  "female",
  "yes",
  "no",
]);

/**
 * Cheap shape check so prose after a label ("Patient is a 62 year old…") is not taken as a name:
 * 1–6 words, letters only (plus . ' - ,), each word capitalized or ALL CAPS except name particles.
 */
export function looksLikePersonName(name: string, opts: { allowCredentials?: boolean } = {}): boolean {
  if (!name || name.length > 80 || /\d/.test(name)) return false;
  const words = name.split(/\s+/).filter(Boolean);
  if (!words.length || words.length > 7) return false;
  let nameWords = 0;
  for (const w of words) {
    if (opts.allowCredentials && CREDENTIALS.test(w)) continue;
    if (/^dr\.?$/i.test(w) && opts.allowCredentials) continue;
    const bare = w.replace(/[,.]+$/, "");
    if (!/^[\p{L}][\p{L}'’.-]*$/u.test(bare)) return false;
    if (PARTICLES.has(bare.toLowerCase())) continue;
    if (!/^\p{Lu}/u.test(bare)) return false;
    nameWords++;
  }
  if (nameWords === 0) return false;
  return !(words.length === 1 && NOT_NAMES.has(name.toLowerCase()));
}

/** A lower-case name particle ("van", "de", "al"). */
export function isNameParticle(word: string): boolean {
  return PARTICLES.has(word.toLowerCase());
}
