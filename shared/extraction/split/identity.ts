/**
 * Who a page is about, read from its header (and footer) band with the same field rules extraction uses,
 * and how two such identities compare. Comparison errs towards "different": filing a chart under the wrong
 * patient is worse than splitting one patient's document in two.
 */
import { collectCandidates } from "../extract-fields";
import { selectFields } from "../select-fields";
import { findLabels } from "../labels";
import type { DocModel, KeyValue, OcrLine, PageModel } from "../model/document-model";
import { bottom } from "../model/geometry";
import { mrnKey } from "../../domain/mrn";
import { withinOneOcrSlip } from "../normalize/edit-distance";
import { normalizePatientName } from "../normalize/names";
import { ALL_LABELS } from "../rules";

export interface PageIdentity {
  name?: string;
  dateOfBirth?: string;
  mrn?: string;
  /** Not identity, but tells two same-titled notes apart ("PROGRESS NOTE" on 05/01 and on 05/08). */
  dateOfService?: string;
  /** A document's other readings of its MRN (one character apart, forgiven by identityConflict). */
  otherMrns?: string[];
}

/** Patient identity is read from lines starting above HEADER_BOTTOM or below FOOTER_TOP. */
export const HEADER_BOTTOM = 0.35;
export const FOOTER_TOP = 0.9;

const inBand = (top: number) => top <= HEADER_BOTTOM || top >= FOOTER_TOP;

/** Only the first lines of a page are its header (long pages have body text above HEADER_BOTTOM too). */
const HEADER_MAX_LINES = 15;

const IDENTITY_TARGETS = new Set([
  "patientName",
  "givenName",
  "familyName",
  "dateOfBirth",
  "mrn",
  "dateOfService",
]);
/** First words of the labels that name the patient or the date of service ("patient", "dob", "mrn", …). */
const IDENTITY_FIRST_KEYS = new Set(
  ALL_LABELS.filter((l) => IDENTITY_TARGETS.has(l.target ?? "")).map((l) => l.keys[0] as string),
);

/**
 * Could the field rules find an identity label on this line? Yes if a word is the first word of such a
 * label, or the line has a colon (a label read with an OCR error only counts with a colon); not in prose
 * (a long line of mostly lower-case words without a colon), where unlabeled mentions of "the patient" are.
 */
function mayHoldLabel(line: OcrLine): boolean {
  if (line.text.includes(":")) return true;
  const tokens = line.tokens;
  if (tokens.length > 8) {
    const lower = tokens.filter((t) => /^\p{Ll}/u.test(t.text)).length;
    if (lower * 2 >= tokens.length) return false;
  }
  return tokens.some((t) => IDENTITY_FIRST_KEYS.has(t.key));
}

/** Same row as `label` (a value in the next cell), or just below it (a value on the next line). */
function nearLabel(line: OcrLine, label: OcrLine): boolean {
  const h = label.box.height || 0.01;
  const overlap = Math.min(bottom(line.box), bottom(label.box)) - Math.max(line.box.top, label.box.top);
  if (overlap > 0) return true;
  return line.box.top > label.box.top && line.box.top - bottom(label.box) <= h * 2.5;
}

/**
 * The header/footer part of a page as a one-page model the field rules can read: the lines that may hold an
 * identity label and the lines their values may sit in; key/value pairs, tables and query answers in the
 * bands. (Reading only these keeps splitting fast: label matching costs words × labels.)
 */
function bandPage(page: PageModel): PageModel {
  const band = page.lines.filter(
    (l, i) => (i < HEADER_MAX_LINES && l.box.top <= HEADER_BOTTOM) || l.box.top >= FOOTER_TOP,
  );
  const labelled = band.filter(mayHoldLabel);
  // Short lines stay too: section headings ("EMERGENCY CONTACT", "GUARANTOR") tell whose name a label gives.
  const lines = labelled.length
    ? band.filter((l) => l.tokens.length <= 5 || labelled.some((k) => k === l || nearLabel(l, k)))
    : [];
  const kvTop = (kv: KeyValue) => kv.keyTokens[0]?.box.top ?? kv.valueTokens[0]?.box.top ?? 1;
  return {
    number: page.number,
    lines,
    keyValues: page.keyValues.filter((kv) => inBand(kvTop(kv))),
    tables: page.tables.filter((t) => inBand(t.box.top)),
    queries: page.queries.filter((q) => !q.box || inBand(q.box.top)),
  };
}

