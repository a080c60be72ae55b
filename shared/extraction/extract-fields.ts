/**
 * Field extraction: every rule proposes candidates from every source (same-line label, label with the value
 * on the next line, FORMS key/value pairs, two-column table rows, QUERIES answers, letterhead); candidates
 * about someone other than the patient are dropped; first/last name parts are composed; the best candidate
 * per field wins.
 */
import type { BoundingBox, ExtractedField, ExtractedFields } from "../domain/fields";
import { FIELD_NAMES } from "../domain/fields";
import {
  findLabels,
  gapBefore,
  lineHeight,
  valueTokens,
  type CompiledLabel,
  type LabelMatch,
} from "./labels";
import { bottom, centerX, EMPTY_BOX, right, unionBoxes } from "./model/geometry";
import { evidence, type DocModel, type OcrLine, type PageModel } from "./model/document-model";
import { makeTokens, type Token } from "./model/tokens";
import { withinOneEdit } from "./normalize/edit-distance";
import { normalizePatientName } from "./normalize/names";
import { IDENTITY_FIELDS, type IdentityField } from "./review";
import { ALL_LABELS, FIELD_RULES, letterheadCandidates, RULES_BY_TARGET } from "./rules";
import { dateOfServiceRule, signatureDates } from "./rules/dates";
import { providerRule, signatureBlockProviders } from "./rules/provider";
import {
  CERTAINTY,
  type Candidate,
  type CandidateSource,
  type FieldRule,
  type ParsedValue,
  type RuleContext,
} from "./rules/types";

export function extractFields(ctx: RuleContext): ExtractedFields {
  return selectFields(collectCandidates(ctx));
}

/** All candidates, after dropping non-patient ones and composing names (exported for debugging/tests). */
export function collectCandidates(ctx: RuleContext): Candidate[] {
  const { model } = ctx;
  const firstPage = model.pages[0];
  const raw: Candidate[] = [];
  for (const page of model.pages) {
    for (const line of page.lines) {
      raw.push(...lineCandidates(line, page, firstPage, ctx));
      const headerName = runningHeaderName(line);
      if (headerName) raw.push(headerName);
    }
    raw.push(...keyValueCandidates(page, ctx));
    raw.push(...tableCandidates(page, ctx));
    raw.push(...queryCandidates(page, ctx));
  }
  if (firstPage) raw.push(...letterheadCandidates(firstPage.lines));
  // An inpatient stay is dated by its admission and discharge dates, not by when its summary was signed.
  const stay = raw.some((c) => c.target === "admissionDate" || c.target === "dischargeDate");
  for (const signed of stay ? [] : signatureDates(model.lines, ctx)) {
    raw.push(candidate(dateOfServiceRule, signed, CERTAINTY.signatureDate, "signature"));
  }
  for (const signer of signatureBlockProviders(model.lines, ctx)) {
    raw.push(candidate(providerRule, signer, CERTAINTY.signatureBlock, "signature"));
  }
  const scoped = raw.filter(
    (c) => !(RULES_BY_TARGET.get(c.target)?.patientScoped && inNonPatientContext(c, model)),
  );
  const composed = composeNames(scoped);
  return [...demoteReorderedQueryNames(scoped, composed), ...composed];
}

/**
 * A QUERIES answer for the patient name is free text in reading order ("Mary Major"); when captioned
 * first/last name fields on the same page hold the same words in another order, the captions say which word
 * is which, so the query's ordering is demoted below the composed name (never dropped: it still checks).
 */
