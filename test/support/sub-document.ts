/** Cut a page range out of a Textract document, renumbering its pages from 1. */
import type { TextractBlock, TextractDocument } from "../../shared/ocr/textract-blocks";

/**
 * The page each block belongs to, the way buildModel assigns it: the block's `Page`
 * field, else the page of the last PAGE block before it (synchronous APIs omit `Page`).
 */
export function blockPages(blocks: readonly TextractBlock[]): number[] {
  const out: number[] = [];
  let current = 0;
  for (const b of blocks) {
    if (b?.BlockType === "PAGE") current = b.Page ?? current + 1;
    out.push(b?.Page ?? Math.max(current, 1));
  }
  return out;
}

/**
 * The blocks of pages first..last (1-based, inclusive) as a document of their own: `Page` fields and
 * DocumentMetadata.Pages renumbered from 1, relationships kept (ids pointing outside the range dropped),
 * per-page warnings kept for the pages in range. The input is not modified.
 */
export function subDocument(doc: TextractDocument, range: readonly [number, number]): TextractDocument {
  const [first, last] = range;
  const blocks = doc.Blocks ?? [];
  const pages = blockPages(blocks);
  const kept: { block: TextractBlock; page: number }[] = [];
  const ids = new Set<string>();
  blocks.forEach((b, i) => {
    const page = pages[i] as number;
    if (!b || page < first || page > last) return;
    kept.push({ block: b, page });
    ids.add(b.Id);
  });
  const renumbered = kept.map(({ block: b, page }): TextractBlock => {
    const block: TextractBlock = { ...b, Page: page - first + 1 };
    if (b.Relationships) {
      block.Relationships = b.Relationships.map((r) => ({
        ...r,
        Ids: (r.Ids ?? []).filter((id) => ids.has(id)),
      }));
    }
    return block;
  });

  const out: TextractDocument = {
    ...doc,
    DocumentMetadata: { ...doc.DocumentMetadata, Pages: Math.max(0, last - first + 1) },
    Blocks: renumbered,
  };
  if (doc.Warnings) {
    out.Warnings = doc.Warnings.flatMap((w) => {
      if (!w.Pages) return [w];
      const inRange = w.Pages.filter((p) => p >= first && p <= last).map((p) => p - first + 1);
      return inRange.length ? [{ ...w, Pages: inRange }] : [];
    });
  }
  return out;
}
