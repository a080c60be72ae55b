/**
 * Adapter from chartbridge's Textract-shaped input to a small read model the rules work on. The block graph
 * (LINE→WORD children, KEY_VALUE_SET key/value links, TABLE→CELL, QUERY→QUERY_RESULT) is navigated with
 * `amazon-textract-response-parser`; everything downstream sees only the plain types below, so rules do not
 * depend on the library and are easy to test with hand-built blocks.
 */
import { TextractDocument as TrpDocument } from "amazon-textract-response-parser";
import type { ApiBlock, ApiResponsePage } from "amazon-textract-response-parser";
import type { BoundingBox } from "../../domain/fields";
import type { TextractBlock, TextractDocument } from "../../ocr/textract-blocks";
import { orientationOfDirection, unionBoxes, uprightBoxOf, type PageOrientation } from "./geometry";
import {
  fixBlock,
  GEOMETRY_OPTIONAL,
  readStructures,
  syntheticPage,
  syntheticTokens,
  type IdFilter,
} from "./page-structures";
import { makeTokens, meanConfidence, type Token } from "./tokens";

export interface OcrLine {
  page: number;
  /** Position in document reading order (0-based, across pages). */
  index: number;
  text: string;
  tokens: Token[];
  box: BoundingBox;
}

export interface KeyValue {
  page: number;
  keyText: string;
  keyTokens: Token[];
  valueText: string;
  valueTokens: Token[];
  /** Textract's confidence that this key/value pair is right, 0–100. */
  confidence: number;
  /** The value holds a checkbox rather than (or as well as) words. */
  isCheckbox: boolean;
}

export interface TableCell {
  row: number;
  column: number;
  text: string;
  tokens: Token[];
}

export interface TableModel {
  page: number;
  box: BoundingBox;
  rows: TableCell[][];
}

export interface QueryAnswer {
  page: number;
  alias?: string;
  question: string;
  answer: string;
  /** 0–100. */
  confidence: number;
  box?: BoundingBox;
}

export interface PageModel {
  number: number;
  /**
   * Clockwise rotation (degrees) that turns the scanned page upright, detected from the direction of its
   * words. Every box in the page's model (lines, tokens, key/values, tables, queries) is already in upright
   * page coordinates; `toImageBox(box, orientation)` gives the box on the stored scan. Missing (pages built
   * by hand) means 0; buildModel always sets it.
   */
  orientation?: PageOrientation;
  lines: OcrLine[];
  keyValues: KeyValue[];
  tables: TableModel[];
  queries: QueryAnswer[];
}

export interface DocModel {
  pageCount: number;
  pages: PageModel[];
  /** All lines, page by page, in each page's reading order. */
  lines: OcrLine[];
}

/**
 * Parse a (possibly multi-page, possibly DetectDocumentText-only) Textract result into the read model.
 *
 * One pass groups the blocks by page; each page then indexes its own blocks by id while it is read (small
 * short-lived indexes, not one for the whole file). LINE/WORD text is read straight from the blocks (a LINE's
 * words are its CHILD WORD blocks, which is all the library does for them). Only pages that hold
 * other blocks (KEY_VALUE_SET, TABLE/CELL, QUERY/QUERY_RESULT, …) go through `amazon-textract-response-parser`,
 * one parse per page, for the key/value, table and query graph navigation (page-structures.ts). The result
 * is the same model as reading every page through the library (test/support/parser-model.ts; the
 * equivalence is tested on every fixture).
 *
 * Pages scanned turned (upside down, sideways) keep the image's coordinates in Textract's output; the same pass
 * tallies the direction of each page's words (voteWord), and every box of a turned page is put in upright
 * page coordinates (PageModel.orientation says by how much). Upright pages are not transformed.
 */
