import type { BoundingBox } from "../../domain/fields";
import type { LabelDef, LabelTarget } from "../labels";
import type { DocModel } from "../model/document-model";
import type { Token } from "../model/tokens";

export type RuleTarget = Exclude<LabelTarget, null>;

export interface RuleContext {
  model: DocModel;
  /** "Now", for two-digit years and future-date checks. */
  referenceDate: Date;
}

/** A normalized value and the tokens it was read from (for its box and OCR confidence). */
export interface ParsedValue {
  value: string;
  tokens: Token[];
}

/** One field family: its labels, how to read a value after them, and how QUERIES may ask for it. */
export interface FieldRule {
  target: RuleTarget;
  labels: readonly LabelDef[];
  parse(tokens: readonly Token[], ctx: RuleContext): ParsedValue | undefined;
  /** About the patient: ignore values under "Emergency Contact", "Guarantor", "Insured"… sections. */
  patientScoped?: boolean;
  /** A Textract QUERIES alias or question asking for this field. */
  query?: { alias?: RegExp; question?: RegExp };
}

export type CandidateSource =
  "line" | "next-cell" | "next-line" | "key-value" | "table" | "query" | "letterhead" | "composite";

export interface Candidate {
  target: RuleTarget;
  value: string;
  /** How sure the rule is, independent of OCR quality (0–1). */
  certainty: number;
  /** OCR confidence of the value words (0–1). */
  ocr: number;
  page: number;
  box: BoundingBox;
  source: CandidateSource;
}

/**
 * Rule certainties (multiplied by the label's weight and by OCR confidence to give a field's confidence).
 * Ordered so better evidence wins when rules disagree.
 */
export const CERTAINTY = {
  lineWithColon: 0.98,
  keyValue: 0.97,
  query: 0.95,
  table: 0.93,
  lineNoColon: 0.92,
  /** Value in its own line to the right on the same row (a table cell, or OCR splitting label and value). */
  nextCell: 0.93,
  nextLine: 0.9,
  /** Multiplier when the label was read with one OCR error ("Patlent Name:"): 0.98 × 0.87 ≈ 0.85. */
  fuzzyFactor: 0.87,
  letterhead: 0.85,
  letterheadProminent: 0.9,
} as const;

/** Take tokens from the start while `keep` holds. */
export function takeWhile(tokens: readonly Token[], keep: (t: Token, i: number) => boolean): Token[] {
  const out: Token[] = [];
  for (const [i, t] of tokens.entries()) {
    if (!keep(t, i)) break;
    out.push(t);
  }
  return out;
}
