/**
 * Field candidates from OCR lines: a label with its value on the same line, in the next cell to its right,
 * or on a line below; and names no known caption gives: a running header's, one beside or over the birth
 * date under a caption the rules do not know, an insurance card's.
 */
import { FOREIGN_QUALIFIERS, SUBJECT_WORDS } from "../label-words";
import { findLabels, gapBefore, lineHeight, valueTokens, type LabelMatch } from "../labels";
import { bottom, centerX, right, unionBoxes } from "../model/geometry";
import type { BoundingBox } from "../../domain/fields";
import { evidence, type OcrLine, type PageModel } from "../model/document-model";
import type { Token } from "../model/tokens";
import { normalizePatientName } from "../normalize/names";
import { RULES_BY_TARGET } from "../rules";
import { MEMBER_ID_LABELS } from "../rules/delimiters";
import type { CompiledLabel } from "../labels";
import { CERTAINTY, type Candidate, type RuleContext } from "../rules/types";
import { candidate } from "./candidate";

export function lineCandidates(
  line: OcrLine,
  page: PageModel,
  firstPage: PageModel | undefined,
  ctx: RuleContext,
): Candidate[] {
  const matches = findLabels(line, ctx.labels);
  const out: Candidate[] = [];
  matches.forEach((m, k) => {
    const rule = m.label.target ? RULES_BY_TARGET.get(m.label.target) : undefined;
    if (!rule) return;
    if (m.label.def.headerOnly && (page !== firstPage || line.box.top > 0.4)) return;
    const weight = (m.label.def.weight ?? 1) * (m.fuzzy ? CERTAINTY.fuzzyFactor : 1);
    // All that follows is an explanation in parentheses: the caption has no value on its line.
    const after = valueTokens(line, matches, k);
    const sameLine = isParenthetical(after) || continuesCaption(after) ? [] : withNameOrderHint(after, m);
    if (sameLine.length) {
      const parsed = rule.parse(sameLine, ctx);
      const certainty = (m.colon ? CERTAINTY.lineWithColon : CERTAINTY.lineNoColon) * weight;
      if (parsed) {
        out.push(candidate(rule, parsed, certainty, "line", m.label));
        return;
      }
      if (!isGridCaption(line, m, sameLine)) return;
    }
    // Only the last label on a line can have its value in the next cell: others end at the next label.
    const right = k === matches.length - 1 ? valueRight(line, m, page, ctx.labels) : undefined;
    const rightParsed = right?.tokens.length ? rule.parse(right.tokens, ctx) : undefined;
    // Read only when asked: most captions have their value beside them.
    let belowsRead: ReturnType<typeof valuesBelow> | undefined;
    const belows = () => (belowsRead ??= valuesBelow(line, matches, k, page, ctx.labels));
    // A caption stacked over its fill box (no colon: "Provider:" is tab-aligned with its value): a line far
    // to its right on the same row is another column (a progress table's first row beside "DATE OF
    // BIRTH"), not its value.
    const stacked =
      !m.colon && right?.far && belows()[0]?.aligned ? rule.parse(belows()[0]!.tokens, ctx) : undefined;
    if (rightParsed && !stacked) {
      out.push(candidate(rule, rightParsed, CERTAINTY.nextCell * weight, "next-cell", m.label));
      return;
    }
    for (const below of belows()) {
      const parsed = rule.parse(below.tokens, ctx);
      if (parsed) {
        out.push(candidate(rule, parsed, CERTAINTY.nextLine * weight, "next-line", m.label));
        return;
      }
    }
    if (m.colon || sameLine.length > 0) return;
    const above = valueAbove(line, m, page, ctx.labels);
    const aboveParsed = above.length ? rule.parse(above, ctx) : undefined;
    if (aboveParsed)
      out.push(candidate(rule, aboveParsed, CERTAINTY.captionBelow * weight, "caption-below", m.label));
  });
  return out;
}

/**
 * "Printed name of patient or personal representative and his or her relationship to patient": the caption
 * goes on in lower case; its value is elsewhere (above it, on a signature page).
 */
function continuesCaption(tokens: readonly Token[]): boolean {
  return tokens.length >= 2 && /^(?:or|and|of|as|if)$/.test(tokens[0]?.text ?? "");
}

/** "(medical record or IIS record number)": a caption's explanation, not a value. */
function isParenthetical(tokens: readonly Token[]): boolean {
  return /^\(/.test(tokens[0]?.text ?? "") && /\)$/.test(tokens.at(-1)?.text ?? "");
}

