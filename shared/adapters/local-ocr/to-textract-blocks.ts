import type { TextractBlock, TextractBoundingBox } from "../../ocr/textract-blocks";
import { isStraightened, scanPointMapper, type PageStraightening } from "./page-straightening";

/**
 * Pure conversion of tesseract's line/word output into Textract DetectDocumentText blocks, so the extraction
 * code reads one format whichever OCR engine ran. No tesseract import here: the input types are the minimal
 * structural subset of tesseract.js's `Line`/`Word`, which keeps this testable with hand-made data.
 */

/** Pixel box as tesseract reports it: x1/y1 are the exclusive right/bottom edges. */
export interface OcrBbox {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export interface OcrWord {
  text: string;
  /** 0–100. */
  confidence: number;
  bbox: OcrBbox;
}

export interface OcrLine {
  words: OcrWord[];
  bbox?: OcrBbox;
  confidence?: number;
}

/** One recognized page: the lines in reading order plus the pixel size they were measured against. */
export interface OcrPage {
  /** 1-based, as Textract numbers pages. */
  pageNumber: number;
  width: number;
  height: number;
  lines: OcrLine[];
  /**
   * How the page was straightened before OCR (its boxes are on the straightened page): blocks then locate
   * text on the scan, as Textract's do, and the PAGE polygon says where the straightened page's corners are.
   */
  straightening?: PageStraightening;
}

const KIND = { PAGE: "0000", LINE: "0001", WORD: "0002" } as const;

/**
 * Deterministic, UUID-shaped ids (version nibble 4, variant 8) built from the indices, so the same input
 * always yields byte-identical output (reproducible tests and diffable results). Only unique per document,
 * which is all Textract promises too. Layout: page-kind-4000-8000-(line·2^24 + word), indices 1-based.
 */
export function blockId(kind: keyof typeof KIND, page: number, line = 0, word = 0): string {
  const tail = (line * 0x1000000 + word).toString(16).padStart(12, "0");
  return `${page.toString(16).padStart(8, "0")}-${KIND[kind]}-4000-8000-${tail}`;
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/** Maps a point of the page tesseract read to the stored scan (pixels); undefined: the same page. */
type ToScan = ((x: number, y: number) => [number, number]) | undefined;

function normalize(box: OcrBbox, width: number, height: number, toScan: ToScan): TextractBlock["Geometry"] {
  // Clamp in pixels first, then divide once: exact fractions stay exact (200/1000 is 0.2, not 0.2000…04).
  const x0 = clamp(box.x0, 0, width);
  const y0 = clamp(box.y0, 0, height);
  const x1 = clamp(box.x1, x0, width);
  const y1 = clamp(box.y1, y0, height);
  if (toScan)
    return scanGeometry([toScan(x0, y0), toScan(x1, y0), toScan(x1, y1), toScan(x0, y1)], width, height);
  const [left, top, right, bottom] = [x0 / width, y0 / height, x1 / width, y1 / height];
  const BoundingBox: TextractBoundingBox = {
    Left: left,
    Top: top,
    Width: (x1 - x0) / width,
    Height: (y1 - y0) / height,
  };
  // Clockwise from top-left in image coordinates (y grows downwards), as Textract orders polygon points.
  const Polygon = [
    { X: left, Y: top },
    { X: right, Y: top },
    { X: right, Y: bottom },
    { X: left, Y: bottom },
  ];
  return { BoundingBox, Polygon };
}

/**
 * A box of the straightened page as Textract would report it on the scan: its four corners mapped back (the
 * polygon, top-left first in reading order, turned with the text) and their hull within the image. A PAGE's
 * corners may lie outside the image (a rotated page's do): its polygon says so, its box stays within.
 */
function scanGeometry(corners: [number, number][], width: number, height: number): TextractBlock["Geometry"] {
  const Polygon = corners.map(([x, y]) => ({ X: x / width, Y: y / height }));
  const xs = Polygon.map((p) => clamp(p.X, 0, 1));
  const ys = Polygon.map((p) => clamp(p.Y, 0, 1));
  const [left, top] = [Math.min(...xs), Math.min(...ys)];
  const BoundingBox: TextractBoundingBox = {
    Left: left,
    Top: top,
    Width: Math.max(...xs) - left,
    Height: Math.max(...ys) - top,
  };
  return { BoundingBox, Polygon };
}

function union(boxes: OcrBbox[]): OcrBbox {
  return boxes.reduce((u, b) => ({
    x0: Math.min(u.x0, b.x0),
    y0: Math.min(u.y0, b.y0),
    x1: Math.max(u.x1, b.x1),
    y1: Math.max(u.y1, b.y1),
  }));
}

const confidence = (c: number) => (Number.isFinite(c) ? clamp(c, 0, 100) : 0);

/**
 * Converts one page. Emits PAGE, then its LINEs, then its WORDs (Textract's order). Words that are empty
 * after trimming are dropped, and a line left without words is dropped, so ids stay dense. A line's box is
 * the union of its kept words and its confidence their mean, so a LINE always encloses its children.
 */
export function pageToTextractBlocks(page: OcrPage): TextractBlock[] {
  const { pageNumber: p, width, height } = page;
  if (!(width > 0 && height > 0)) throw new Error(`page ${p}: invalid pixel size ${width}x${height}`);
  const toScan = isStraightened(page.straightening)
    ? scanPointMapper(page.straightening, width, height)
    : undefined;

  const lines: TextractBlock[] = [];
  const words: TextractBlock[] = [];
  for (const line of page.lines) {
    const kept = line.words.map((w) => ({ ...w, text: w.text.trim() })).filter((w) => w.text.length > 0);
    if (kept.length === 0) continue;
    const l = lines.length + 1;
    const wordIds = kept.map((w, i) => {
      const id = blockId("WORD", p, l, i + 1);
      words.push({
        Id: id,
        BlockType: "WORD",
        Text: w.text,
        TextType: "PRINTED",
        Confidence: confidence(w.confidence),
        Page: p,
        Geometry: normalize(w.bbox, width, height, toScan),
      });
      return id;
    });
    lines.push({
      Id: blockId("LINE", p, l),
      BlockType: "LINE",
      Text: kept.map((w) => w.text).join(" "),
      Confidence: confidence(kept.reduce((s, w) => s + confidence(w.confidence), 0) / kept.length),
      Page: p,
      Geometry: normalize(union(kept.map((w) => w.bbox)), width, height, toScan),
      Relationships: [{ Type: "CHILD", Ids: wordIds }],
    });
  }

  const pageBlock: TextractBlock = {
    Id: blockId("PAGE", p),
    BlockType: "PAGE",
    Page: p,
    Geometry: normalize({ x0: 0, y0: 0, x1: width, y1: height }, width, height, toScan),
  };
  if (lines.length > 0) pageBlock.Relationships = [{ Type: "CHILD", Ids: lines.map((b) => b.Id) }];
  return [pageBlock, ...lines, ...words];
}

/** Converts a whole document's pages (in any order) into one block list, ordered by page number. */
export function pagesToTextractBlocks(pages: OcrPage[]): TextractBlock[] {
  return [...pages].sort((a, b) => a.pageNumber - b.pageNumber).flatMap(pageToTextractBlocks);
}