/**
 * "SMITH, JOHN    MRN: 00123    Page 2 of 3": a running header names the patient without a label. Taken only
 * as "LAST, FIRST" in front of the line's first label, on a line that also has an MRN, DOB or date-of-service
 * label, so a letterhead is never a name.
 */
const HEADER_TARGETS = new Set(["mrn", "dateOfBirth", "dateOfService", "sex"]);

function runningHeaderName(line: OcrLine): string | undefined {
  const matches = findLabels(line, ALL_LABELS);
  const first = matches[0];
  if (!first || first.start < 2 || !matches.some((m) => HEADER_TARGETS.has(m.label.target ?? ""))) {
    return undefined;
  }
  const text = line.tokens
    .slice(0, first.start)
    .map((t) => t.text)
    .join(" ");
  // "SMITH, JOHN", "De Leon, Maria"; not "Springfield, IL".
  if (!/^\p{Lu}[\p{L}'’-]+(?:\s+\p{Lu}[\p{L}'’-]+)?,\s*\p{Lu}[\p{L}'’-]{2,}/u.test(text)) return undefined;
  return normalizePatientName(text);
}

/**
 * Identity (and date of service) printed in the page's header/footer bands. `cache` (one per split run)
 * reuses the answer for a page whose band lines read exactly like an earlier page's, page numbers aside —
 * running headers repeat on every page, so most continuation pages cost a string join.
 */
export function readIdentity(
  page: PageModel,
  referenceDate: Date,
  cache?: Map<string, PageIdentity>,
): PageIdentity {
  const band = bandPage(page);
  if (!band.lines.length && !band.keyValues.length && !band.tables.length && !band.queries.length) return {};
  const cacheable = cache && !band.keyValues.length && !band.tables.length && !band.queries.length;
  const key = cacheable ? band.lines.map((l) => l.text.replace(PAGE_NUMBER, "#")).join("\n") : "";
  const hit = cacheable ? cache.get(key) : undefined;
  if (hit) return hit;

  const model: DocModel = { pageCount: 1, pages: [band], lines: band.lines };
  const fields = selectFields(collectCandidates({ model, referenceDate, labels: ALL_LABELS }));
  const id: PageIdentity = {};
  const name = fields.patientName?.value ?? firstDefined(band.lines, runningHeaderName);
  if (name) id.name = name;
  if (fields.dateOfBirth) id.dateOfBirth = fields.dateOfBirth.value;
  if (fields.mrn) id.mrn = fields.mrn.value;
  if (fields.dateOfService) id.dateOfService = fields.dateOfService.value;
  if (cacheable) cache.set(key, id);
  return id;
}

const PAGE_NUMBER = /\b(?:page|pg)\.?\s*\d{1,3}(?:\s*(?:of|\/)\s*\d{1,3})?\b/gi;

function firstDefined<T, R>(items: readonly T[], f: (item: T) => R | undefined): R | undefined {
  for (const item of items) {
    const r = f(item);
    if (r !== undefined) return r;
  }
  return undefined;
}

export function hasIdentity(id: PageIdentity): boolean {
  return Boolean(id.name || id.dateOfBirth || id.mrn);
}

/** Fill the fields `known` lacks from `seen` (a document's identity grows as its pages are read). */
export function mergeIdentity(known: PageIdentity, seen: PageIdentity): PageIdentity {
  const out: PageIdentity = { ...known };
  for (const key of ["name", "dateOfBirth", "mrn", "dateOfService"] as const) {
    const value = known[key] ?? seen[key];
    if (value) out[key] = value;
  }
  const readings = [...(known.otherMrns ?? []), ...(seen.otherMrns ?? [])];
  if (known.mrn && seen.mrn && !sameMrnKey(known.mrn, seen.mrn)) readings.push(seen.mrn);
  if (readings.length) out.otherMrns = readings;
  return out;
}

/**
 * Which identity field, if any, differs between the document so far and a page: MRN and DOB must be equal
 * (MRN ignoring punctuation, leading zeros and O/0, I/l/1 confusions); names may differ by an OCR slip.
 * Fields missing on either side are not evidence either way.
 *
 * One misread MRN character (a worn "1" read as "7") is forgiven only when both sides print the very same
 * patient name: two patients with the same name and neighbouring MRNs on consecutive pages of one stack is
 * far less likely than a scan slip, while neighbouring MRNs alone (consecutive registrations) are common.
 */
export function identityConflict(
  doc: PageIdentity,
  page: PageIdentity,
): "mrn" | "dateOfBirth" | "name" | undefined {
  if (doc.mrn && page.mrn) {
    const forgive = exactSameName(doc.name, page.name);
    const pageMrn = page.mrn;
    const readings = [doc.mrn, ...(doc.otherMrns ?? [])];
    if (!readings.some((mrn) => sameMrn(mrn, pageMrn, forgive))) return "mrn";
  }
  if (doc.dateOfBirth && page.dateOfBirth && doc.dateOfBirth !== page.dateOfBirth) return "dateOfBirth";
  if (doc.name && page.name && !sameName(doc.name, page.name)) return "name";
  return undefined;
}

function sameMrnKey(a: string, b: string): boolean {
  return normalizeMrnKey(a) === normalizeMrnKey(b);
}

function sameMrn(a: string, b: string, forgiveOneSlip: boolean): boolean {
  const ka = normalizeMrnKey(a);
  const kb = normalizeMrnKey(b);
  if (ka === kb) return true;
  // Only in a number of six or more characters as printed (padding counts, a "MRN" label does not).
  const printed = Math.min(mrnKey(a).length, mrnKey(b).length);
  if (!forgiveOneSlip || ka.length !== kb.length || printed < 6) return false;
  let differences = 0;
  for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) differences++;
  return differences === 1;
}

