/**
 * One page of a Textract result read into the page model: its LINE/WORD text straight from the blocks, its
 * key/value pairs, tables and queries through `amazon-textract-response-parser`, every box turned upright.
 * The page's blocks are indexed by id while it is read (a small, short-lived index; Textract's relationships
 * never cross pages), so reading a whole result costs one page's index at a time.
 */
import { TextractDocument as TrpDocument } from "amazon-textract-response-parser";
import type { ApiBlock, ApiResponsePage } from "amazon-textract-response-parser";
import type { BoundingBox } from "../../domain/fields";
import type { TextractBlock } from "../../ocr/textract-blocks";
import type { OcrLine, PageModel } from "./document-model";
import { orientationOfDirection, type PageOrientation } from "./geometry";
import { boxInFrame, pageFrameOf, type PageFrame } from "./page-frame";
import {
  fixBlock,
  GEOMETRY_OPTIONAL,
  readStructures,
  syntheticPage,
  syntheticTokens,
  type IdFilter,
} from "./page-structures";
import { makeTokens, type Token } from "./tokens";

const TEXT_ONLY_TYPES = new Set(["PAGE", "LINE", "WORD"]);

/** The blocks of one page, as they arrive. */
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

export function newPageGroup(key: number): PageGroup {
  return { key, rest: [], complex: false, votes: [0, 0, 0, 0] };
}

/** Adds a block to its page's group (the first PAGE block is the page's own; others are kept in order). */
export function addToGroup(group: PageGroup, block: TextractBlock): void {
  if (block.BlockType === "PAGE") {
    group.page ??= block;
    return;
  }
  group.rest.push(block);
  if (block.BlockType === "WORD") voteWord(group.votes, block);
  else if (!TEXT_ONLY_TYPES.has(block.BlockType)) group.complex = true;
}

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

/**
 * Reads a page's group into its page model, numbered `pageNumber`, its lines indexed from `firstIndex`.
 * `version` is the result's model version (the library wants one).
 */
export function readPage(
  group: PageGroup,
  pageNumber: number,
  firstIndex: number,
  version: string,
): PageModel {
  const orientation = orientationOf(group.votes);
  const frame = pageFrameOf(group.page?.Geometry?.Polygon, orientation);
  // A WORD is tokenized once: keys, values and cells (on the same page) reuse the tokens its line got.
  const wordTokensById = group.complex ? new Map<string, Token[]>() : undefined;
  const byId = new Map<string, TextractBlock>();
  for (const b of group.rest) byId.set(b.Id, b);
  const lines = readLines(group, byId, pageNumber, firstIndex, frame, wordTokensById);
  // One parser document per page that needs it, read and dropped before the next page: the library indexes
  // blocks in one plain object per document, which grows slower to build and query with the page count
  // (README, extraction speed), and its wrappers then die young instead of outliving garbage collections.
  const trpPage = group.complex
    ? new TrpDocument({
        DocumentMetadata: { Pages: 1 },
        Blocks: parserBlocks(group, byId) as unknown as ApiBlock[],
        DetectDocumentTextModelVersion: version,
      } as ApiResponsePage).listPages()[0]
    : undefined;
  const graph: Pick<PageModel, "keyValues" | "tables" | "queries"> = trpPage
    ? readStructures(trpPage, pageNumber, frame, wordTokensById)
    : { keyValues: [], tables: [], queries: [] };
  return { number: pageNumber, ...frame, lines, ...graph };
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

/** A block's box in the page's frame (upright, and straight on a warped page). */
function blockBox(block: TextractBlock, frame: PageFrame): BoundingBox {
  const bb = block.Geometry?.BoundingBox ?? ZERO_BOX;
  const box = { left: bb.Left, top: bb.Top, width: bb.Width, height: bb.Height };
  if (!frame.warp) return boxInFrame(frame, box);
  const polygon = block.Geometry?.Polygon?.map((p) => [p.X, p.Y] as const);
  return boxInFrame(frame, box, polygon);
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
  frame: PageFrame,
  tokensById?: Map<string, Token[]>,
): OcrLine[] {
  const out: OcrLine[] = [];
  for (const block of group.rest) {
    if (block.BlockType !== "LINE") continue;
    const box = blockBox(block, frame);
    let tokens: Token[] = [];
    let wordText: string | undefined; // the words' text, only needed when the LINE has none
    for (const rel of block.Relationships ?? []) {
      if (rel.Type !== "CHILD") continue;
      for (const id of rel.Ids ?? []) {
        const w = byId.get(id);
        if (!w || w.BlockType !== "WORD") continue;
        const wordTokens = makeTokens(w.Text ?? "", w.Confidence ?? 100, blockBox(w, frame), pageNumber);
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
