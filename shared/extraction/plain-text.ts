import type { TextractDocument } from "../ocr/textract-blocks";
import { buildDocModel, type DocModel } from "./model/document-model";

/**
 * The OCR text for search indexing: LINE texts in Textract's reading order, "\n" between lines, "\f" between
 * pages. Pages are numbered 1…pageCount; a page without lines contributes an empty string, so the n-th
 * "\f"-separated chunk is always page n.
 */
export function plainText(doc: TextractDocument | DocModel, range?: readonly [number, number]): string {
  const model = "Blocks" in doc ? buildDocModel(doc) : doc;
  // With a range, pages first..last of the model (e.g. a page-range view of one part of a split file).
  const first = range?.[0] ?? 1;
  const last = range?.[1] ?? Math.max(model.pageCount, ...model.pages.map((p) => p.number), 0);
  const byNumber = new Map(model.pages.map((p) => [p.number, p]));
  const pages: string[] = [];
  for (let n = first; n <= last; n++)
    pages.push((byNumber.get(n)?.lines ?? []).map((l) => l.text).join("\n"));
  return pages.join("\f");
}
