/**
 * Label matching on OCR lines. A label ("Date of Birth", "Med Rec #") is matched token by token against a
 * line's words, longest label first, so "Date of Birth" wins over "Date" and "Last Name" over "Name".
 * Every label known to the rules — including labels we do not extract ("Account #", "Phone") — marks where
 * the previous label's value ends, which is how "Patient: Jane Doe   DOB: 03/14/1962   MRN: 00123" splits.
 */
import type { OcrLine } from "./model/document-model";
import { right } from "./model/geometry";
import { endsWithColon, isSeparator, isUnsureMark, labelKeys, type Token } from "./model/tokens";
import { FOREIGN_QUALIFIERS, PROSE_WORDS } from "./label-words";
import { withinOneEdit } from "./normalize/edit-distance";

/** What a label's value fills: a result field, a patient-name part, or nothing (a delimiter label). */
export type LabelTarget =
  | "patientName"
  | "dateOfBirth"
  | "sex"
  | "mrn"
  | "dateOfService"
  | "admissionDate"
  | "dischargeDate"
  | "provider"
  | "facility"
  | "givenName"
  | "familyName"
  | "middleName"
  | null;

export interface LabelDef {
  text: string;
  /** Multiplies the rule certainty: below 1 for labels that are weaker evidence ("Name", "Referring"). */
  weight?: number;
  /**
   * A common word that only counts as a label when clearly used as one: followed by a colon or a wide gap.
   * ("Physician", "Provider", "Admitted", "Sex", "Name", "Patient", "Date".)
   */
  generic?: boolean;
  /** Only in the header of page 1 (top 40%): the bare "Date:" of a note header. */
  headerOnly?: boolean;
  /**
   * Does not say whose value it is ("Name:", "RE:", unlike "Patient Name:"): on a paper with no sign of being
   * a chart, the value is someone's, not known to be the patient's (see extract-fields.ts).
   */
  whoseUnsaid?: boolean;
}

export interface CompiledLabel {
  target: LabelTarget;
  def: LabelDef;
  keys: string[];
}

export interface LabelMatch {
  label: CompiledLabel;
  /** Index of the first label token. */
  start: number;
  /** Index just past the label and any separator (":", "-"). */
  end: number;
  colon: boolean;
  fuzzy: boolean;
  /** A parenthetical hint printed after the label: "(Last, First)", "(M/F)", "(mm/dd/yyyy)". */
  hint?: string;
}

export function compileLabels(
  groups: readonly { target: LabelTarget; labels: readonly LabelDef[] }[],
): CompiledLabel[] {
  const out: CompiledLabel[] = [];
  for (const g of groups) {
    for (const def of g.labels) {
      const keys = labelKeys(def.text);
      if (keys.length) out.push({ target: g.target, def, keys });
    }
  }
  // Longest first; among equal lengths, extracted targets before delimiters.
  return out.sort(
    (a, b) => b.keys.length - a.keys.length || Number(b.target !== null) - Number(a.target !== null),
  );
}

/** Typical height of the line's words (for gap thresholds). */
export function lineHeight(line: OcrLine): number {
  // Median of the words' heights, without temporary arrays: rules ask this of every line, many times.
  const tokens = line.tokens;
  const hs = tokens.length <= HEIGHT_SCRATCH.length ? HEIGHT_SCRATCH : new Float64Array(tokens.length);
  let n = 0;
  for (const t of tokens) {
    const h = t.box.height;
    if (!(h > 0)) continue;
    let i = n++;
    for (; i > 0 && (hs[i - 1] as number) > h; i--) hs[i] = hs[i - 1] as number;
    hs[i] = h;
  }
  return n ? (hs[Math.floor(n / 2)] as number) : line.box.height || 0.01;
}

const HEIGHT_SCRATCH = new Float64Array(64);

export function gapBefore(tokens: readonly Token[], i: number): number {
  const prev = tokens[i - 1];
  const cur = tokens[i];
  return prev && cur ? cur.box.left - right(prev.box) : 0;
}

/**
 * Labels indexed by their first key, so a word is only compared with the labels that can start there: the
 * ones starting with that word, plus (for one OCR error) those whose first key is within one edit of it.
 */
interface LabelIndex {
  position: Map<CompiledLabel, number>;
  byFirstKey: Map<string, CompiledLabel[]>;
  /** First keys of five or more characters (a misread first word only counts for those). */
  fuzzyFirstKeys: string[];
  /** Labels that may start at a word, in the labels' order, by that word's key. */
  startingAt: Map<string, readonly CompiledLabel[]>;
}

const indexes = new WeakMap<readonly CompiledLabel[], LabelIndex>();

function indexOf(labels: readonly CompiledLabel[]): LabelIndex {
  let index = indexes.get(labels);
  if (!index) {
    const byFirstKey = new Map<string, CompiledLabel[]>();
    labels.forEach((l) => {
      const first = l.keys[0] as string;
      const list = byFirstKey.get(first);
      if (list) list.push(l);
      else byFirstKey.set(first, [l]);
    });
    index = {
      position: new Map(labels.map((l, i) => [l, i])),
      byFirstKey,
      fuzzyFirstKeys: [...byFirstKey.keys()].filter((k) => k.length >= 5),
      startingAt: new Map(),
    };
    indexes.set(labels, index);
  }
  return index;
}

