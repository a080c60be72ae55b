/**
 * Builds small Textract-shaped documents for tests: lines of text with positions become PAGE/LINE/WORD
 * blocks (plus KEY_VALUE_SET, TABLE/CELL and QUERY/QUERY_RESULT when asked). Words are laid out with a fixed
 * character width, so runs of spaces in the text become horizontal gaps, as on a scanned form:
 *   "Patient: Jane Doe      DOB: 03/14/1962"  →  two fields separated by a wide gap.
 */
import type { BoundingBox } from "../../../shared/domain/fields";
import type { TextractBlock, TextractDocument } from "../../../shared/ocr/textract-blocks";

export const CHAR_WIDTH = 0.008;
export const LINE_HEIGHT = 0.012;

export interface LineSpec {
  text: string;
  /** Left edge (default 0.05). */
  x?: number;
  /** Top edge (default: below the previous line). */
  y?: number;
  /** Word confidence 0–100 (default 99), or one per word. */
  conf?: number | number[];
  /** Line height (default LINE_HEIGHT); taller lines read as prominent (letterheads). */
  height?: number;
  /** Also emit a FORMS key/value pair: key = words up to the first one ending in ":", value = the rest. */
  kv?: boolean;
}

export interface TableSpec {
  rows: string[][];
  x?: number;
  y: number;
  colWidth?: number;
  rowHeight?: number;
}

export interface QuerySpec {
  text: string;
  alias?: string;
  answer?: string;
  confidence?: number;
}

export interface PageSpec {
  lines: (LineSpec | string)[];
  tables?: TableSpec[];
  queries?: QuerySpec[];
}

export interface BuildOptions {
  /** Leave out the `Page` field, as synchronous Textract APIs do. */
  omitPageField?: boolean;
  /** Leave out Geometry.Polygon (some producers only give the box). */
  omitPolygon?: boolean;
}

let counter = 0;
const nextId = (prefix: string) => `${prefix}-${++counter}`;

function geometry(left: number, top: number, width: number, height: number, omitPolygon?: boolean) {
  const BoundingBox = { Left: left, Top: top, Width: width, Height: height };
  if (omitPolygon) return { BoundingBox };
  return {
    BoundingBox,
    Polygon: [
      { X: left, Y: top },
      { X: left + width, Y: top },
      { X: left + width, Y: top + height },
      { X: left, Y: top + height },
    ],
  };
}

interface BuiltWord {
  block: TextractBlock;
  text: string;
}

/** Lay out `text` as words starting at x; each space advances one character width. */
function layoutWords(
  text: string,
  x: number,
  y: number,
  height: number,
  conf: number | number[],
  page: number | undefined,
  opts: BuildOptions,
): BuiltWord[] {
  const words: BuiltWord[] = [];
  let cursor = x;
  let i = 0;
  for (const m of text.matchAll(/(\s*)(\S+)/g)) {
    cursor += (m[1]?.length ?? 0) * CHAR_WIDTH;
    const w = m[2] ?? "";
    const width = w.length * CHAR_WIDTH;
    const confidence = Array.isArray(conf) ? (conf[i] ?? 99) : conf;
    words.push({
      text: w,
      block: {
        Id: nextId("word"),
        BlockType: "WORD",
        Text: w,
        Confidence: confidence,
        TextType: "PRINTED",
        ...(page !== undefined ? { Page: page } : {}),
        Geometry: geometry(cursor, y, width, height, opts.omitPolygon),
      },
    });
    cursor += width;
    i++;
  }
  return words;
}