/**
 * A caption printed under its fill line ("Last Name" under "Mary", "Date of Birth" under "1/6/58"), with
 * nothing after it and no colon: its value is the line just above, starting within the caption's column
 * and not itself a caption. Only the nearest line, at most two and a half caption heights above (fill lines
 * leave room for handwriting).
 */
function valueAbove(
  line: OcrLine,
  m: LabelMatch,
  page: PageModel,
  labels: readonly CompiledLabel[],
): Token[] {
  const { box: label, h } = labelBox(line, m);
  let nearest: { line: OcrLine; tokens: Token[]; gap: number } | undefined;
  for (const other of page.lines) {
    if (other === line) continue;
    const gap = label.top - bottom(other.box);
    if (gap < -h * 0.3 || gap > h * 2.5) continue;
    const inColumn = other.tokens.filter(
      (t) => centerX(t.box) >= label.left - h && centerX(t.box) < right(label) + h * 4,
    );
    if (!inColumn.length || Math.abs(inColumn[0]!.box.left - label.left) > h * 2) continue;
    if (!nearest || gap < nearest.gap) nearest = { line: other, tokens: inColumn, gap };
  }
  return nearest ? beforeNextLabel(nearest.line, nearest.tokens, labels) : [];
}

/** The label's own words' box, not the whole line's: on a skewed scan a long line's box spans two rows. */
function labelBox(line: OcrLine, m: LabelMatch): { box: BoundingBox; h: number } {
  const box = unionBoxes(line.tokens.slice(m.start, m.end).map((t) => t.box));
  return { box, h: box.height || line.box.height };
}

/**
 * `tokens` (a run of `line`'s) up to the next label on that line; none when a label starts the run: then
 * the run is another field.
 */
function beforeNextLabel(line: OcrLine, tokens: readonly Token[], labels: readonly CompiledLabel[]): Token[] {
  const first = line.tokens.indexOf(tokens[0] as Token);
  const labelStarts = findLabels(line, labels).map((lm) => lm.start);
  if (labelStarts.some((st) => st <= first)) return [];
  const stopAt = labelStarts.find((st) => st > first);
  return tokens.filter((t) => stopAt === undefined || line.tokens.indexOf(t) < stopAt);
}

/**
 * A caption whose same-line "value" did not parse may still have its value below: in a grid row the words
 * after it are the next captions, misread ("Medical Record No,  .  Dae olExem  Physician"), or scan specks.
 * Only when a column gap follows the label (a caption cell) or nothing but specks does, so prose such as
 * "Date of Birth confirmed with patient" never borrows a date from the line below.
 */
function isGridCaption(line: OcrLine, m: LabelMatch, sameLine: readonly Token[]): boolean {
  if (sameLine.every((t) => !/[A-Za-z0-9]/.test(t.text))) return true;
  if (m.colon) return false;
  const first = line.tokens.indexOf(sameLine[0] as Token);
  return first > 0 && gapBefore(line.tokens, first) > lineHeight(line) * 1.5;
}

/**
 * "Name (Last, First): Wyman Colin": the printed hint says the first word is the family name; a comma makes
 * that explicit for the name normalizer ("Wyman, Colin" → "Colin Wyman").
 */
function withNameOrderHint(tokens: Token[], m: LabelMatch): Token[] {
  if (m.label.target !== "patientName" || !m.hint || !/^\s*last\b.*\bfirst\b/i.test(m.hint)) return tokens;
  const first = tokens[0];
  if (!first || tokens.length < 2 || tokens.some((t) => t.text.includes(","))) return tokens;
  return [{ ...first, text: `${first.text},` }, ...tokens.slice(1)];
}

/**
 * A running header "Carson Ernser   MRN: MRN-626997": the unlabeled words starting a line that continues with
 * an MRN or DOB label are the patient's name. Only for the identity consistency check ("Carson Emser" in the
 * labeled header vs "Carson Ernser" here), never a field value itself (the splitter reads per-page fields).
 */
export function runningHeaderName(line: OcrLine, labels: readonly CompiledLabel[]): Candidate | undefined {
  const first = findLabels(line, labels)[0];
  if (!first || first.start < 2 || first.start > 4 || !isIdentityLabel(first)) return undefined;
  const found = nameOf(line.tokens.slice(0, first.start));
  return found && { ...found, checkOnly: true };
}

