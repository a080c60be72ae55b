/**
 * The original block-model builder: every page through `amazon-textract-response-parser`. The reference the
 * fast builder (`buildModel`) is tested and benchmarked against; production code never calls it.
 */
import { TextractDocument as TrpDocument } from "amazon-textract-response-parser";
import type { ApiBlock, ApiResponsePage, Page as TrpPage } from "amazon-textract-response-parser";
import type { DocModel, OcrLine, PageModel } from "../../shared/extraction/model/document-model";
import {
  addToGroup,
  newPageGroup,
  orientationOf,
  type PageGroup,
} from "../../shared/extraction/model/page-reader";
import { pageFrameOf, type PageFrame } from "../../shared/extraction/model/page-frame";
import {
  fixBlock,
  readStructures,
  syntheticPage,
  syntheticTokens,
  toBox,
  wordTokens,
} from "../../shared/extraction/model/page-structures";
import type { TextractBlock, TextractDocument } from "../../shared/ocr/textract-blocks";

/** Blocks grouped by page (as DocModelBuilder groups them): pages in number order, blocks in input order. */
export function groupBlocks(input: readonly TextractBlock[]): { groups: PageGroup[] } {
  const byPage = new Map<number, PageGroup>();
  let currentPage = 0;
  for (const raw of input) {
    if (!raw || typeof raw.Id !== "string") continue;
    if (raw.BlockType === "PAGE") currentPage = raw.Page ?? currentPage + 1;
    const key = raw.Page ?? Math.max(currentPage, 1);
    let group = byPage.get(key);
    if (!group) byPage.set(key, (group = newPageGroup(key)));
    addToGroup(group, raw);
  }
  return { groups: [...byPage.values()].sort((a, b) => a.key - b.key) };
}

export function buildDocModelWithParser(doc: TextractDocument): DocModel {
  const declaredPages = doc.DocumentMetadata?.Pages ?? 0;
  const blocks = sanitizeBlocks(doc.Blocks ?? []);
  if (!blocks.length) return { pageCount: declaredPages, pages: [], lines: [] };

  // One response object holding every page: the library groups blocks into pages by walking them in order
  // and starting a new page at each PAGE block, which sanitizeBlocks guarantees.
  const response = {
    DocumentMetadata: { Pages: Math.max(declaredPages, 1) },
    Blocks: blocks as unknown as ApiBlock[],
    DetectDocumentTextModelVersion:
      doc.DetectDocumentTextModelVersion ?? doc.AnalyzeDocumentModelVersion ?? "1.0",
  } as ApiResponsePage;
  const trp = new TrpDocument(response);
  // Orientation comes from the input's polygons (sanitizeBlocks makes up upright ones for blocks without),
  // by the page number sanitizeBlocks gives each PAGE block.
  const frames = new Map(
    groupBlocks(doc.Blocks ?? []).groups.map((g) => [
      g.key,
      pageFrameOf(g.page?.Geometry?.Polygon, orientationOf(g.votes)),
    ]),
  );

  const pages: PageModel[] = [];
  const lines: OcrLine[] = [];
  trp.listPages().forEach((trpPage, i) => {
    const pageNumber = pageNumberOf(trpPage, i + 1);
    const key = (trpPage.dict as { Page?: number }).Page;
    const frame: PageFrame = (key !== undefined && frames.get(key)) || { orientation: 0 };
    const page = readPage(trpPage, pageNumber, lines.length, frame);
    pages.push(page);
    lines.push(...page.lines);
  });
  return { pageCount: Math.max(declaredPages, pages.length), pages, lines };
}

function pageNumberOf(trpPage: TrpPage, fallback: number): number {
  const n = (trpPage.dict as { Page?: number }).Page;
  return typeof n === "number" && n > 0 ? n : fallback;
}

function readPage(trpPage: TrpPage, pageNumber: number, firstIndex: number, frame: PageFrame): PageModel {
  const lines: OcrLine[] = trpPage.listLines().map((line, i) => {
    const box = toBox(line.geometry, frame);
    const words = line.listWords();
    const text = (line.dict as { Text?: string }).Text ?? words.map((w) => w.text).join(" ");
    const tokens = words.length
      ? words.flatMap((w) => wordTokens(w, pageNumber, frame))
      : syntheticTokens(text, line.confidence ?? 100, box, pageNumber);
    return { page: pageNumber, index: firstIndex + i, text, tokens, box };
  });

  return { number: pageNumber, ...frame, lines, ...readStructures(trpPage, pageNumber, frame) };
}

/**
 * Make blocks safe for the library without changing what they say. The library (0.4.x) requires things
 * Textract always sends but other producers (the local tesseract engine, hand-built tests, merged Get…
 * pages) may not:
 *  - every block it wraps must have Geometry with a Polygon (it maps over `Geometry.Polygon`);
 *  - KEY_VALUE_SET blocks must have EntityTypes (it calls `EntityTypes.indexOf`);
 *  - a page's blocks must follow that page's PAGE block (it splits pages by walking the array), which merged
 *    multi-page results and producers that emit all PAGE blocks first do not guarantee — we regroup by the
 *    `Page` field, synthesizing a PAGE block if one is missing;
 *  - relationship ids must resolve (it throws "Missing parser item" otherwise), so dangling ids are dropped.
 * Input blocks are copied, never mutated.
 */
export function sanitizeBlocks(input: readonly TextractBlock[]): TextractBlock[] {
  const ids = new Set(input.map((b) => b.Id));
  const byPage = new Map<number, { page?: TextractBlock; rest: TextractBlock[] }>();
  let currentPage = 0;
  for (const raw of input) {
    if (!raw || typeof raw.Id !== "string") continue;
    if (raw.BlockType === "PAGE") currentPage = raw.Page ?? currentPage + 1;
    const pageNumber = raw.Page ?? Math.max(currentPage, 1);
    const group = byPage.get(pageNumber) ?? { rest: [] };
    byPage.set(pageNumber, group);
    const block = fixBlock(raw, ids, pageNumber);
    if (block.BlockType === "PAGE" && !group.page) group.page = block;
    else if (block.BlockType !== "PAGE") group.rest.push(block);
  }
  const out: TextractBlock[] = [];
  for (const pageNumber of [...byPage.keys()].sort((a, b) => a - b)) {
    const group = byPage.get(pageNumber);
    if (!group) continue;
    const page = group.page ?? syntheticPage(pageNumber, group.rest);
    out.push(page, ...group.rest);
  }
  return out;
}