/** Both names given, with the same words (in any order, titles ignored). */
function exactSameName(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b) return false;
  const wa = nameWords(a).sort();
  const wb = nameWords(b).sort();
  return wa.length >= 2 && wa.length === wb.length && wa.every((w, i) => w === wb[i]);
}

/**
 * The splitter's looser form of mrnKey: on top of the canonical key, leading zeros and O/0, I/L/1 slips do
 * not count. Only for telling whether two pages name the same patient, never as a stored or searched key.
 */
export function normalizeMrnKey(mrn: string): string {
  let key = mrnKey(mrn);
  // Mostly digits: letters that look like digits are OCR slips.
  if ((key.match(/\d/g)?.length ?? 0) >= key.length - 2) key = key.replace(/O/g, "0").replace(/[IL]/g, "1");
  return key.replace(/^0+(?=.)/, "");
}

const TITLE_WORDS = /^(?:MR|MRS|MS|MISS|MX|DR)$/;

function nameWords(name: string): string[] {
  return name
    .toUpperCase()
    .split(/[\s,]+/)
    .map((w) => w.replace(/[^\p{L}'-]/gu, ""))
    .filter((w) => w && !TITLE_WORDS.test(w));
}

/**
 * Same person's name, allowing word order ("SMITH, JOHN" = "John Smith"), a dropped middle name or initial
 * ("John A. Smith"), and one OCR error per word of four letters or more ("SMlTH", "Wyrnan"), at most two in all.
 * "John Smith Jr" vs "John Smith Sr" differ (neither word set contains the other).
 */
export function sameName(a: string, b: string): boolean {
  let wa = nameWords(a);
  let wb = nameWords(b);
  if (!wa.length || !wb.length) return true;
  if (wa.length > wb.length) [wa, wb] = [wb, wa];
  const pool = [...wb];
  let edits = 0;
  for (const w of wa) {
    let best = -1;
    let bestD = Number.POSITIVE_INFINITY;
    pool.forEach((p, i) => {
      const d = w === p ? 0 : w.length >= 4 && p.length >= 4 && withinOneOcrSlip(w, p) ? 1 : 99;
      if (d < bestD) {
        bestD = d;
        best = i;
      }
    });
    // A lone initial matches a word with that first letter ("J. Smith" = "John Smith").
    if (best < 0 || bestD > 1) {
      const initial = w.length === 1 ? pool.findIndex((p) => p.startsWith(w)) : -1;
      if (initial < 0) return false;
      pool.splice(initial, 1);
      continue;
    }
    edits += bestD;
    pool.splice(best, 1);
  }
  if (edits > 2) return false;
  // Left over in the longer name: middle names or initials are fine, a generational suffix is not.
  return pool.every((p) => !/^(?:JR|SR|II|III|IV)$/.test(p));
}