function demoteReorderedQueryNames(candidates: Candidate[], composed: readonly Candidate[]): Candidate[] {
  const words = (v: string) => v.toLowerCase().replace(/[,.]/g, " ").split(/\s+/).filter(Boolean);
  const sameWords = (a: string[], b: string[]) =>
    a.length === b.length && [...a].sort().join(" ") === [...b].sort().join(" ");
  return candidates.map((c) => {
    if (c.target !== "patientName" || c.source !== "query") return c;
    const q = words(c.value);
    const reordered = composed.some((k) => {
      if (k.page !== c.page) return false;
      const kw = words(k.value);
      const full = kw.length >= 2 ? kw : [];
      const noMiddle = kw.length >= 3 ? [kw[0] as string, kw[kw.length - 1] as string] : full;
      return [full, noMiddle].some((w) => w.length >= 2 && sameWords(w, q) && w.join(" ") !== q.join(" "));
    });
    return reordered ? { ...c, certainty: c.certainty * 0.9 } : c;
  });
}

// ── same line / next line ────────────────────────────────────────────────────────────────────────────────

function lineCandidates(
  line: OcrLine,
  page: PageModel,
  firstPage: PageModel | undefined,
  ctx: RuleContext,
): Candidate[] {
  const matches = findLabels(line, ALL_LABELS);
  const out: Candidate[] = [];
  matches.forEach((m, k) => {
    const rule = m.label.target ? RULES_BY_TARGET.get(m.label.target) : undefined;
    if (!rule) return;
    if (m.label.def.headerOnly && (page !== firstPage || line.box.top > 0.4)) return;
    const weight = (m.label.def.weight ?? 1) * (m.fuzzy ? CERTAINTY.fuzzyFactor : 1);
    const sameLine = withNameOrderHint(valueTokens(line, matches, k), m);
    if (sameLine.length) {
      const parsed = rule.parse(sameLine, ctx);
      const certainty = (m.colon ? CERTAINTY.lineWithColon : CERTAINTY.lineNoColon) * weight;
      if (parsed) {
        out.push(candidate(rule, parsed, certainty, "line"));
        return;
      }
      if (!isGridCaption(line, m, sameLine)) return;
    }
    // Only the last label on a line can have its value in the next cell: others end at the next label.
    const right = k === matches.length - 1 ? valueRight(line, m, page) : [];
    const rightParsed = right.length ? rule.parse(right, ctx) : undefined;
    if (rightParsed) {
      out.push(candidate(rule, rightParsed, CERTAINTY.nextCell * weight, "next-cell"));
      return;
    }
    for (const below of valuesBelow(line, matches, k, page)) {
      const parsed = rule.parse(below, ctx);
      if (parsed) {
        out.push(candidate(rule, parsed, CERTAINTY.nextLine * weight, "next-line"));
        break;
      }
    }
  });
  return out;
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
function runningHeaderName(line: OcrLine): Candidate | undefined {
  const first = findLabels(line, ALL_LABELS)[0];
  if (!first || first.start < 2 || first.start > 4) return undefined;
  if (first.label.target !== "mrn" && first.label.target !== "dateOfBirth") return undefined;
  const words = line.tokens.slice(0, first.start);
  if (!words.every((t) => /^[A-Za-z][A-Za-z'’-]*,?$/.test(t.text))) return undefined;
  const value = normalizePatientName(words.map((t) => t.text).join(" "));
  if (!value) return undefined;
  const ev = evidence(words);
  return {
    target: "patientName",
    value,
    certainty: CERTAINTY.runningHeaderName,
    ocr: ev.ocr,
    page: ev.page ?? 1,
    box: ev.box,
    source: "line",
    checkOnly: true,
  };
}

/**
 * A label ending its line with nothing after it, and another line starting just to its right on the same
 * row: the value sits in the next cell (bordered header tables; Textract and tesseract both emit one LINE
 * per cell). Tokens run until the next label on that line.
 */
function valueRight(line: OcrLine, m: LabelMatch, page: PageModel): Token[] {
  // The label's own words, not the whole line: on a skewed scan a long line's box spans two rows.
  const label = unionBoxes(line.tokens.slice(m.start, m.end).map((t) => t.box));
  const h = label.height || line.box.height;
  let best: OcrLine | undefined;
  for (const other of page.lines) {
    if (other === line || other.box.left < right(label) - h * 0.2) continue;
    if (other.box.left - right(label) > 0.3) continue;
    const overlap = Math.min(bottom(label), bottom(other.box)) - Math.max(label.top, other.box.top);
    if (overlap < Math.min(h, other.box.height) * 0.5) continue;
    if (!best || other.box.left < best.box.left) best = other;
  }
  if (!best) return [];
  const labelStarts = findLabels(best, ALL_LABELS).map((lm) => lm.start);
  if (labelStarts.includes(0)) return [];
  const stopAt = labelStarts[0];
  return best.tokens.filter((_, i) => stopAt === undefined || i < stopAt);
}

/**
 * A label with nothing after it: its value is on a line just below, within the label's column (from the
 * label's left edge to the next label on the same line, if any). The lines in reach come nearest first: a
 * table's column caption may have another column's wider cell between it and its own value (Textract's
 * "Date of Service" over "90651 9VHPV VACC…" over "09/10/22"), so the caller takes the first that parses.
 */
function valuesBelow(line: OcrLine, matches: readonly LabelMatch[], k: number, page: PageModel): Token[][] {
  const m = matches[k];
  if (!m) return [];
  const labelBox = unionBoxes(line.tokens.slice(m.start, m.end).map((t) => t.box));
  const next = matches[k + 1] ? line.tokens[(matches[k + 1] as LabelMatch).start] : undefined;
  const regionLeft = labelBox.left - Math.max(0.02, labelBox.width * 0.25);
  const regionRight = next ? next.box.left : right(labelBox) + 0.35;
  const h = labelBox.height || line.box.height;

  // Positions are compared word by word, not by line box: on a skewed scan a long line's box starts well
  // above (or below) the words in this column.
  const found: { line: OcrLine; tokens: Token[]; top: number }[] = [];
  for (const other of page.lines) {
    if (other === line || bottom(other.box) < labelBox.top) continue;
    if (other.box.top - bottom(labelBox) > h * 3.5) continue;
    const inRegion = other.tokens.filter((t) => centerX(t.box) >= regionLeft && centerX(t.box) < regionRight);
    if (!inRegion.length) continue;
    const top = Math.min(...inRegion.map((t) => t.box.top));
    if (top < labelBox.top + h * 0.5 || top - bottom(labelBox) > h * 3) continue;
    found.push({ line: other, tokens: inRegion, top });
  }
  found.sort((a, b) => a.top - b.top);
  const out: Token[][] = [];
  for (const below of found) {
    // Stop at a label on that line; if the region starts with one, that line is another field, and so is
    // everything under it.
    const firstIndex = below.line.tokens.indexOf(below.tokens[0] as Token);
    const labelStarts = findLabels(below.line, ALL_LABELS).map((lm) => lm.start);
    if (labelStarts.includes(firstIndex)) break;
    const stopAt = labelStarts.find((st) => st > firstIndex);
    out.push(below.tokens.filter((t) => stopAt === undefined || below.line.tokens.indexOf(t) < stopAt));
  }
  return out;
}

// ── FORMS key/value pairs and two-column tables ─────────────────────────────────────────────────────────────

/** The label a whole key ("Date of Birth:", "2. PATIENT'S NAME (Last, First)") is, if any. */
export function labelForKey(
  keyTokens: readonly Token[],
): { label: CompiledLabel; fuzzy: boolean } | undefined {
  let keys = keyTokens.map((t) => t.key);
  // Drop form numbering ("2.", "3a") and a trailing explanation in parentheses.
  const paren = keyTokens.findIndex((t) => t.text.startsWith("("));
  if (paren > 0) keys = keys.slice(0, paren);
  while (keys.length && /^\d+[a-z]?$/.test(keys[0] ?? "")) keys = keys.slice(1);
  keys = keys.filter(Boolean);
  if (!keys.length) return undefined;
  // Forms repeat the same keys on every page: remember the answer per key text.
  const cacheKey = keys.join(" ");
  if (keyLabelCache.has(cacheKey)) return keyLabelCache.get(cacheKey);
  const found = findLabelForKeys(keys);
  if (keyLabelCache.size > 10_000) keyLabelCache.clear();
  keyLabelCache.set(cacheKey, found);
  return found;
}

const keyLabelCache = new Map<string, { label: CompiledLabel; fuzzy: boolean } | undefined>();

function findLabelForKeys(keys: readonly string[]): { label: CompiledLabel; fuzzy: boolean } | undefined {
  const tryKeys = (ks: readonly string[]) => {
    const exact = ALL_LABELS.find((l) => l.keys.length === ks.length && l.keys.every((k, i) => k === ks[i]));
    if (exact) return { label: exact, fuzzy: false };
    const fuzzy = ALL_LABELS.find(
      (l) =>
        l.keys.length === ks.length &&
        l.keys.join(" ").length >= 5 &&
        withinOneEdit(l.keys.join(" "), ks.join(" ")),
    );
    return fuzzy ? { label: fuzzy, fuzzy: true } : undefined;
  };
  return (
    tryKeys(keys) ??
    (/^(patient|patients|pt)$/.test(keys[0] ?? "") && keys.length > 1 ? tryKeys(keys.slice(1)) : undefined)
  );
}

function keyValueCandidates(page: PageModel, ctx: RuleContext): Candidate[] {
  const out: Candidate[] = [];
  for (const kv of page.keyValues) {
    if (!kv.valueTokens.length) continue;
    const found = labelForKey(kv.keyTokens);
    const rule = found?.label.target ? RULES_BY_TARGET.get(found.label.target) : undefined;
    if (!found || !rule) continue;
    const parsed = rule.parse(kv.valueTokens, ctx);
    const certainty =
      CERTAINTY.keyValue * (found.label.def.weight ?? 1) * (found.fuzzy ? CERTAINTY.fuzzyFactor : 1);
    if (parsed) out.push(candidate(rule, parsed, certainty, "key-value"));
  }
  return out;
}

function tableCandidates(page: PageModel, ctx: RuleContext): Candidate[] {
  const out: Candidate[] = [];
  for (const table of page.tables) {
    for (const row of table.rows) {
      row.forEach((cell, i) => {
        const valueCell = row[i + 1];
        if (!valueCell?.tokens.length) return;
        const found = labelForKey(cell.tokens);
        const rule = found?.label.target ? RULES_BY_TARGET.get(found.label.target) : undefined;
        if (!found || !rule) return;
        const parsed = rule.parse(valueCell.tokens, ctx);
        const certainty =
          CERTAINTY.table * (found.label.def.weight ?? 1) * (found.fuzzy ? CERTAINTY.fuzzyFactor : 1);
        if (parsed) out.push(candidate(rule, parsed, certainty, "table"));
      });
    }
  }
  return out;
}

// ── QUERIES ──────────────────────────────────────────────────────────────────────────────────────────────

function ruleForQuery(alias: string | undefined, question: string): FieldRule | undefined {
  if (alias) {
    const byAlias = FIELD_RULES.find((r) => r.query?.alias?.test(alias));
    if (byAlias) return byAlias;
  }
  return FIELD_RULES.find((r) => r.query?.question?.test(question));
}

function queryCandidates(page: PageModel, ctx: RuleContext): Candidate[] {
  const out: Candidate[] = [];
  for (const q of page.queries) {
    const rule = ruleForQuery(q.alias, q.question);
    if (!rule) continue;
    // QUERY_RESULT blocks carry no WORD children; find the answer's words on the page for its box.
    const words = findWords(page, q.answer);
    const box = q.box ?? (words ? unionBoxes(words.map((w) => w.box)) : EMPTY_BOX);
    const tokens =
      words ?? q.answer.split(/\s+/).flatMap((w) => makeTokens(w, q.confidence, box, page.number));
    const parsed = rule.parse(tokens, ctx);
    if (!parsed) continue;
    out.push({
      target: rule.target,
      value: parsed.value,
      certainty: CERTAINTY.query * (parsed.repaired ? CERTAINTY.repairedFactor : 1),
      ocr: q.confidence / 100,
      page: page.number,
      box: words ? unionBoxes(parsed.tokens.map((t) => t.box)) : box,
      source: "query",
      ...(parsed.repaired ? { repaired: true } : {}),
    });
  }
  return out;
}

function findWords(page: PageModel, text: string): Token[] | undefined {
  const want = text.replace(/\s+/g, " ").trim().toLowerCase();
  if (!want) return undefined;
  for (const line of page.lines) {
    const tokens = line.tokens;
    for (let i = 0; i < tokens.length; i++) {
      let acc = "";
      for (let j = i; j < tokens.length; j++) {
        acc = acc ? `${acc} ${(tokens[j] as Token).text}` : (tokens[j] as Token).text;
        const norm = acc.toLowerCase();
        if (norm === want) return tokens.slice(i, j + 1);
        if (!want.startsWith(norm)) break;
      }
    }
  }
  return undefined;
}

// ── context, composition, selection ───────────────────────────────────────────────────────────────────────

const NON_PATIENT_SECTION =
  /^(?:emergency\b|in case of emergency|next of kin|guarantor|responsible party|insured|subscriber|policy ?holder|spouse|guardian|parent|mother|father|employer|person to notify|contact person|referring|primary care|applicant|employee\b|employment\b)/i;
const PATIENT_SECTION = /^patient\b/i;

/** Is the candidate under an "Emergency Contact"/"Guarantor"/… heading (nearest section marker above it)? */
function inNonPatientContext(c: Candidate, model: DocModel): boolean {
  const page = model.pages.find((p) => p.number === c.page);
  if (!page) return false;
  let nearest: OcrLine | undefined;
  for (const line of page.lines) {
    if (line.box.top >= c.box.top - line.box.height * 0.3) continue;
    if (c.box.left < line.box.left - 0.1) continue;
    const text = line.text.trim();
    if (!NON_PATIENT_SECTION.test(text) && !PATIENT_SECTION.test(text)) continue;
    if (!nearest || line.box.top > nearest.box.top) nearest = line;
  }
  return nearest ? NON_PATIENT_SECTION.test(nearest.text.trim()) : false;
}

/** "First Name: Jane" + "Last Name: Doe" (+ middle) on the same page and rows → patientName "Jane Doe". */
function composeNames(candidates: readonly Candidate[]): Candidate[] {
  const given = candidates.filter((c) => c.target === "givenName");
  const family = candidates.filter((c) => c.target === "familyName");
  const middle = candidates.filter((c) => c.target === "middleName");
  const near = (a: Candidate, pool: readonly Candidate[]) =>
    pool
      .filter((b) => b.page === a.page && Math.abs(b.box.top - a.box.top) < 0.06)
      .sort((x, y) => distance(a.box, x.box) - distance(a.box, y.box))[0];
  const out: Candidate[] = [];
  for (const g of given) {
    const f = near(g, family);
    if (!f) continue;
    const m = near(g, middle);
    const parts = m ? [g, m, f] : [g, f];
    const value = normalizePatientName(parts.map((p) => p.value).join(" "));
    if (!value) continue;
    out.push({
      target: "patientName",
      value,
      certainty: Math.min(...parts.map((p) => p.certainty)),
      ocr: Math.min(...parts.map((p) => p.ocr)),
      page: g.page,
      box: unionBoxes(parts.map((p) => p.box)),
      source: "composite",
    });
  }
  return out;
}

function distance(a: BoundingBox, b: BoundingBox): number {
  return Math.abs(a.top - b.top) * 10 + Math.abs(a.left - b.left);
}

/**
 * Best candidate per field: highest certainty × OCR confidence; among candidates within 0.02 of the best,
 * the first on the page (identity fields repeat in page headers; the first is the document's own).
 */
export function selectFields(candidates: readonly Candidate[]): ExtractedFields {
  const fields: ExtractedFields = {};
  for (const name of FIELD_NAMES) {
    const pool = candidates.filter((c) => c.target === name);
    const selectable = pool.filter((c) => !c.checkOnly);
    if (!selectable.length) continue;
    const score = (c: Candidate) => c.certainty * c.ocr;
    const best = Math.max(...selectable.map(score));
    const chosen = selectable
      .filter((c) => score(c) >= best - 0.02)
      .sort((a, b) => a.page - b.page || a.box.top - b.box.top || a.box.left - b.box.left)[0];
    if (!chosen) continue;
    const confidence = isIdentity(name) ? identityConfidence(name, chosen, pool, score) : score(chosen);
    fields[name] = toField(chosen, confidence);
  }
  return fields;
}

function isIdentity(name: string): name is IdentityField {
  return (IDENTITY_FIELDS as readonly string[]).includes(name);
}

/**
 * Identity values are checked against the document's other readings of the same field (page header and
 * running header, label line and form field):
 *  - a different value anywhere (an OCR confusion: "Ernser"/"Emser", one digit of an MRN) caps the
 *    confidence below the review threshold — which reading is right is for a human to say;
 *  - a value only read through an OCR repair is capped the same way;
 *  - identical readings elsewhere keep the best reading's confidence (no bonus: a repeat of the same
 *    printed header is not independent evidence).
 */
function identityConfidence(
  name: IdentityField,
  chosen: Candidate,
  pool: readonly Candidate[],
  score: (c: Candidate) => number,
): number {
  const base = score(chosen);
  const same = pool.filter((c) => sameIdentityValue(name, c.value, chosen.value));
  if (same.length < pool.length) return Math.min(base, CERTAINTY.reviewCeiling);
  if (same.every((c) => c.repaired)) return Math.min(base, CERTAINTY.reviewCeiling);
  return base;
}

/** Same identity value, ignoring case and punctuation; a name with or without a middle name/initial agrees. */
export function sameIdentityValue(name: IdentityField, a: string, b: string): boolean {
  if (name !== "patientName") return identityKey(a) === identityKey(b);
  const words = (v: string) =>
    v
      .toLowerCase()
      .split(/[\s,]+/)
      .map((w) => w.replace(/[^a-z]/g, ""))
      .filter((w) => w.length > 1);
  const [x, y] = [words(a), words(b)];
  const [small, big] = x.length <= y.length ? [x, y] : [y, x];
  return small.length > 0 && small.every((w) => big.includes(w));
}

function identityKey(v: string): string {
  return v.toLowerCase().replace(/[^a-z0-9]/g, "");
}

function toField(c: Candidate, confidence: number): ExtractedField {
  const r = (n: number) => Math.round(n * 10_000) / 10_000;
  return {
    value: c.value,
    confidence: Math.round(Math.min(1, Math.max(0, confidence)) * 1000) / 1000,
    page: c.page,
    bbox: { left: r(c.box.left), top: r(c.box.top), width: r(c.box.width), height: r(c.box.height) },
  };
}

function candidate(
  rule: FieldRule,
  parsed: ParsedValue,
  certainty: number,
  source: CandidateSource,
): Candidate {
  const ev = evidence(parsed.tokens);
  return {
    target: rule.target,
    value: parsed.value,
    certainty: certainty * (parsed.repaired ? CERTAINTY.repairedFactor : 1),
    ocr: ev.ocr,
    page: ev.page ?? 1,
    box: ev.box,
    source,
    ...(parsed.repaired ? { repaired: true } : {}),
  };
}