export function buildModel(doc: TextractDocument): DocModel {
  const declaredPages = doc.DocumentMetadata?.Pages ?? 0;
  const groups = groupBlocks(doc.Blocks ?? []);
  if (!groups.groups.length) return { pageCount: declaredPages, pages: [], lines: [] };

  // One parser document per page that needs it, read and dropped before the next page: the library indexes
  // blocks in one plain object per document, which grows slower to build and query with the page count
  // (README, extraction speed), and its wrappers then die young instead of outliving garbage collections.
  const version = doc.DetectDocumentTextModelVersion ?? doc.AnalyzeDocumentModelVersion ?? "1.0";
  const pages: PageModel[] = [];
  const lines: OcrLine[] = [];
  groups.groups.forEach((g, i) => {
    const pageNumber = typeof g.key === "number" && g.key > 0 ? g.key : i + 1;
    const orientation = orientationOf(g.votes);
    // A WORD is tokenized once: keys, values and cells (on the same page) reuse the tokens its line got.
    const wordTokensById = g.complex ? new Map<string, Token[]>() : undefined;
    // Blocks by id, page by page: a page's relationships stay on the page (Textract's never cross pages).
    const byId = new Map<string, TextractBlock>();
    for (const b of g.rest) byId.set(b.Id, b);
    const pageLines = readLines(g, byId, pageNumber, lines.length, orientation, wordTokensById);
    const trpPage = g.complex
      ? new TrpDocument({
          DocumentMetadata: { Pages: 1 },
          Blocks: parserBlocks(g, byId) as unknown as ApiBlock[],
          DetectDocumentTextModelVersion: version,
        } as ApiResponsePage).listPages()[0]
      : undefined;
    const graph: Pick<PageModel, "keyValues" | "tables" | "queries"> = trpPage
      ? readStructures(trpPage, pageNumber, orientation, wordTokensById)
      : { keyValues: [], tables: [], queries: [] };
    const page: PageModel = { number: pageNumber, orientation, lines: pageLines, ...graph };
    pages.push(page);
    for (const l of pageLines) lines.push(l);
  });
  return { pageCount: Math.max(declaredPages, pages.length), pages, lines };
}

const TEXT_ONLY_TYPES = new Set(["PAGE", "LINE", "WORD"]);

export interface PageGroup {
  /** The page number blocks carry, or inherit from the PAGE block before them (synchronous APIs omit it). */
  key: number;
  page?: TextractBlock;
  rest: TextractBlock[];
  /** Holds blocks other than PAGE/LINE/WORD: read its structures with the library. */
  complex: boolean;
  /** The page's WORDs' text directions (see voteWord). */
  votes: OrientationVotes;
}

/** Characters of text running in each direction, indexed by the rotation that makes it upright ÷ 90. */
export type OrientationVotes = [number, number, number, number];

const ORIENTATIONS: readonly PageOrientation[] = [0, 90, 180, 270];

/**
 * Count a WORD towards its page's orientation: Polygon[0]→Polygon[1] is the top edge of the word in reading
 * direction (Textract keeps image coordinates for a turned page), weighted by the word's length. Blocks
 * without a polygon say nothing.
 */
function voteWord(votes: OrientationVotes, word: TextractBlock): void {
  const polygon = word.Geometry?.Polygon;
  const a = polygon?.[0];
  const b = polygon?.[1];
  if (!a || !b) return;
  const o = orientationOfDirection(b.X - a.X, b.Y - a.Y);
  if (o !== undefined) votes[o / 90] = (votes[o / 90] ?? 0) + (word.Text?.length || 1);
}

/** The dominant direction of a page's text; 0 for a page without polygons (ties go to the smaller angle). */
export function orientationOf(votes: OrientationVotes): PageOrientation {
  let best = 0;
  for (let i = 1; i < 4; i++) if ((votes[i] ?? 0) > (votes[best] ?? 0)) best = i;
  return ORIENTATIONS[best] ?? 0;
}

/** Blocks grouped by page without copying: pages in number order, each page's blocks in input order. */
export function groupBlocks(input: readonly TextractBlock[]): { groups: PageGroup[] } {
  const byPage = new Map<number, PageGroup>();
  let currentPage = 0;
  let group: PageGroup | undefined;
  for (const raw of input) {
    if (!raw || typeof raw.Id !== "string") continue;
    const isPage = raw.BlockType === "PAGE";
    if (isPage) currentPage = raw.Page ?? currentPage + 1;
    const key = raw.Page ?? Math.max(currentPage, 1);
    // A page's blocks are (almost always) contiguous: look the group up only when the page changes.
    if (!group || group.key !== key) {
      group = byPage.get(key);
      if (!group) {
        group = { key, rest: [], complex: false, votes: [0, 0, 0, 0] };
        byPage.set(key, group);
      }
    }
    if (isPage) {
      group.page ??= raw;
    } else {
      group.rest.push(raw);
      if (raw.BlockType === "WORD") voteWord(group.votes, raw);
      else if (!TEXT_ONLY_TYPES.has(raw.BlockType)) group.complex = true;
    }
  }
  const groups = [...byPage.values()].sort((a, b) => a.key - b.key);
  return { groups };
}

/**
 * What the library needs to navigate a page's key/value pairs, tables and queries: the PAGE block, every
 * block other than LINE/WORD/LAYOUT_*, and whatever those reach through relationships on the same page (the
 * WORDs and SELECTION_ELEMENTs of keys, values and cells, QUERY_RESULTs, MERGED_CELLs, …), in input order,
 * made safe with fixBlock. Lines are read without the library, so text-only content and layout (never read)
 * are left out: wrapping them was most of the library's cost.
 */