function labelsStartingAt(key: string, index: LabelIndex): readonly CompiledLabel[] {
  let found = index.startingAt.get(key);
  if (!found) {
    const set = new Set(index.byFirstKey.get(key) ?? []);
    for (const first of index.fuzzyFirstKeys) {
      if (first !== key && withinOneEdit(key, first))
        for (const l of index.byFirstKey.get(first) ?? []) set.add(l);
    }
    found = [...set].sort((a, b) => (index.position.get(a) ?? 0) - (index.position.get(b) ?? 0));
    if (index.startingAt.size > 50_000) index.startingAt.clear();
    index.startingAt.set(key, found);
  }
  return found;
}

/** Lines are immutable once built, and split + extraction + section finding all ask about the same ones. */
const matchesByLine = new WeakMap<OcrLine, { labels: readonly CompiledLabel[]; matches: LabelMatch[] }>();

/** Fields whose values are free text (names): any capitalized word would parse. */
const FREE_TEXT_TARGETS = new Set(["patientName", "givenName", "familyName", "provider", "facility"]);

/** Find every accepted label occurrence in a line, left to right, non-overlapping. */
export function findLabels(line: OcrLine, labels: readonly CompiledLabel[]): LabelMatch[] {
  const cached = matchesByLine.get(line);
  if (cached?.labels === labels) return cached.matches;
  const tokens = line.tokens;
  const h = lineHeight(line);
  const index = indexOf(labels);
  const prose = isProse(tokens);
  const out: LabelMatch[] = [];
  let i = 0;
  while (i < tokens.length) {
    const match = matchAt(tokens, i, labelsStartingAt((tokens[i] as Token).key, index), h, prose);
    if (match) {
      out.push(match);
      i = match.end;
    } else {
      i++;
    }
  }
  matchesByLine.set(line, { labels, matches: out });
  return out;
}

/**
 * A sentence rather than a row of fields: six words or more, most of them lower-case. In justified or dense
 * text every word gap can be wider than the letters are tall, so gaps alone do not tell prose from columns.
 */
function isProse(tokens: readonly Token[]): boolean {
  if (tokens.length < 6) return false;
  let lower = 0;
  for (const t of tokens) if (/^\p{Ll}/u.test(t.text)) lower++;
  return lower * 2 > tokens.length;
}

/** The first label in `labels` (longest first) accepted at token `i`. */
function matchAt(
  tokens: readonly Token[],
  i: number,
  labels: readonly CompiledLabel[],
  h: number,
  prose: boolean,
): LabelMatch | undefined {
  for (const label of labels) {
    const n = label.keys.length;
    if (i + n > tokens.length) continue;
    let fuzzy = false;
    let ok = true;
    for (let k = 0; k < n; k++) {
      const tokenKey = tokens[i + k]?.key ?? "";
      const labelKey = label.keys[k] ?? "";
      if (tokenKey === labelKey) continue;
      if (!fuzzy && labelKey.length >= 5 && withinOneEdit(tokenKey, labelKey)) {
        fuzzy = true;
        continue;
      }
      ok = false;
      break;
    }
    if (!ok) continue;

    let end = i + n;
    const last = tokens[end - 1];
    let colon = last ? endsWithColon(last) || label.keys[n - 1] === "#" : false;
    const hint = colon ? undefined : parentheticalHint(tokens, end);
    if (hint) {
      end = hint.end;
      colon = hint.colon;
    }
    while (end < tokens.length && tokens[end] && isSeparator(tokens[end] as Token)) {
      if ((tokens[end] as Token).text.includes(":")) colon = true;
      end++;
    }
    // "CC" read at confidence 0 from a smudge before a name is a scan mark, not the "CC:" caption.
    if (n === 1 && !colon && isUnsureMark(tokens[i] as Token)) continue;
    // Scan specks (".", "!", "~") between columns are not words: measure gaps to the nearest real word.
    const prevIndex = previousWordIndex(tokens, i);
    const prev = prevIndex >= 0 ? tokens[prevIndex] : undefined;
    const gapToPrev = prev ? (tokens[i] as Token).box.left - right(prev.box) : 0;
    const wideGapBefore = prev !== undefined && gapToPrev > h * 1.0;
    const wideGapAfter = end < tokens.length && gapBefore(tokens, end) > h * 1.0;

    // Part of a longer phrase: "to Patient:", "Emergency Contact Name:".
    if (prev && !wideGapBefore) {
      if (FOREIGN_QUALIFIERS.has(prev.key)) continue;
      // After a lower-case word it is prose ("the discharge date was…"), unless a specific label has a colon
      // ("female DOB: …").
      if (/^\p{Ll}/u.test(prev.text) && (label.def.generic || !colon)) continue;
      // "The discharge date was…", "His DOB…": an article or pronoun before a label without colon is prose.
      if (!colon && PROSE_WORDS.has(prev.key)) continue;
    }
    // The start of an unknown longer label: "Name of package: …".
    if (!colon && continuesIntoUnknownLabel(tokens, end)) continue;
    // A generic word ending its line after a column-wide gap is a caption in a grid row ("Date of Birth
    // <gap> Gender", values on the line below), not prose.
    const lastCellCaption = end === tokens.length && prev !== undefined && gapToPrev > h * 2.5;
    // A misread label needs a colon, unless it stands alone between column gaps like a grid caption
    // ("Date of Birth <gap> Gander", the value on the line below).
    const isolatedCaption = (!prev || wideGapBefore) && (end === tokens.length || wideGapAfter);
    if (fuzzy && !colon && !(isolatedCaption && (prev !== undefined || end < tokens.length))) continue;
    // A generic word that is its line's only text is a caption with its value below (stacked labels:
    // "Gender" over "Female"), for values with a shape to check (sex, dates, ids): a free-text caption
    // alone ("Name" heading a drug column) would take whatever word is below.
    const wholeLine = i === 0 && end === tokens.length && !FREE_TEXT_TARGETS.has(label.target ?? "");
    if (label.def.generic && !colon && ((!wideGapAfter && !lastCellCaption && !wholeLine) || prose)) continue;
    return { label, start: i, end, colon, fuzzy, ...(hint ? { hint: hint.text } : {}) };
  }
  return undefined;
}

