/**
 * Whole-document helpers over the public extraction API, for tests and benchmarks: Textract blocks in,
 * results out, with the model built on the spot. Production code builds the model once and calls
 * `splitDocuments` / `extractPart` on it.
 */
import type { ExtractionResult } from "../../shared/domain/fields";
import type { DocumentType } from "../../shared/domain/document-types";
import {
  buildModel,
  DEFAULT_REVIEW_THRESHOLD,
  extractPart,
  needsReview,
  splitDocuments,
  type DocModel,
  type DocumentRange,
  type ExtractOptions,
  type OcrLine,
  type PageModel,
  type PageRange,
  type ReviewFlag,
  type SplitOptions,
} from "../../shared/extraction";
import { classifyModel } from "../../shared/extraction/classify-document";
import type { Token } from "../../shared/extraction/model/tokens";
import type { TextractDocument } from "../../shared/ocr/textract-blocks";

export { subDocument } from "./sub-document";

export function extractDocument(doc: TextractDocument, opts: ExtractOptions = {}): ExtractionResult {
  return extractPart(buildModel(doc), undefined, opts);
}

/** extractDocument plus the review decision at `opts.reviewThreshold` (default: the pipeline's). */
export function extractWithReview(
  doc: TextractDocument,
  opts: ExtractOptions & { reviewThreshold?: number } = {},
): { result: ExtractionResult; review: ReviewFlag | undefined } {
  const result = extractDocument(doc, opts);
  return { result, review: needsReview(result, opts.reviewThreshold ?? DEFAULT_REVIEW_THRESHOLD) };
}

export function splitDocument(doc: TextractDocument, opts: SplitOptions = {}): DocumentRange[] {
  return splitDocuments(buildModel(doc), opts);
}

export function classifyDocument(doc: TextractDocument): DocumentType {
  return classifyModel(buildModel(doc));
}

/**
 * Split, then extract each logical document on its own, as the pipeline does: one model for the file, each
 * part read in place, its pages numbered from 1 (page 1 = `pages[0]` of the file).
 */
export function extractDocuments(
  doc: TextractDocument,
  opts: ExtractOptions = {},
): (DocumentRange & { result: ExtractionResult })[] {
  const model = buildModel(doc);
  const ranges = splitDocuments(model, opts);
  if (ranges.length === 1 && ranges[0]?.pages[0] === 1 && ranges[0].pages[1] >= model.pageCount) {
    return [{ ...ranges[0], result: extractPart(model, undefined, opts) }];
  }
  return ranges.map((r) => ({ ...r, result: extractPart(model, r.pages, opts) }));
}

/**
 * Pages first..last (1-based, inclusive) of `model` as a model of their own, renumbered from 1: equal to
 * `buildModel(subDocument(doc, [first, last]))` for the `doc` the model was built from (relationships that
 * cross the range's edge, which Textract does not produce, aside). The reference a part read in place
 * (`extractPart(model, pages)`) is checked against. The input is never modified.
 */
export function subModel(model: DocModel, range: PageRange): DocModel {
  const [first, last] = range;
  const offset = first - 1;
  const pages: PageModel[] = [];
  const lines: OcrLine[] = [];
  for (const p of model.pages) {
    if (p.number < first || p.number > last) continue;
    const page =
      offset === 0 && p.lines[0]?.index === lines.length
        ? p
        : renumberPage(p, p.number - offset, lines.length);
    pages.push(page);
    for (const l of page.lines) lines.push(l);
  }
  return { pageCount: Math.max(Math.max(0, last - first + 1), pages.length), pages, lines };
}

function renumberPage(p: PageModel, number: number, firstIndex: number): PageModel {
  const tokens = (ts: readonly Token[]): Token[] => ts.map((t) => ({ ...t, page: number }));
  return {
    number,
    ...(p.orientation !== undefined ? { orientation: p.orientation } : {}),
    lines: p.lines.map((l, i) => ({ ...l, page: number, index: firstIndex + i, tokens: tokens(l.tokens) })),
    keyValues: p.keyValues.map((kv) => ({
      ...kv,
      page: number,
      keyTokens: tokens(kv.keyTokens),
      valueTokens: tokens(kv.valueTokens),
    })),
    tables: p.tables.map((t) => ({
      ...t,
      page: number,
      rows: t.rows.map((row) => row.map((c) => ({ ...c, tokens: tokens(c.tokens) }))),
    })),
    queries: p.queries.map((q) => ({ ...q, page: number })),
  };
}
