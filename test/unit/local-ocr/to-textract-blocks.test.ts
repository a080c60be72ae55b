import { describe, expect, it } from "vitest";
import type { TextractBlock } from "../../../shared/ocr/textract-blocks";
import {
  blockId,
  pageToTextractBlocks,
  pagesToTextractBlocks,
  type OcrPage,
} from "../../../shared/adapters/local-ocr/to-textract-blocks";

const word = (text: string, x0: number, y0: number, x1: number, y1: number, confidence = 90) => ({
  text,
  confidence,
  bbox: { x0, y0, x1, y1 },
});

/** 1000 x 2000 px page, two lines as tesseract shapes them, plus noise the converter must drop. */
const page: OcrPage = {
  pageNumber: 2,
  width: 1000,
  height: 2000,
  lines: [
    {
      words: [word("MRN:", 100, 200, 200, 240, 96.5), word("00123456", 220, 200, 400, 240, 91.5)],
      confidence: 94,
    },
    { words: [word("  ", 10, 10, 20, 20), word("", 0, 0, 1, 1)] }, // empty line: dropped
    {
      words: [
        word("DOB:", 100, 300, 190, 340, 120),
        word(" ", 195, 300, 200, 340),
        word("03/14/1962", 210, 300, 1010, 345, -5),
      ],
    },
  ],
};

const byId = (blocks: TextractBlock[]) => new Map(blocks.map((b) => [b.Id, b]));

describe("pageToTextractBlocks", () => {
  const blocks = pageToTextractBlocks(page);
  const ids = byId(blocks);
  const [pageBlock] = blocks;
  const lines = blocks.filter((b) => b.BlockType === "LINE");
  const words = blocks.filter((b) => b.BlockType === "WORD");

  it("emits one PAGE, then LINEs, then WORDs, skipping empty words and lines", () => {
    expect(blocks.map((b) => b.BlockType)).toEqual(["PAGE", "LINE", "LINE", "WORD", "WORD", "WORD", "WORD"]);
    expect(lines.map((l) => l.Text)).toEqual(["MRN: 00123456", "DOB: 03/14/1962"]);
    expect(blocks.every((b) => b.Page === 2)).toBe(true);
    expect(words.every((w) => w.TextType === "PRINTED")).toBe(true);
  });

  it("links PAGE → LINE → WORD with CHILD relationships", () => {
    expect(pageBlock!.Relationships).toEqual([{ Type: "CHILD", Ids: lines.map((l) => l.Id) }]);
    for (const line of lines) {
      const [rel] = line.Relationships!;
      expect(rel!.Type).toBe("CHILD");
      const children = rel!.Ids.map((id) => ids.get(id)!);
      expect(children.every((c) => c.BlockType === "WORD")).toBe(true);
      expect(children.map((c) => c.Text).join(" ")).toBe(line.Text);
    }
    // Every word has exactly one parent line.
    const parented = lines.flatMap((l) => l.Relationships![0]!.Ids);
    expect(parented.sort()).toEqual(words.map((w) => w.Id).sort());
  });

  it("normalizes geometry by the page pixel size, clamped to [0,1], with a clockwise polygon", () => {
    const mrn = words[0]!.Geometry!;
    expect(mrn.BoundingBox).toEqual({ Left: 0.1, Top: 0.1, Width: 0.1, Height: 0.02 });
    expect(mrn.Polygon).toEqual([
      { X: 0.1, Y: 0.1 },
      { X: 0.2, Y: 0.1 },
      { X: 0.2, Y: 0.12 },
      { X: 0.1, Y: 0.12 },
    ]);
    // The date runs past the right edge (x1 = 1010 > 1000): clamped.
    const date = words[3]!.Geometry!.BoundingBox;
    expect(date.Left + date.Width).toBeCloseTo(1, 10);
    for (const b of blocks) {
      const { Left, Top, Width, Height } = b.Geometry!.BoundingBox;
      for (const v of [Left, Top, Width, Height, Left + Width, Top + Height]) {
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThanOrEqual(1);
      }
      expect(b.Geometry!.Polygon).toHaveLength(4);
    }
    expect(pageBlock!.Geometry!.BoundingBox).toEqual({ Left: 0, Top: 0, Width: 1, Height: 1 });
  });

  it("gives a LINE the union box of its words and their mean confidence", () => {
    expect(lines[0]!.Geometry!.BoundingBox).toEqual({ Left: 0.1, Top: 0.1, Width: 0.3, Height: 0.02 });
    expect(lines[0]!.Confidence).toBeCloseTo(94, 10);
  });

  it("keeps confidences within 0–100", () => {
    expect(words.map((w) => w.Confidence)).toEqual([96.5, 91.5, 100, 0]);
    expect(lines[1]!.Confidence).toBe(50);
  });

  it("uses deterministic UUID-shaped ids", () => {
    expect(pageBlock!.Id).toBe(blockId("PAGE", 2));
    expect(words[1]!.Id).toBe("00000002-0002-4000-8000-000001000002");
    for (const b of blocks)
      expect(b.Id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(blocks.map((b) => b.Id)).size).toBe(blocks.length);
    expect(pageToTextractBlocks(page)).toEqual(blocks);
  });

  it("emits a PAGE without relationships for a blank page, and rejects a zero-size page", () => {
    const blank = pageToTextractBlocks({ pageNumber: 1, width: 10, height: 10, lines: [] });
    expect(blank).toHaveLength(1);
    expect(blank[0]).toMatchObject({ BlockType: "PAGE", Page: 1 });
    expect(blank[0]).not.toHaveProperty("Relationships");
    expect(() => pageToTextractBlocks({ pageNumber: 1, width: 0, height: 10, lines: [] })).toThrow(
      /invalid pixel size/,
    );
  });
});

