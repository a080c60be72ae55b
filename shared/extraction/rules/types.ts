import type { BoundingBox } from "../../domain/fields";
import type { CompiledLabel, LabelDef, LabelTarget } from "../labels";
import type { DocModel } from "../model/document-model";
import type { Token } from "../model/tokens";

export type RuleTarget = Exclude<LabelTarget, null>;

export interface RuleContext {
  model: DocModel;
  /** "Now", for two-digit years and future-date checks. */
  referenceDate: Date;
  /** The labels values are read after: every label the rules know (ALL_LABELS), or fewer when measuring. */
  labels: readonly CompiledLabel[];
}

/** A normalized value and the tokens it was read from (for its box and OCR confidence). */
export interface ParsedValue {
  value: string;
  tokens: Token[];
  /**
   * The value was read through an OCR repair ("O3/l4/1962", "37406B46"), or holds a form's caption word
   * ("Grace Code"): less certain, so an identity value is reviewed.
   */
  repaired?: boolean;
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
  /**
   * Words OCR may have misread in a way no parse can tell from a real value: the value is reviewed (as a
   * repair). For words OCR read, not a query's answer (its confidence is the answer's, not the words').
   */
  doubtedWords?(tokens: readonly Token[]): boolean;
}

export type CandidateSource =
  | "line"
  | "next-cell"
  | "next-line"
  | "caption-below"
  | "key-value"
  | "table"
  | "query"
  | "letterhead"
  | "composite"
  | "signature";

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
  /** Read through an OCR repair; its certainty already includes `CERTAINTY.repairedFactor`. */
  repaired?: boolean;
  /** Only checked against the chosen value (identity consistency), never chosen itself. */
  checkOnly?: boolean;
  /** Read beside a caption that does not say whose value it is (LabelDef.whoseUnsaid: "Name:", "RE:"). */
  whoseUnsaid?: boolean;
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
  /**
   * Value on the line just above a caption printed under its fill line ("Mary" over "Last Name" on a
   * vaccination card). Below the default review threshold (0.8) whatever the OCR confidence: found, but a
   * person confirms it, since a blank box's caption can sit under the previous field's value.
   */
  captionBelow: 0.78,
  /** Multiplier when the label was read with one OCR error ("Patlent Name:"): 0.98 × 0.87 ≈ 0.85. */
  fuzzyFactor: 0.87,
  letterhead: 0.85,
  letterheadProminent: 0.9,
  /**
   * Multiplier for a value read through an OCR repair (digit look-alikes, slashes read as 1s, specks before
   * an MRN): 0.98 × 0.85 ≈ 0.83 before OCR confidence, so a repaired identity value is reviewed, not accepted.
   */
  repairedFactor: 0.85,
  /** The date a note was signed, as a fallback date of service. */
  signatureDate: 0.7,
  /** The typed name under a letter's closing or above its NPI / "Signed" line, as the provider. */
  signatureBlock: 0.8,
  /** The uncaptioned name above an insurance card's "Member ID" (memberCardName): found, always reviewed. */
  memberCardName: 0.7,
  /** An unlabeled name starting a running-header line ("Jane Doe   MRN: 00123"); check-only. */
  runningHeaderName: 0.75,
  /**
   * Ceiling on an identity field whose candidates disagree (same field, different values in the document),
   * or that was only read through an OCR repair: below the default review threshold (0.8), so a human
   * checks it instead of the chart being filed under a possibly wrong patient.
   */
  reviewCeiling: 0.75,
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