/**
 * A name after a one-word caption the rules do not know, on the line of a birth date or record number
 * ("Pt: DOE, JANE  DOB 3/14/62", "Resident: SMITH, JOHN  DOB: …") or right above one (a letter's "RE: Jane
 * Doe" over "DOB: 03/14/1962"): the identity it belongs to ties it to the patient. Found where no caption
 * the rules know is printed, and always for review, since the caption does not say whose it is. A caption
 * naming someone else ("Mother:", "Insured:") is not one.
 */
export function identityBlockName(
  line: OcrLine,
  page: PageModel,
  labels: readonly CompiledLabel[],
): Candidate | undefined {
  const caption = line.tokens[0];
  if (!caption || !/^[A-Za-z][A-Za-z.'’]*:$/.test(caption.text) || FOREIGN_QUALIFIERS.has(caption.key))
    return undefined;
  const first = findLabels(line, labels)[0];
  if (first?.start === 0) return undefined; // a caption the rules know: read as a label
  const end = first?.start ?? line.tokens.length;
  if (end < 3 || end > 5) return undefined;
  if (!(first ? isIdentityLabel(first) : startsIdentityLineBelow(line, page, labels))) return undefined;
  const found = nameOf(line.tokens.slice(1, end));
  return found && { ...found, whoseUnsaid: true };
}

const isIdentityLabel = (m: LabelMatch) => m.label.target === "mrn" || m.label.target === "dateOfBirth";

/** The next line down, in the same column, starts with a DOB or MRN label. */
function startsIdentityLineBelow(line: OcrLine, page: PageModel, labels: readonly CompiledLabel[]): boolean {
  const below = lineInColumn(line, page, "below", 1.5);
  const first = below && findLabels(below, labels)[0];
  return first?.start === 0 && isIdentityLabel(first);
}

/**
 * The nearest line starting in `line`'s column (within 1.5 line heights of its left edge) just above or below
 * it, at most `maxGap` line heights away (lines overlapping it by up to 0.3 of a height count: OCR boxes of
 * tight rows touch).
 */
function lineInColumn(
  line: OcrLine,
  page: PageModel,
  side: "above" | "below",
  maxGap: number,
): OcrLine | undefined {
  const h = lineHeight(line);
  let nearest: OcrLine | undefined;
  let nearestGap = Infinity;
  for (const other of page.lines) {
    const gap = side === "below" ? other.box.top - bottom(line.box) : line.box.top - bottom(other.box);
    if (other === line || gap < -h * 0.3 || gap > h * maxGap) continue;
    if (Math.abs(other.box.left - line.box.left) > h * 1.5) continue;
    if (gap < nearestGap) [nearest, nearestGap] = [other, gap];
  }
  return nearest;
}

/** Words shaped like a name ("DOE, JANE", "Carson Ernser"), none a subject's ("Follow Up Visit"), as one. */
function nameOf(words: readonly Token[]): Candidate | undefined {
  if (!words.every((t) => /^[A-Za-z][A-Za-z'’-]*,?$/.test(t.text) && !SUBJECT_WORDS.has(t.key)))
    return undefined;
  return uncaptionedName(words, CERTAINTY.runningHeaderName);
}

/** A patient name read from words no caption names (a running header, a card), at `certainty`. */
function uncaptionedName(words: readonly Token[], certainty: number): Candidate | undefined {
  const value = normalizePatientName(words.map((t) => t.text).join(" "));
  if (!value) return undefined;
  const ev = evidence(words);
  return {
    target: "patientName",
    value,
    certainty,
    ocr: ev.ocr,
    page: ev.page ?? 1,
    box: ev.box,
    source: "line",
  };
}

/**
 * An insurance card prints the member's name without a caption, on the line above "Member ID": that line, two
 * to four capitalized words in the caption's column, is a name to confirm (below the review threshold: the
 * member may be the subscriber rather than the patient).
 */
export function memberCardName(
  line: OcrLine,
  page: PageModel,
  labels: readonly CompiledLabel[],
): Candidate | undefined {
  const first = findLabels(line, labels)[0];
  if (first?.start !== 0 || !MEMBER_ID_LABELS.has(first.label.def.text)) return undefined;
  const above = lineInColumn(line, page, "above", 3);
  if (!above || above.tokens.length < 2 || above.tokens.length > 4) return undefined;
  if (!above.tokens.every((t) => /^\p{Lu}[\p{L}'’-]*,?$/u.test(t.text))) return undefined;
  return uncaptionedName(above.tokens, CERTAINTY.memberCardName);
}

/**
 * A label ending its line with nothing after it, and another line starting just to its right on the same
 * row: the value sits in the next cell (bordered header tables; Textract and tesseract both emit one LINE
 * per cell). Tokens run until the next label on that line.
 */
function valueRight(
  line: OcrLine,
  m: LabelMatch,
  page: PageModel,
  labels: readonly CompiledLabel[],
): { tokens: Token[]; far: boolean } | undefined {
  const { box: label, h } = labelBox(line, m);
  let best: OcrLine | undefined;
  for (const other of page.lines) {
    if (other === line || other.box.left < right(label) - h * 0.2) continue;
    if (other.box.left - right(label) > 0.3) continue;
    const overlap = Math.min(bottom(label), bottom(other.box)) - Math.max(label.top, other.box.top);
    if (overlap < Math.min(h, other.box.height) * 0.5) continue;
    if (!best || other.box.left < best.box.left) best = other;
  }
  if (!best) return undefined;
  return {
    tokens: beforeNextLabel(best, best.tokens, labels),
    far: best.box.left - right(label) > h * FAR_CELL_HEIGHTS,
  };
}

/** A next cell farther right than this many caption heights is a stacked caption's neighbouring column. */
const FAR_CELL_HEIGHTS = 4;

/**
 * Where the next caption on the label's row begins when OCR made it a line of its own ("Patient Name" and
 * "Date of Birth" as two lines): the label's column ends there, so "November 29, 1978" under the next
 * caption is not read as the name under this one. 1 when there is none.
 */
function nextCaptionOnRow(
  line: OcrLine,
  label: BoundingBox,
  h: number,
  page: PageModel,
  labels: readonly CompiledLabel[],
): number {
  let edge = 1;
  for (const other of page.lines) {
    if (other === line || other.box.left <= right(label) || other.box.left >= edge) continue;
    const overlap = Math.min(bottom(label), bottom(other.box)) - Math.max(label.top, other.box.top);
    if (overlap < Math.min(h, other.box.height) * 0.5) continue;
    if (findLabels(other, labels)[0]?.start === 0) edge = other.box.left;
  }
  return edge;
}

/**
 * A label with nothing after it: its value is on a line just below, within the label's column (from the
 * label's left edge to the next label on the same line, if any). The lines in reach come nearest first: a
 * table's column caption may have another column's wider cell between it and its own value (Textract's
 * "Date of Service" over "90651 9VHPV VACC…" over "09/10/22"), so the caller takes the first that parses.
 */
function valuesBelow(
  line: OcrLine,
  matches: readonly LabelMatch[],
  k: number,
  page: PageModel,
  labels: readonly CompiledLabel[],
): { tokens: Token[]; aligned: boolean }[] {
  const m = matches[k];
  if (!m) return [];
  const { box: label, h } = labelBox(line, m);
  const next = matches[k + 1] ? line.tokens[(matches[k + 1] as LabelMatch).start] : undefined;
  const regionLeft = label.left - Math.max(0.02, label.width * 0.25);
  const regionRight = next
    ? next.box.left
    : Math.min(right(label) + 0.35, nextCaptionOnRow(line, label, h, page, labels));

  // Positions are compared word by word, not by line box: on a skewed scan a long line's box starts well
  // above (or below) the words in this column.
  const found: { line: OcrLine; tokens: Token[]; top: number }[] = [];
  for (const other of page.lines) {
    if (other === line || bottom(other.box) < label.top) continue;
    if (other.box.top - bottom(label) > h * 3.5) continue;
    const inRegion = other.tokens.filter((t) => centerX(t.box) >= regionLeft && centerX(t.box) < regionRight);
    if (!inRegion.length) continue;
    const top = Math.min(...inRegion.map((t) => t.box.top));
    if (top < label.top + h * 0.5 || top - bottom(label) > h * 3) continue;
    found.push({ line: other, tokens: inRegion, top });
  }
  found.sort((a, b) => a.top - b.top);
  const out: { tokens: Token[]; aligned: boolean }[] = [];
  for (const below of found) {
    // Stop at a label on that line; if the region starts with one, that line is another field, and so is
    // everything under it.
    const firstIndex = below.line.tokens.indexOf(below.tokens[0] as Token);
    const labelStarts = findLabels(below.line, labels).map((lm) => lm.start);
    if (labelStarts.includes(firstIndex)) break;
    const stopAt = labelStarts.find((st) => st > firstIndex);
    const tokens = below.tokens.filter((t) => stopAt === undefined || below.line.tokens.indexOf(t) < stopAt);
    // Starting at the caption's left edge: the fill box of a caption printed over it.
    const aligned = Math.abs((tokens[0] as Token).box.left - label.left) < h * 1.5;
    out.push({ tokens, aligned });
  }
  return out;
}
