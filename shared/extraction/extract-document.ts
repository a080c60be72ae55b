/**
 * Field extraction for one document: Textract-shaped OCR blocks in, ExtractionResult out. Pure: no I/O, no
 * AWS SDK; "now" (for two-digit years) can be injected for reproducible results.
 */
import type { BoundingBox, ExtractedFields, ExtractionResult } from "../domain/fields";
import type { TextractDocument } from "../ocr/textract-blocks";
import { classifyModel } from "./classify-document";
import { extractFields } from "./extract-fields";
import { findLabels } from "./labels";
import { buildDocModel, type DocModel, type OcrLine } from "./model/document-model";
import { toImageBox } from "./model/geometry";
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
    fields: fieldsOnScan(extractFields(ctx), model),
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

/**
 * The model (and so the rules) works in upright page coordinates; a field's bbox is reported on the stored
 * scan, so a viewer highlights the right spot on a page that was scanned turned.
 */
function fieldsOnScan(fields: ExtractedFields, model: DocModel): ExtractedFields {
  if (!model.pages.some((p) => p.orientation)) return fields;
  const orientations = new Map(model.pages.map((p) => [p.number, p.orientation ?? 0]));
  const out: ExtractedFields = {};
  for (const name of Object.keys(fields) as (keyof ExtractedFields)[]) {
    const field = fields[name];
    if (!field) continue;
    const orientation = orientations.get(field.page);
    out[name] = orientation ? { ...field, bbox: rounded(toImageBox(field.bbox, orientation)) } : field;
  }
  return out;
}

/** Four decimals, as extract-fields reports boxes (1 − left − width would otherwise show float noise). */
function rounded(b: BoundingBox): BoundingBox {
  const r = (n: number) => Math.round(n * 10_000) / 10_000;
  return { left: r(b.left), top: r(b.top), width: r(b.width), height: r(b.height) };
}

/** A line starting with a known "Label:" is a field line, not list content. */
function isFieldLine(line: OcrLine): boolean {
  const first = findLabels(line, ALL_LABELS)[0];
  return first !== undefined && first.start === 0 && first.colon;
}