/**
 * A printed hint right after a label, "Name (Last, First):", "Sex (M/F):", "DOB (mm/dd/yyyy)": part of the
 * label, not its value. Letters, slashes, commas and dots only (a "(62 y/o)" after a name is a value), at most
 * four words.
 */
function parentheticalHint(
  tokens: readonly Token[],
  from: number,
): { end: number; colon: boolean; text: string } | undefined {
  if (!tokens[from]?.text.startsWith("(")) return undefined;
  const words: string[] = [];
  for (let k = from; k < Math.min(tokens.length, from + 4); k++) {
    const text = (tokens[k] as Token).text;
    if (!/^\(?[A-Za-z/,.\s-]*\)?:?$/.test(text)) return undefined;
    words.push(text);
    if (/\):?$/.test(text)) {
      const inner = words.join(" ").replace(/^\(|\):?$/g, "");
      if (!/[A-Za-z]/.test(inner)) return undefined;
      return { end: k + 1, colon: text.endsWith(":"), text: inner };
    }
  }
  return undefined;
}

/** Index of the nearest token before `i` with a letter or digit (-1 if none). */
function previousWordIndex(tokens: readonly Token[], i: number): number {
  for (let k = i - 1; k >= 0; k--) if (/[A-Za-z0-9]/.test((tokens[k] as Token).text)) return k;
  return -1;
}

function continuesIntoUnknownLabel(tokens: readonly Token[], from: number): boolean {
  for (let k = from; k < Math.min(tokens.length, from + 3); k++) {
    const t = tokens[k];
    if (!t || /\d/.test(t.text)) return false;
    if (endsWithColon(t)) return /[A-Za-z]/.test(t.text);
  }
  return false;
}

/**
 * The value tokens for label `k`: up to the next label, cut earlier at an unknown "Label:" or a very wide
 * gap (another column).
 */
const SPECK_TOLERANT = new Set<LabelTarget>([
  "dateOfBirth",
  "dateOfService",
  "admissionDate",
  "dischargeDate",
  "mrn",
  "sex",
]);

/**
 * A scan speck OCR read between a label and its tab-aligned value ("DOB: . ©.      09/28/1992"): only
 * punctuation, a mark OCR was unsure of, or for dates, MRNs and sex (whose parsers skip a few leading words)
 * one or two characters.
 */
function isSpeck(t: Token, m: LabelMatch): boolean {
  if (!/[A-Za-z0-9]/.test(t.text) || isUnsureMark(t)) return true;
  return SPECK_TOLERANT.has(m.label.target) && t.text.length <= 2;
}

export function valueTokens(line: OcrLine, matches: readonly LabelMatch[], k: number): Token[] {
  const m = matches[k];
  if (!m) return [];
  const stop = matches[k + 1]?.start ?? line.tokens.length;
  const h = lineHeight(line);
  const out: Token[] = [];
  for (let i = m.end; i < stop; i++) {
    const t = line.tokens[i];
    if (!t) break;
    if (out.length && gapBefore(line.tokens, i) > h * 2.5 && !out.every((o) => isSpeck(o, m))) break;
    if (out.length && endsWithColon(t) && /[A-Za-z]{2,}/.test(t.text)) {
      // An unknown label ("Room:"): drop it, and the words of it that follow a wider gap ("Marital Status:").
      let cut = out.length;
      for (let back = out.length - 1; back > 0; back--) {
        if (gapBefore(line.tokens, m.end + back) > h * 0.9) {
          cut = back;
          break;
        }
      }
      out.length = cut;
      break;
    }
    out.push(t);
  }
  return out;
}
