/**
 * Field extraction for one logical document of a block model: ExtractionResult out. Pure: no I/O, no AWS
 * SDK; "now" (for two-digit years) can be injected for reproducible results.
 */
import type { BoundingBox, ExtractedField, ExtractedFields, ExtractionResult } from "../domain/fields";
import { classifyModel } from "./classify-document";
import { extractFields } from "./extract-fields";
import { findLabels, type CompiledLabel } from "./labels";
import type { DocModel, OcrLine } from "./model/document-model";
import { boxOnImage } from "./model/page-frame";
import { pageRange, type PageRange } from "./model/page-range";
import { extractAllergies } from "./rules/allergies";
import { extractDiagnoses } from "./rules/diagnoses";
import { ALL_LABELS } from "./rules";
import { extractMedications } from "./rules/medications";
import { findSections } from "./rules/sections";

export interface ExtractOptions {
  /** "Now" for two-digit years and "never in the future" checks. Default: the current date. */
  referenceDate?: Date;
  /**
   * Labels (their `LabelDef.text`) to extract without, as if the rules had never been given them: how the
   * accuracy benchmark measures a layout whose own wording the rules were not tuned on. Default: none.
   */
  withoutLabels?: ReadonlySet<string>;
}

/**
 * Fields, type and lists of one logical document: pages first..last of a file's model (`pages`), or the
 * whole model. A part is read through a page-range view (nothing copied) and its pages are renumbered in the
 * result, page 1 being the part's first page.
 */
export function extractPart(model: DocModel, pages?: PageRange, opts: ExtractOptions = {}): ExtractionResult {
  const result = extractModel(pageRange(model, pages), opts);
  return pages ? shiftResultPages(result, pages[0] - 1) : result;
}

function extractModel(model: DocModel, opts: ExtractOptions): ExtractionResult {
  const labels = opts.withoutLabels?.size
    ? ALL_LABELS.filter((l) => !opts.withoutLabels!.has(l.def.text))
    : ALL_LABELS;
  const ctx = { model, referenceDate: opts.referenceDate ?? new Date(), labels };
  const sections = findSections(model, (line) => isFieldLine(line, labels));
  const documentType = classifyModel(model);
  return {
    documentType,
    pageCount: model.pageCount,
    fields: fieldsOnScan(extractFields(ctx, { notAChart: documentType === "other" }), model),
    diagnoses: extractDiagnoses(model, sections),
    medications: extractMedications(model, sections),
    allergies: extractAllergies(model, sections),
  };
}

/** A result read from pages offset+1… of a file, with its pages numbered from 1 as the part's own. */
function shiftResultPages(result: ExtractionResult, offset: number): ExtractionResult {
  if (offset === 0) return result;
  const shift = <T extends { page?: number }>(item: T): T =>
    item.page === undefined ? item : { ...item, page: item.page - offset };
  const fields: ExtractionResult["fields"] = {};
  for (const [name, field] of Object.entries(result.fields) as [
    keyof ExtractionResult["fields"],
    ExtractedField,
  ][])
    fields[name] = shift(field);
  return {
    ...result,
    fields,
    diagnoses: result.diagnoses.map(shift),
    medications: result.medications.map(shift),
    allergies: result.allergies.map(shift),
  };
}

/**
 * The model (and so the rules) works in upright, straight page coordinates; a field's bbox is reported on the
 * stored scan, so a viewer highlights the right spot on a page that was scanned turned, skewed or slanted.
 */
function fieldsOnScan(fields: ExtractedFields, model: DocModel): ExtractedFields {
  if (!model.pages.some((p) => p.orientation || p.warp)) return fields;
  const pages = new Map(model.pages.map((p) => [p.number, p]));
  const out: ExtractedFields = {};
  for (const name of Object.keys(fields) as (keyof ExtractedFields)[]) {
    const field = fields[name];
    if (!field) continue;
    const page = pages.get(field.page);
    out[name] =
      page && (page.orientation || page.warp)
        ? { ...field, bbox: rounded(boxOnImage(page, field.bbox)) }
        : field;
  }
  return out;
}

/** Four decimals, as extract-fields reports boxes (1 − left − width would otherwise show float noise). */
function rounded(b: BoundingBox): BoundingBox {
  const r = (n: number) => Math.round(n * 10_000) / 10_000;
  return { left: r(b.left), top: r(b.top), width: r(b.width), height: r(b.height) };
}

/** A line starting with a known "Label:" is a field line, not list content. */
function isFieldLine(line: OcrLine, labels: readonly CompiledLabel[]): boolean {
  const first = findLabels(line, labels)[0];
  return first !== undefined && first.start === 0 && first.colon;
}
