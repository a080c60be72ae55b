/** A page range of a DocModel: how one logical document of a split file is read. */
import type { DocModel, OcrLine } from "./document-model";

/** First and last page, 1-based, inclusive. */
export type PageRange = readonly [number, number];

/**
 * Pages first..last of `model` as a model that shares the original pages, lines and tokens (nothing copied),
 * keeping their page numbers; the whole model when no range is given. Extraction only compares page numbers
 * with each other, so it runs on the view as is and `extractPart` renumbers the pages it reports.
 */
export function pageRange(model: DocModel, range?: PageRange): DocModel {
  if (!range) return model;
  const [first, last] = range;
  const pages = model.pages.filter((p) => p.number >= first && p.number <= last);
  const lines: OcrLine[] = [];
  for (const p of pages) for (const l of p.lines) lines.push(l);
  return { pageCount: Math.max(Math.max(0, last - first + 1), pages.length), pages, lines };
}
