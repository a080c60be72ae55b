/**
 * Field selection: the best candidate per field, and for identity fields a confidence that reflects whether
 * the document's other readings of the same field agree.
 */
import type { ExtractedField, ExtractedFields } from "../domain/fields";
import { FIELD_NAMES } from "../domain/fields";
import { IDENTITY_FIELDS, type IdentityField } from "./review";
import { withinOneOcrSlip } from "./normalize/edit-distance";
import { CERTAINTY, type Candidate } from "./rules/types";

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
    const value = name === "patientName" ? mostReadSpelling(chosen.value, pool) : chosen.value;
    fields[name] = toField({ ...chosen, value }, confidence);
  }
  return fields;
}

/**
 * A name word the document's other readings spell otherwise, one OCR slip away, more often than the chosen
 * reading does ("Wyrnan" on the labeled line, "Wyman" in two running headers): the most-read spelling, in the
 * chosen word's case. The readings still disagree, so the name stays below the review threshold; the
 * reviewer starts from the likelier spelling.
 */
function mostReadSpelling(value: string, pool: readonly Candidate[]): string {
  const readings: string[][] = pool.map((c) => c.value.toUpperCase().match(/\p{L}[\p{L}'’-]*/gu) ?? []);
  return value.replace(/\p{L}[\p{L}'’-]*/gu, (word) => {
    const upper = word.toUpperCase();
    if (upper.length < 4) return word;
    const votes = new Map<string, number>();
    for (const words of readings) {
      const spelling = words.includes(upper)
        ? upper
        : words.find((w) => w.length >= 4 && withinOneOcrSlip(w, upper));
      if (spelling) votes.set(spelling, (votes.get(spelling) ?? 0) + 1);
    }
    let best = upper;
    for (const [spelling, n] of votes) if (n > (votes.get(best) ?? 0)) best = spelling;
    return best === upper ? word : inCaseOf(word, best);
  });
}

/** `spelling` (upper case) written in the case pattern of `word`: "WYMAN", "Wyman" or "wyman". */
function inCaseOf(word: string, spelling: string): string {
  if (word === word.toUpperCase()) return spelling;
  if (word === word.toLowerCase()) return spelling.toLowerCase();
  return spelling[0] + spelling.slice(1).toLowerCase();
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
