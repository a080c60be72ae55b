/**
 * What chartbridge reads through `amazon-textract-response-parser`: a page's key/value pairs, tables and
 * query answers (boxes turned upright), and the block fixes the library needs to read them safely.
 */
import type {
  Cell as TrpCell,
  MergedCell as TrpMergedCell,
  Page as TrpPage,
  Word as TrpWord,
} from "amazon-textract-response-parser";
import type { BoundingBox } from "../../domain/fields";
import type { TextractBlock } from "../../ocr/textract-blocks";
import type { KeyValue, PageModel, QueryAnswer, TableCell, TableModel } from "./document-model";
import { splitBoxHorizontally } from "./geometry";
import { boxInFrame, type PageFrame } from "./page-frame";
import { makeTokens, type Token } from "./tokens";

/** Which relationship ids a block may keep (those the parser can resolve). */
export interface IdFilter {
  has(id: string): boolean;
}

/** Key/value pairs, tables and query answers of a page, navigated with the library; boxes turned upright. */
export function readStructures(
  trpPage: TrpPage,
  pageNumber: number,
  frame: PageFrame,
  known?: ReadonlyMap<string, Token[]>,
): Pick<PageModel, "keyValues" | "tables" | "queries"> {
  const tokensOf = (w: TrpWord) => known?.get(w.id) ?? wordTokens(w, pageNumber, frame);
  const keyValues: KeyValue[] = trpPage.form.listFields().map((field) => {
    // Each list… call walks the relationships again: ask once and derive text and tokens from the words.
    const keyWords = field.key.listWords();
    const content = field.value?.listContent() ?? [];
    const valueWords = content.filter((c): c is TrpWord => c.blockType === "WORD");
    const valueTokens = valueWords.flatMap(tokensOf);
    return {
      page: pageNumber,
      keyText: keyWords.map((w) => w.text).join(" "),
      keyTokens: keyWords.flatMap(tokensOf),
      valueText: valueWords.map((w) => w.text).join(" "),
      valueTokens,
      confidence: field.confidence ?? 100,
      isCheckbox: content.some((c) => c.blockType === "SELECTION_ELEMENT"),
    };
  });

  const tables: TableModel[] = trpPage.listTables().map((table) => ({
    page: pageNumber,
    box: toBox(table.geometry, frame),
    rows: [...table.iterRows()].map((row) => row.listCells().map((cell) => readCell(cell, tokensOf))),
  }));

  const queries: QueryAnswer[] = trpPage.queries.listQueries().flatMap((q) => {
    const top = q.topResult;
    if (!top || !top.text) return [];
    const geometry = top.geometry;
    const bb = geometry?.boundingBox;
    return [
      {
        page: pageNumber,
        ...(q.alias ? { alias: q.alias } : {}),
        question: q.text,
        answer: top.text,
        confidence: top.confidence ?? 100,
        ...(bb && bb.width > 0 && bb.height > 0 ? { box: toBox(geometry!, frame) } : {}),
      },
    ];
  });

  return { keyValues, tables, queries };
}

function readCell(cell: TrpCell | TrpMergedCell, tokensOf: (w: TrpWord) => Token[]): TableCell {
  const words = cell.listContent().filter((c): c is TrpWord => c.blockType === "WORD");
  return {
    row: cell.rowIndex,
    column: cell.columnIndex,
    text: words.map((w) => w.text).join(" "),
    tokens: words.flatMap(tokensOf),
  };
}

/** A word's tokens; the box is turned upright before a glued word ("DOB:03/14/1962") is cut into pieces. */
export function wordTokens(word: TrpWord, page: number, frame: PageFrame): Token[] {
  const box = toBox(word.geometry, frame);
  return makeTokens(word.text ?? "", word.confidence ?? 100, box, page);
}

/** A LINE without WORD children (some OCR engines): split its text on spaces, boxes by character share. */
export function syntheticTokens(text: string, confidence: number, box: BoundingBox, page: number): Token[] {
  const words = text.split(/\s+/).filter(Boolean);
  const boxes = splitBoxHorizontally(
    box,
    words.map((w) => w.length + 1),
  );
  return words.flatMap((w, i) => makeTokens(w, confidence, boxes[i] ?? box, page));
}

/** A parsed block's box in the page's frame (its polygon's, on a warped page). */
export function toBox(
  geometry: {
    boundingBox: { left: number; top: number; width: number; height: number };
    polygon?: readonly { x: number; y: number }[];
  },
  frame: PageFrame,
): BoundingBox {
  const { left, top, width, height } = geometry.boundingBox;
  const box = { left, top, width, height };
  if (!frame.warp) return boxInFrame(frame, box);
  return boxInFrame(
    frame,
    box,
    geometry.polygon?.map((p) => [p.x, p.y] as const),
  );
}

export const GEOMETRY_OPTIONAL = new Set(["QUERY", "QUERY_RESULT"]);

/**
 * A block made safe for the library without changing what it says. The library (0.4.x) requires things
 * Textract always sends but other producers (the local tesseract engine, hand-built tests, merged Get…
 * pages) may not: Geometry with a Polygon on every block it wraps, EntityTypes on KEY_VALUE_SET blocks,
 * and relationship ids that resolve (dangling ones are dropped). The input block is copied, never mutated.
 */
export function fixBlock(raw: TextractBlock, ids: IdFilter, page: number): TextractBlock {
  const block: TextractBlock = { ...raw, Page: page };
  const bb =
    raw.Geometry?.BoundingBox ?? (raw.BlockType === "PAGE" ? { Left: 0, Top: 0, Width: 1, Height: 1 } : null);
  // Query blocks may lack geometry (the library allows it); a made-up box would hide that.
  if (bb || !GEOMETRY_OPTIONAL.has(raw.BlockType)) {
    const box = bb ?? { Left: 0, Top: 0, Width: 0, Height: 0 };
    const polygon = raw.Geometry?.Polygon?.length ? raw.Geometry.Polygon : polygonOf(box);
    block.Geometry = { BoundingBox: box, Polygon: polygon };
  }
  if (raw.BlockType === "KEY_VALUE_SET" && !Array.isArray(raw.EntityTypes)) block.EntityTypes = [];
  if (raw.Relationships) {
    block.Relationships = raw.Relationships.map((r) => ({
      Type: r.Type,
      Ids: (r.Ids ?? []).filter((id) => ids.has(id)),
    }));
  }
  return block;
}

function polygonOf(b: {
  Left: number;
  Top: number;
  Width: number;
  Height: number;
}): { X: number; Y: number }[] {
  return [
    { X: b.Left, Y: b.Top },
    { X: b.Left + b.Width, Y: b.Top },
    { X: b.Left + b.Width, Y: b.Top + b.Height },
    { X: b.Left, Y: b.Top + b.Height },
  ];
}

/** A PAGE block for a page whose blocks came without one. */
export function syntheticPage(page: number, blocks: readonly TextractBlock[]): TextractBlock {
  const box = { Left: 0, Top: 0, Width: 1, Height: 1 };
  return {
    Id: `chartbridge-synthetic-page-${page}`,
    BlockType: "PAGE",
    Page: page,
    Geometry: { BoundingBox: box, Polygon: polygonOf(box) },
    Relationships: [{ Type: "CHILD", Ids: blocks.filter((b) => b.BlockType === "LINE").map((b) => b.Id) }],
  };
}
