import { describe, expect, it } from "vitest";
import { estimateSkew, rotateGray } from "../../../shared/adapters/local-ocr/deskew";
import { blankPage, centralDifference, textPage, withStride } from "./synthetic-page";

describe("deskew", () => {
  const page = textPage();

  it.each([1.7, -2.6, 0.5, -0.8, 3.5])("recovers a %s° rotation within 0.3°", (degrees) => {
    const skewed = rotateGray(page, degrees);
    expect(Math.abs(estimateSkew(skewed, { dpi: 100 }) - degrees)).toBeLessThan(0.3);
  });

  it("finds no skew on a straight page", () => {
    expect(Math.abs(estimateSkew(page, { dpi: 100 }))).toBeLessThan(0.1);
  });

  it("works at 300 DPI through its downsampled copy", () => {
    const big = textPage({ width: 1700, height: 2200, lineSpacing: 48 });
    expect(Math.abs(estimateSkew(rotateGray(big, -1.2), { dpi: 300 }) + 1.2)).toBeLessThan(0.3);
  });

  it("uses the threshold to find light ink on grey paper", () => {
    const faint = rotateGray(textPage({ paper: 225, ink: 150 }), 2, 225);
    // With the default threshold (128) the faint strokes are not ink at all: no estimate.
    expect(estimateSkew(faint, { dpi: 100 })).toBe(0);
    expect(Math.abs(estimateSkew(faint, { dpi: 100, threshold: 188 }) - 2)).toBeLessThan(0.3);
  });

  it("returns 0 for a blank page", () => {
    expect(estimateSkew(blankPage(850, 1100), { dpi: 100 })).toBe(0);
  });

  it("rotating back by the estimate restores the page", () => {
    const skewed = rotateGray(page, 2.2);
    const straightened = rotateGray(skewed, -estimateSkew(skewed, { dpi: 100 }));
    // Bilinear resampling twice blurs edges a little; the skewed page differs far more.
    expect(centralDifference(straightened, page)).toBeLessThan(centralDifference(skewed, page) / 3);
  });

  it("keeps the canvas size and fills uncovered corners with the background", () => {
    const gray = blankPage(200, 300, 0);
    const out = rotateGray(gray, 3, 255);
    expect(out).toMatchObject({ width: 200, height: 300, stride: 200 });
    expect(out.pixels[0]).toBe(255); // top-left corner came from outside the source
    expect(out.pixels[150 * 200 + 100]).toBe(0); // the centre did not move
  });

  it("reads a strided source", () => {
    const skewed = rotateGray(page, 1);
    const strided = withStride(skewed, 13);
    expect(centralDifference(rotateGray(strided, 1), rotateGray(skewed, 1), 0)).toBe(0);
    expect(estimateSkew(strided, { dpi: 100 })).toBe(estimateSkew(skewed, { dpi: 100 }));
  });
});