describe("pagesToTextractBlocks", () => {
  it("orders pages by number and keeps ids unique across pages", () => {
    const blocks = pagesToTextractBlocks([page, { ...page, pageNumber: 1 }]);
    expect(blocks.filter((b) => b.BlockType === "PAGE").map((b) => b.Page)).toEqual([1, 2]);
    expect(new Set(blocks.map((b) => b.Id)).size).toBe(blocks.length);
  });
});

describe("a page straightened before OCR: blocks on the stored scan", () => {
  const mrn = (straightening: OcrPage["straightening"]) => {
    const blocks = pageToTextractBlocks({ ...page, straightening });
    return {
      word: blocks.find((b) => b.Text === "MRN:")!.Geometry!,
      page: blocks.find((b) => b.BlockType === "PAGE")!.Geometry!,
    };
  };
  const points = (pts: readonly { X: number; Y: number }[]) => pts.map((p) => [p.X, p.Y]);

  it("a photo's slant: each row was stretched from the page's edges on the photo to the full width", () => {
    // Edges at x = 100 + 0.1·y and x = 900 − 0.1·y: the page narrows towards the bottom of the photo.
    const keystone = { left: { a: 100, b: 0.1 }, right: { a: 900, b: -0.1 } };
    const { word, page: p } = mrn({ keystone });
    // "MRN:" at x 100–200, y 200–240 of 1000 × 2000: row 200 spans 120–880 on the photo (0.76 of the width).
    const x = (px: number, y: number) => (100 + 0.1 * y + (px * (800 - 0.2 * y)) / 1000) / 1000;
    expect(points(word.Polygon!)).toEqual([
      [x(100, 200), 0.1],
      [x(200, 200), 0.1],
      [x(200, 240), 0.12],
      [x(100, 240), 0.12],
    ]);
    expect(word.BoundingBox.Left).toBeCloseTo(Math.min(x(100, 200), x(100, 240)), 12);
    expect(word.BoundingBox.Width).toBeCloseTo(
      Math.max(x(200, 200), x(200, 240)) - word.BoundingBox.Left,
      12,
    );
    // The PAGE polygon is the page's outline on the photo (a trapezoid), its box the image.
    expect(points(p.Polygon!)).toEqual([
      [0.1, 0],
      [0.9, 0],
      [0.7, 1],
      [0.3, 1],
    ]);
    expect(p.BoundingBox).toEqual({ Left: 0.1, Top: 0, Width: 0.8, Height: 1 });
  });

  it("a rotation about the centre: corners turned back, the page's corners may leave the image", () => {
    const { word, page: p } = mrn({ rotation: 180 });
    const rounded = (pts: number[][]) => pts.map((q) => q.map((v) => Number(v.toFixed(9))));
    // Upside down: the word's top-left corner (reading order) is at the bottom right of its box on the scan.
    expect(rounded(points(word.Polygon!))).toEqual([
      [0.9, 0.9],
      [0.8, 0.9],
      [0.8, 0.88],
      [0.9, 0.88],
    ]);
    const tilted = mrn({ rotation: 2 }).page;
    expect(Math.min(...tilted.Polygon!.map((q) => q.X))).toBeLessThan(0);
    expect(tilted.BoundingBox).toEqual({ Left: 0, Top: 0, Width: 1, Height: 1 });
    expect(p.BoundingBox).toEqual({ Left: 0, Top: 0, Width: 1, Height: 1 });
  });

  it("a page that was not straightened keeps its boxes as they were", () => {
    expect(pageToTextractBlocks({ ...page, straightening: {} })).toEqual(pageToTextractBlocks(page));
  });
});