function parserBlocks(group: PageGroup, byId: ReadonlyMap<string, TextractBlock>): TextractBlock[] {
  const keep = new Set<TextractBlock>();
  const stack: TextractBlock[] = [];
  for (const b of group.rest)
    if (!TEXT_ONLY_TYPES.has(b.BlockType) && !b.BlockType.startsWith("LAYOUT_")) stack.push(b);
  while (stack.length) {
    const b = stack.pop() as TextractBlock;
    if (keep.has(b)) continue;
    keep.add(b);
    for (const rel of b.Relationships ?? []) {
      for (const id of rel.Ids ?? []) {
        const child = byId.get(id);
        if (child && !keep.has(child)) stack.push(child);
      }
    }
  }
  // Only this page's blocks are kept (a relationship into another page is bad data; fixBlock drops it).
  const kept = group.rest.filter((b) => keep.has(b));
  const inPage = new Set<TextractBlock>(kept);
  const ids: IdFilter = {
    has: (id) => {
      const child = byId.get(id);
      return child !== undefined && inPage.has(child);
    },
  };
  const page = group.page ? fixBlock(group.page, ids, group.key) : syntheticPage(group.key, kept);
  const out: TextractBlock[] = [page];
  for (const b of kept) out.push(isSane(b, ids, group.key) ? b : fixBlock(b, ids, group.key));
  return out;
}

/** A block fixBlock would copy without changing anything the library reads (the usual Textract block). */
function isSane(b: TextractBlock, ids: IdFilter, page: number): boolean {
  if (b.Page !== page) return false;
  const geometry = b.Geometry;
  if (geometry) {
    if (!geometry.BoundingBox || !geometry.Polygon?.length) return false;
  } else if (!GEOMETRY_OPTIONAL.has(b.BlockType)) {
    return false;
  }
  if (b.BlockType === "KEY_VALUE_SET" && !Array.isArray(b.EntityTypes)) return false;
  for (const rel of b.Relationships ?? []) {
    if (!rel.Ids) return false;
    for (const id of rel.Ids) if (!ids.has(id)) return false;
  }
  return true;
}

const ZERO_BOX = { Left: 0, Top: 0, Width: 0, Height: 0 };

/** A block's box in upright page coordinates. */
function blockBox(block: TextractBlock, orientation: PageOrientation): BoundingBox {
  const bb = block.Geometry?.BoundingBox ?? ZERO_BOX;
  return uprightBoxOf(bb.Left, bb.Top, bb.Width, bb.Height, orientation);
}

/**
 * A page's LINE blocks in order, each with its CHILD WORD blocks (what the library's listLines/listWords give),
 * boxes turned upright. Textract lists lines in the text's reading order whatever the page's orientation.
 */
function readLines(
  group: PageGroup,
  byId: ReadonlyMap<string, TextractBlock>,
  pageNumber: number,
  firstIndex: number,
  orientation: PageOrientation,
  tokensById?: Map<string, Token[]>,
): OcrLine[] {
  const out: OcrLine[] = [];
  for (const block of group.rest) {
    if (block.BlockType !== "LINE") continue;
    const box = blockBox(block, orientation);
    let tokens: Token[] = [];
    let wordText: string | undefined; // the words' text, only needed when the LINE has none
    for (const rel of block.Relationships ?? []) {
      if (rel.Type !== "CHILD") continue;
      for (const id of rel.Ids ?? []) {
        const w = byId.get(id);
        if (!w || w.BlockType !== "WORD") continue;
        const wordTokens = makeTokens(
          w.Text ?? "",
          w.Confidence ?? 100,
          blockBox(w, orientation),
          pageNumber,
        );
        tokensById?.set(w.Id, wordTokens);
        for (const t of wordTokens) tokens.push(t);
        if (block.Text === undefined)
          wordText = wordText === undefined ? (w.Text ?? "") : `${wordText} ${w.Text ?? ""}`;
      }
    }
    const text = block.Text ?? wordText ?? "";
    if (!tokens.length) tokens = syntheticTokens(text, block.Confidence ?? 100, box, pageNumber);
    out.push({ page: pageNumber, index: firstIndex + out.length, text, tokens, box });
  }
  return out;
}

/** Mean OCR confidence (0–1) and union box of some tokens: how every extracted value reports its source. */
export function evidence(tokens: readonly Token[]): {
  ocr: number;
  box: BoundingBox;
  page: number | undefined;
} {
  return { ocr: meanConfidence(tokens), box: unionBoxes(tokens.map((t) => t.box)), page: tokens[0]?.page };
}
