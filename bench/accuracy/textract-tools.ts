/**
 * Helpers over Textract-shaped documents for the accuracy benchmark: cut a page range out of a document,
 * build a long document from shorter ones, and the document splitter.
 */
import type { TextractBlock, TextractDocument } from "../../shared/ocr/textract-blocks";
import { splitDocument } from "../../test/support/extraction";

export type PageRange = [number, number];

/** Page count of a document: metadata, or the highest PAGE block. */
export function pageCountOf(doc: TextractDocument): number {
  const pages = doc.Blocks.filter((b) => b.BlockType === "PAGE").map((b) => b.Page ?? 1);
  return Math.max(1, doc.DocumentMetadata.Pages || 0, ...pages);
}

/** The blocks of pages `from..to` (1-based, inclusive), renumbered to start at page 1. */
export function slicePages(doc: TextractDocument, [from, to]: PageRange): TextractDocument {
  if (from === 1 && to >= pageCountOf(doc)) return doc;
  const blocks = doc.Blocks.filter((b) => {
    const p = b.Page ?? 1;
    return p >= from && p <= to;
  }).map((b) => ({ ...b, Page: (b.Page ?? 1) - from + 1 }));
  return { ...doc, DocumentMetadata: { Pages: to - from + 1 }, Blocks: blocks };
}

/** Concatenates documents page after page until `pages` pages, renumbering Page and every Id (and references). */
export function repeatToPages(sources: readonly TextractDocument[], pages: number): TextractDocument {
  const pageDocs: TextractBlock[][] = [];
  for (const src of sources) {
    const n = pageCountOf(src);
    for (let p = 1; p <= n; p++) pageDocs.push(src.Blocks.filter((b) => (b.Page ?? 1) === p));
  }
  if (pageDocs.length === 0) throw new Error("no source pages");
  const blocks: TextractBlock[] = [];
  for (let page = 1; page <= pages; page++) {
    const src = pageDocs[(page - 1) % pageDocs.length] ?? [];
    const id = (old: string) => `p${page}-${old}`;
    for (const b of src) {
      blocks.push({
        ...b,
        Id: id(b.Id),
        Page: page,
        ...(b.Relationships
          ? { Relationships: b.Relationships.map((r) => ({ ...r, Ids: r.Ids.map(id) })) }
          : {}),
      });
    }
  }
  return { DocumentMetadata: { Pages: pages }, Blocks: blocks };
}

export interface LoadedSplitter {
  split: (doc: TextractDocument) => { pages: [number, number] }[];
  source: string;
}

/** The document splitter the pipeline uses (one model per file, split into its logical documents). */
export function loadSplitter(): LoadedSplitter {
  return { split: splitDocument, source: "shared/extraction/split-document.ts" };
}

/** Predicted document boundaries for one file. */
export function predictRanges(
  doc: TextractDocument,
  splitter: LoadedSplitter | undefined,
): [number, number][] {
  const all: [number, number] = [1, pageCountOf(doc)];
  if (!splitter) return [all];
  try {
    const ranges = splitter.split(doc).map((d) => [d.pages[0], d.pages[1]] as [number, number]);
    return ranges.length ? ranges : [all];
  } catch {
    return [all];
  }
}