export function buildDoc(spec: PageSpec | PageSpec[], opts: BuildOptions = {}): TextractDocument {
  const pages = Array.isArray(spec) ? spec : [spec];
  const blocks: TextractBlock[] = [];
  let analyze = false;
  pages.forEach((pageSpec, p) => {
    const pageNumber = opts.omitPageField ? undefined : p + 1;
    const pageField = pageNumber !== undefined ? { Page: pageNumber } : {};
    const pageBlock: TextractBlock = {
      Id: nextId("page"),
      BlockType: "PAGE",
      ...pageField,
      Geometry: geometry(0, 0, 1, 1, opts.omitPolygon),
      Relationships: [{ Type: "CHILD", Ids: [] }],
    };
    const pageChildren = pageBlock.Relationships?.[0]?.Ids ?? [];
    const rest: TextractBlock[] = [];
    let y = 0.05;

    const addLine = (
      text: string,
      x: number,
      top: number,
      height: number,
      conf: number | number[],
    ): BuiltWord[] => {
      const words = layoutWords(text, x, top, height, conf, pageNumber, opts);
      const first = words[0]?.block.Geometry?.BoundingBox;
      const last = words[words.length - 1]?.block.Geometry?.BoundingBox;
      const left = first?.Left ?? x;
      const width = last && first ? last.Left + last.Width - first.Left : 0;
      const line: TextractBlock = {
        Id: nextId("line"),
        BlockType: "LINE",
        Text: words.map((w) => w.text).join(" "),
        Confidence: Array.isArray(conf) ? Math.min(...conf) : conf,
        ...pageField,
        Geometry: geometry(left, top, width, height, opts.omitPolygon),
        Relationships: [{ Type: "CHILD", Ids: words.map((w) => w.block.Id) }],
      };
      pageChildren.push(line.Id);
      rest.push(line, ...words.map((w) => w.block));
      return words;
    };

    for (const raw of pageSpec.lines) {
      const line: LineSpec = typeof raw === "string" ? { text: raw } : raw;
      const height = line.height ?? LINE_HEIGHT;
      const top = line.y ?? y;
      y = top + height + 0.01;
      const words = addLine(line.text, line.x ?? 0.05, top, height, line.conf ?? 99);
      if (line.kv) {
        analyze = true;
        const split = words.findIndex((w) => w.text.endsWith(":")) + 1;
        const keyWords = words.slice(0, split);
        const valueWords = words.slice(split);
        const valueId = nextId("value");
        rest.push(
          {
            Id: nextId("key"),
            BlockType: "KEY_VALUE_SET",
            EntityTypes: ["KEY"],
            Confidence: 95,
            ...pageField,
            Geometry: geometry(line.x ?? 0.05, top, 0.2, height, opts.omitPolygon),
            Relationships: [
              { Type: "VALUE", Ids: [valueId] },
              { Type: "CHILD", Ids: keyWords.map((w) => w.block.Id) },
            ],
          },
          {
            Id: valueId,
            BlockType: "KEY_VALUE_SET",
            EntityTypes: ["VALUE"],
            Confidence: 95,
            ...pageField,
            Geometry: geometry(0.3, top, 0.2, height, opts.omitPolygon),
            Relationships: [{ Type: "CHILD", Ids: valueWords.map((w) => w.block.Id) }],
          },
        );
      }
    }

    for (const table of pageSpec.tables ?? []) {
      analyze = true;
      const colWidth = table.colWidth ?? 0.25;
      const rowHeight = table.rowHeight ?? 0.025;
      const x0 = table.x ?? 0.05;
      const cellIds: string[] = [];
      table.rows.forEach((row, r) => {
        row.forEach((text, c) => {
          const left = x0 + c * colWidth;
          const top = table.y + r * rowHeight;
          const words = text ? addLine(text, left + 0.005, top + 0.005, LINE_HEIGHT, 98) : [];
          const cell: TextractBlock = {
            Id: nextId("cell"),
            BlockType: "CELL",
            RowIndex: r + 1,
            ColumnIndex: c + 1,
            RowSpan: 1,
            ColumnSpan: 1,
            Confidence: 90,
            ...pageField,
            Geometry: geometry(left, top, colWidth, rowHeight, opts.omitPolygon),
            Relationships: words.length ? [{ Type: "CHILD", Ids: words.map((w) => w.block.Id) }] : [],
          };
          cellIds.push(cell.Id);
          rest.push(cell);
        });
      });
      const cols = Math.max(...table.rows.map((r) => r.length));
      const tableBlock: TextractBlock = {
        Id: nextId("table"),
        BlockType: "TABLE",
        EntityTypes: ["STRUCTURED_TABLE"],
        Confidence: 90,
        ...pageField,
        Geometry: geometry(x0, table.y, cols * colWidth, table.rows.length * rowHeight, opts.omitPolygon),
        Relationships: [{ Type: "CHILD", Ids: cellIds }],
      };
      pageChildren.push(tableBlock.Id);
      rest.push(tableBlock);
    }

    for (const q of pageSpec.queries ?? []) {
      analyze = true;
      const resultId = nextId("qr");
      rest.push({
        Id: nextId("query"),
        BlockType: "QUERY",
        ...pageField,
        Query: { Text: q.text, ...(q.alias ? { Alias: q.alias } : {}) },
        Relationships: q.answer ? [{ Type: "ANSWER", Ids: [resultId] }] : [],
      });
      if (q.answer) {
        rest.push({
          Id: resultId,
          BlockType: "QUERY_RESULT",
          Text: q.answer,
          Confidence: q.confidence ?? 90,
          ...pageField,
        });
      }
    }

    // Textract lists LINE blocks in reading order; keep that when tables were added after the lines.
    const top = (b: TextractBlock) => b.Geometry?.BoundingBox.Top ?? Number.POSITIVE_INFINITY;
    const lines = rest
      .filter((b) => b.BlockType === "LINE")
      .sort(
        (a, b) =>
          top(a) - top(b) || (a.Geometry?.BoundingBox.Left ?? 0) - (b.Geometry?.BoundingBox.Left ?? 0),
      );
    blocks.push(pageBlock, ...lines, ...rest.filter((b) => b.BlockType !== "LINE"));
  });
  return {
    DocumentMetadata: { Pages: pages.length },
    Blocks: blocks,
    ...(analyze ? { AnalyzeDocumentModelVersion: "1.0" } : { DetectDocumentTextModelVersion: "1.0" }),
  };
}

/** Shorthand: one page from lines of text. */
export function page(...lines: (LineSpec | string)[]): PageSpec {
  return { lines };
}

/** A fixed "now" so two-digit-year tests do not age. */
export const REF_DATE = new Date("2025-06-01T00:00:00Z");

/** A Textract polygon point (normalized image coordinates). */
export type Point = { X: number; Y: number };

/** A box's corners, clockwise from its top-left (Textract's polygon order). */
export function corners(b: BoundingBox): Point[] {
  return [
    { X: b.left, Y: b.top },
    { X: b.left + b.width, Y: b.top },
    { X: b.left + b.width, Y: b.top + b.height },
    { X: b.left, Y: b.top + b.height },
  ];
}

/** The axis-aligned box around some points (Textract's BoundingBox of a polygon). */
export function boxAround(points: readonly Point[]): BoundingBox {
  const xs = points.map((p) => p.X);
  const ys = points.map((p) => p.Y);
  const left = Math.min(...xs);
  const top = Math.min(...ys);
  return { left, top, width: Math.max(...xs) - left, height: Math.max(...ys) - top };
}
