/** Cut a page range out of a DocModel, the model-level twin of split/sub-document.ts's subDocument. */
import type { DocModel, OcrLine, PageModel } from "./document-model";
import type { Token } from "./tokens";

/**
 * Pages first..last (1-based, inclusive) of `model` as a model of their own, renumbered from 1: equal to
 * `buildDocModel(subDocument(doc, [first, last]))` for the `doc` the model was built from (relationships
 * that cross the range's edge, which Textract does not produce, aside). Pages and lines are shared when no
 * renumbering is needed (a range starting at page 1); the input is never modified.
 */
export function subModel(model: DocModel, range: readonly [number, number]): DocModel {
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

/**
 * Pages first..last of `model` as a model that shares the original pages, lines and tokens (nothing copied),
 * keeping their page numbers. For extraction, which only compares page numbers with each other: run it on the
 * view and shift the pages it reports (`shiftResultPages`) to get what it gives on `subModel(model, range)`.
 */
export function pageRangeView(model: DocModel, range: readonly [number, number]): DocModel {
  const [first, last] = range;
  const pages = model.pages.filter((p) => p.number >= first && p.number <= last);
  const lines: OcrLine[] = [];
  for (const p of pages) for (const l of p.lines) lines.push(l);
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
