import { describe, expect, it } from "vitest";
import { estimateSkew, rotateGray } from "../../../shared/adapters/local-ocr/deskew";
import {
  cleanUpScan,
  estimateLevels,
  grayHistogram,
  otsuThreshold,
  stretchLevels,
} from "../../../shared/adapters/local-ocr/preprocess-scan";
import { blankPage, centralDifference, prng, textPage, withStride } from "./synthetic-page";

/** A text page scanned on grey paper with faded toner, paper grain and a 1-pixel blur on the strokes. */
function greyScan() {
  const page = textPage({ paper: 226, ink: 62 });
  const rand = prng(3);
  const { pixels, width, height } = page;
  const out = new Uint8Array(pixels.length);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const left = x > 0 ? pixels[i - 1]! : pixels[i]!;
      const v = (pixels[i]! * 3 + left) / 4 + (rand() - 0.5) * 8;
      out[i] = Math.max(0, Math.min(255, Math.round(v)));
    }
  return { ...page, pixels: out };
}

describe("preprocess-scan", () => {
  it("finds Otsu's split between two populations", () => {
    const hist = new Array<number>(256).fill(0);
    hist[40] = 100;
    hist[220] = 900;
    const t = otsuThreshold(hist);
    expect(t).toBeGreaterThanOrEqual(40);
    expect(t).toBeLessThan(220);
  });

  it("estimates paper and ink greys of a grey scan", () => {
    const levels = estimateLevels(grayHistogram(greyScan()));
    expect(levels).toBeDefined();
    expect(Math.abs(levels!.paper - 226)).toBeLessThanOrEqual(3);
    expect(Math.abs(levels!.ink - 62)).toBeLessThanOrEqual(12);
  });

  it("refuses pages that are not dark text on light paper", () => {
    expect(estimateLevels(grayHistogram(blankPage(300, 300, 240)))).toBeUndefined();
    expect(estimateLevels(grayHistogram(blankPage(300, 300, 30)))).toBeUndefined();
    // A negative (white text on black) has a dark dominant peak.
    const negative = textPage({ paper: 20, ink: 250 });
    expect(estimateLevels(grayHistogram(negative))).toBeUndefined();
    expect(estimateLevels(new Uint32Array(256))).toBeUndefined();
  });

  it("stretches paper to white and ink to black", () => {
    const scan = greyScan();
    const levels = estimateLevels(grayHistogram(scan))!;
    const white = levels.paper - 0.15 * (levels.paper - levels.ink);
    stretchLevels(scan, levels.ink, white);
    const hist = grayHistogram(scan);
    const total = scan.width * scan.height;
    // Paper (including its grain) is now pure white, and stroke cores pure black.
    expect(hist[255]! / total).toBeGreaterThan(0.8);
    expect(hist[0]).toBeGreaterThan(0);
    // A mid-grey between the points stays mid-grey, and order is kept.
    const ramp = {
      pixels: Uint8Array.from({ length: 256 }, (_, v) => v),
      width: 256,
      height: 1,
      stride: 256,
    };
    stretchLevels(ramp, 60, 200);
    expect(ramp.pixels[60]).toBe(0);
    expect(ramp.pixels[130]).toBe(128);
    expect(ramp.pixels[200]).toBe(255);
    for (let v = 1; v < 256; v++) expect(ramp.pixels[v]!).toBeGreaterThanOrEqual(ramp.pixels[v - 1]!);
  });

  it("leaves the padding of a strided image alone", () => {
    const img = withStride(blankPage(10, 4, 150), 3);
    stretchLevels(img, 50, 150);
    expect(img.pixels[0]).toBe(255);
    expect(img.pixels[10]).toBe(0); // padding byte
    expect(() => stretchLevels(img, 100, 100)).toThrow(RangeError);
  });

  it("cleanUpScan whitens the paper and straightens a skewed scan", () => {
    const straight = greyScan();
    const scan = withStride(rotateGray(straight, -1.8, 226), 5);
    const result = cleanUpScan(scan, 100);
    expect(result.levels?.paper).toBeGreaterThan(220);
    expect(Math.abs(result.rotation - 1.8)).toBeLessThan(0.3);
    expect(Math.abs(estimateSkew(scan, { dpi: 100 }))).toBeLessThan(0.3);
    // Paper grain is now within the top few greys: at least 80% of the page is 240 or lighter.
    const hist = grayHistogram(scan);
    let light = 0;
    for (let v = 240; v < 256; v++) light += hist[v]!;
    expect(light / (scan.width * scan.height)).toBeGreaterThan(0.8);
    expect(scan.pixels[scan.width]).toBe(0); // stride padding untouched
  });

  it("cleanUpScan leaves a clean, straight page byte-identical", () => {
    const page = textPage();
    const before = page.pixels.slice();
    expect(cleanUpScan(page, 100)).toEqual({ levels: { paper: 255, ink: 0, white: 255 }, rotation: 0 });
    expect(Buffer.compare(Buffer.from(page.pixels), Buffer.from(before))).toBe(0);
  });

  it("cleanUpScan turns grainy paper (a carbon copy) pure white and keeps its faint strokes", () => {
    // Faint ink on tinted paper with grain over the whole sheet: stretched to the paper peak only, the grain
    // became salt-and-pepper that made tesseract drop whole lines.
    const page = textPage({ paper: 220, ink: 130 });
    const rand = prng(5);
    for (let i = 0; i < page.pixels.length; i++)
      page.pixels[i] = Math.max(0, Math.min(255, Math.round(page.pixels[i]! + (rand() - 0.5) * 20)));
    const inked = textPage({ paper: 255, ink: 0 }).pixels;
    const levels = estimateLevels(grayHistogram(page))!;
    expect(levels.white).toBeLessThan(levels.paper - 5);
    cleanUpScan(page, 100);
    let paperWhite = 0;
    let paperTotal = 0;
    let strokeDark = 0;
    let strokeTotal = 0;
    for (let i = 0; i < page.pixels.length; i++) {
      if (inked[i] === 255) {
        paperTotal++;
        if (page.pixels[i] === 255) paperWhite++;
      } else {
        strokeTotal++;
        if (page.pixels[i]! < 96) strokeDark++;
      }
    }
    expect(paperWhite / paperTotal).toBeGreaterThan(0.97);
    expect(strokeDark / strokeTotal).toBeGreaterThan(0.97);
  });

  it("cleanUpScan does not rotate for a skew under 0.3°", () => {
    const page = textPage();
    const slight = rotateGray(page, 0.2);
    const before = slight.pixels.slice();
    expect(cleanUpScan(slight, 100).rotation).toBe(0);
    expect(centralDifference(slight, { ...slight, pixels: before })).toBe(0);
  });

  it("cleanUpScan leaves blank sheets and noise alone", () => {
    const blank = blankPage(400, 500, 231);
    expect(cleanUpScan(blank, 100)).toEqual({ rotation: 0 });
    expect(blank.pixels.every((v) => v === 231)).toBe(true);
    // Salt-and-pepper noise has no lines to straighten.
    const rand = prng(11);
    const noise = blankPage(400, 500, 255);
    for (let i = 0; i < noise.pixels.length; i++) if (rand() < 0.05) noise.pixels[i] = 0;
    expect(cleanUpScan(noise, 100).rotation).toBe(0);
  });
});
