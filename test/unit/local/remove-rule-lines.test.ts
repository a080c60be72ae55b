import * as mupdf from "mupdf";
import { describe, expect, it } from "vitest";
import { renderPage } from "../../../shared/adapters/local-ocr/render-pages";
import { makeSampleChartPdf } from "../../support/sample-chart";
import { removeRuleLines, type GrayImage } from "../../../shared/adapters/local-ocr/remove-rule-lines";

const WHITE = 255;

function page(width: number, height: number, stride = width, padding = WHITE): GrayImage {
  const pixels = new Uint8Array(stride * height).fill(WHITE);
  if (stride > width)
    for (let y = 0; y < height; y++) pixels.fill(padding, y * stride + width, (y + 1) * stride);
  return { pixels, width, height, stride };
}

function fill(img: GrayImage, x0: number, y0: number, w: number, h: number, value: number): void {
  for (let y = y0; y < y0 + h; y++) for (let x = x0; x < x0 + w; x++) img.pixels[y * img.stride + x] = value;
}

function region(img: GrayImage, x0: number, y0: number, w: number, h: number): number[] {
  const out: number[] = [];
  for (let y = y0; y < y0 + h; y++)
    for (let x = x0; x < x0 + w; x++) out.push(img.pixels[y * img.stride + x]!);
  return out;
}

const allWhite = (values: number[]) => values.every((v) => v === WHITE);

/**
 * A 300 DPI form fragment: a table border (horizontal rule with an anti-aliased fringe row below it),
 * a box edge (vertical rule with a fringe column), and a letter-sized dark blob well away from both.
 */
function formFragment(stride?: number, padding?: number) {
  const img = page(400, 300, stride, padding);
  fill(img, 20, 50, 360, 1, 0); // horizontal rule, 360 px > 1/3 inch
  fill(img, 20, 51, 360, 1, 200); // its anti-aliased fringe
  fill(img, 300, 80, 1, 200, 30); // vertical rule, 200 px
  fill(img, 301, 80, 1, 200, 200); // its fringe
  fill(img, 100, 150, 10, 14, 0); // a glyph, 10×14 px
  fill(img, 110, 150, 1, 14, 190); // the glyph's own anti-aliased edge
  return img;
}

describe("removeRuleLines", () => {
  it("whitens long horizontal and vertical rules with their fringe and leaves a glyph untouched", () => {
    const img = formFragment();
    const glyphBefore = region(img, 100, 150, 11, 14);

    const erased = removeRuleLines(img, 300);

    expect(allWhite(region(img, 20, 50, 360, 1))).toBe(true);
    expect(allWhite(region(img, 20, 51, 360, 1))).toBe(true);
    expect(allWhite(region(img, 300, 80, 1, 200))).toBe(true);
    expect(allWhite(region(img, 301, 80, 1, 200))).toBe(true);
    expect(region(img, 100, 150, 11, 14)).toEqual(glyphBefore);
    expect(erased).toBe(360 * 2 + 200 * 2);
    // Nothing is left that would binarize as ink except the glyph.
    const dark = [...img.pixels].filter((v) => v < WHITE).length;
    expect(dark).toBe(11 * 14);
  });

  it("returns 0 and changes nothing on a page with only text-sized marks", () => {
    const img = page(400, 200);
    fill(img, 10, 10, 10, 14, 0);
    fill(img, 30, 40, 80, 2, 0); // a dash shorter than 1/3 inch at 300 DPI (100 px)
    fill(img, 150, 20, 3, 90, 0); // a tall stroke, 90 px
    const before = Uint8Array.from(img.pixels);
    expect(removeRuleLines(img, 300)).toBe(0);
    expect(Buffer.from(img.pixels).equals(Buffer.from(before))).toBe(true);
  });

  it("scales the rule length with resolution: 80 px is a rule at 150 DPI but not at 300 DPI", () => {
    const at300 = page(200, 20);
    fill(at300, 10, 10, 80, 1, 0);
    expect(removeRuleLines(at300, 300)).toBe(0);

    const at150 = page(200, 20);
    fill(at150, 10, 10, 80, 1, 0);
    expect(removeRuleLines(at150, 150)).toBe(80);
    expect(allWhite(region(at150, 10, 10, 80, 1))).toBe(true);
  });

  it("honours a row stride wider than the image and never touches the padding bytes", () => {
    const img = formFragment(408, 0);
    const erased = removeRuleLines(img, 300);
    expect(erased).toBe(360 * 2 + 200 * 2);
    expect(allWhite(region(img, 20, 50, 360, 2))).toBe(true);
    expect(allWhite(region(img, 300, 80, 2, 200))).toBe(true);
    expect(region(img, 100, 150, 10, 14).every((v) => v === 0)).toBe(true);
    for (let y = 0; y < img.height; y++) {
      expect(region(img, 400, y, 8, 1).every((v) => v === 0)).toBe(true);
    }
  });

  it("erases a thick rule completely, with fringes on both sides", () => {
    const img = page(300, 40);
    fill(img, 0, 10, 300, 1, 210); // fringe above
    fill(img, 0, 11, 300, 3, 0); // 3 px rule spanning the page, touching both edges
    fill(img, 0, 14, 300, 1, 220); // fringe below
    expect(removeRuleLines(img, 300)).toBe(300 * 5);
    expect(allWhite([...img.pixels])).toBe(true);
  });

  it("keeps the stems and bars of a large title's letters, as long as rules but many times thicker", () => {
    const img = page(500, 400);
    fill(img, 50, 20, 250, 40, 0); // a "T" at about 100 points: its bar, 250 × 40 px
    fill(img, 155, 60, 40, 250, 0); // and its stem, 40 × 250 px
    fill(img, 400, 20, 2, 300, 0); // a 2 px box edge beside it
    fill(img, 50, 380, 400, 1, 0); // and an underline under it
    expect(removeRuleLines(img, 300)).toBe(2 * 300 + 400);
    expect(region(img, 50, 20, 250, 40).every((v) => v === 0)).toBe(true);
    expect(region(img, 155, 60, 40, 250).every((v) => v === 0)).toBe(true);
    expect(allWhite(region(img, 400, 20, 2, 300))).toBe(true);
  });

  it("whitens dark areas: a scanner's black border, a filled header bar", () => {
    const img = page(600, 500);
    fill(img, 0, 0, 80, 500, 0); // a black border down the page's left side, 80 px wide
    fill(img, 100, 40, 480, 45, 20); // a filled header bar, 480 × 45 px (longer than any letter's stroke)
    removeRuleLines(img, 300);
    expect(allWhite([...img.pixels])).toBe(true);
  });

  it("leaves a rendered 72-point title whole while it erases the page's table rules", () => {
    const ink = (png: Uint8Array) => {
      const pix = new mupdf.Image(png).toPixmap();
      const samples = pix.getPixels();
      let n = 0;
      for (let i = 0; i < samples.length; i++) if (samples[i]! < 128) n++;
      pix.destroy();
      return n;
    };
    const pdf = makeSampleChartPdf({ lines: ["THE TITLE"], fontSize: 72 });
    const kept = ink(renderPage(pdf, 1).png);
    const raw = ink(renderPage(pdf, 1, { removeRuleLines: false }).png);
    expect(kept).toBeGreaterThan(10_000);
    expect(kept).toBe(raw);
  });
});
