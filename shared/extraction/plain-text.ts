import type { DocModel } from "./model/document-model";
import type { PageRange } from "./model/page-range";

/**
 * The OCR text for search indexing: LINE texts in Textract's reading order, "\n" between lines, "\f" between
 * pages. Pages are numbered 1…pageCount (or first…last of `range`, one part of a split file); a page without
 * lines contributes an empty string, so the n-th "\f"-separated chunk is always the n-th page.
 */
export function plainText(model: DocModel, range?: PageRange): string {
  const first = range?.[0] ?? 1;
  const last = range?.[1] ?? Math.max(model.pageCount, ...model.pages.map((p) => p.number), 0);
  const byNumber = new Map(model.pages.map((p) => [p.number, p]));
  const pages: string[] = [];
  for (let n = first; n <= last; n++)
    pages.push((byNumber.get(n)?.lines ?? []).map((l) => l.text).join("\n"));
  return pages.join("\f");
}
