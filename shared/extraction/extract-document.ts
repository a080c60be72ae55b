/**
 * Field extraction for one document: Textract-shaped OCR blocks in, ExtractionResult out. Pure: no I/O, no
 * AWS SDK; "now" (for two-digit years) can be injected for reproducible results.
 */
import type { ExtractionResult } from "../domain/fields";
import type { TextractDocument } from "../ocr/textract-blocks";
import { classifyModel } from "./classify-document";
import { extractFields } from "./extract-fields";
import { findLabels } from "./labels";
import { buildDocModel, type DocModel, type OcrLine } from "./model/document-model";
import { needsReview, DEFAULT_REVIEW_THRESHOLD, type ReviewFlag } from "./review";
import { extractAllergies } from "./rules/allergies";
import { extractDiagnoses } from "./rules/diagnoses";
import { ALL_LABELS } from "./rules";
import { extractMedications } from "./rules/medications";
import { findSections } from "./rules/sections";

export interface ExtractOptions {
  /**
   * Identity-confidence threshold for review (default 0.8). The ExtractionResult itself has no review slot,
   * so extractDocument does not use it; extractWithReview (and needsReview) do.
   */
  reviewThreshold?: number;
  /** "Now" for two-digit years and "never in the future" checks. Default: the current date. */
  referenceDate?: Date;
}

export function extractDocument(doc: TextractDocument, opts: ExtractOptions = {}): ExtractionResult {
  return extractModel(buildDocModel(doc), opts);
}

/**
 * extractDocument on an already built DocModel, so a caller that also splits (or indexes the text of) a
 * document reads its blocks once. For a page range of a larger model use `subModel(model, pages)` (same
 * result as extracting `subDocument(doc, pages)`).
 */
export function extractModel(model: DocModel, opts: ExtractOptions = {}): ExtractionResult {
  const ctx = { model, referenceDate: opts.referenceDate ?? new Date() };
  const sections = findSections(model, isFieldLine);
  return {
    documentType: classifyModel(model),
    pageCount: model.pageCount,
    fields: extractFields(ctx),
    diagnoses: extractDiagnoses(model, sections),
    medications: extractMedications(model, sections),
    allergies: extractAllergies(model, sections),
  };
}

/** extractDocument plus the review decision at `opts.reviewThreshold`. */
export function extractWithReview(
  doc: TextractDocument,
  opts: ExtractOptions = {},
): { result: ExtractionResult; review: ReviewFlag | undefined } {
  const result = extractDocument(doc, opts);
  return { result, review: needsReview(result, opts.reviewThreshold ?? DEFAULT_REVIEW_THRESHOLD) };
}

/** A line starting with a known "Label:" is a field line, not list content. */
function isFieldLine(line: OcrLine): boolean {
  const first = findLabels(line, ALL_LABELS)[0];
  return first !== undefined && first.start === 0 && first.colon;
}
