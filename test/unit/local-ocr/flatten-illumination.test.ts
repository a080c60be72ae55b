import { describe, expect, it } from "vitest";
import { flattenIllumination } from "../../../shared/adapters/local-ocr/flatten-illumination";
import { cleanUpScan } from "../../../shared/adapters/local-ocr/preprocess-scan";
import { textPage, withStride } from "./synthetic-page";

/** The page under a lamp at its top-left corner: the far corner gets `falloff` less light. */
function underLamp(falloff: number) {
  const page = textPage({ width: 850, height: 1100 });
  const { width, height } = page;
  const far = Math.hypot(width, height);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const d = Math.hypot(x, y) / far;
      page.pixels[y * width + x] = Math.round(page.pixels[y * width + x]! * (1 - falloff * d * d));
    }
  return page;
}

/** The median grey of the paper (pixels that are paper on the unlit page) in a 100-pixel corner square. */
function paperIn(image: ReturnType<typeof textPage>, corner: "top-left" | "bottom-right") {
  const lit = textPage({ width: 850, height: 1100 });
  const x0 = corner === "top-left" ? 0 : image.width - 100;
  const y0 = corner === "top-left" ? 0 : image.height - 100;
  const values: number[] = [];
  for (let y = y0; y < y0 + 100; y++)
    for (let x = x0; x < x0 + 100; x++)
      if (lit.pixels[y * lit.width + x] === 255) values.push(image.pixels[y * image.stride + x]!);
  return values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
}

describe("flattenIllumination", () => {
  it("evens out a photo's light: the shadowed corner's paper is as light as the lit one's", () => {
    const page = underLamp(0.45);
    expect(paperIn(page, "top-left") - paperIn(page, "bottom-right")).toBeGreaterThan(90);
    const result = flattenIllumination(page, 100);
    expect(result.flattened).toBe(true);
    expect(Math.abs(paperIn(page, "top-left") - paperIn(page, "bottom-right"))).toBeLessThanOrEqual(12);
  });

  it("then one threshold separates ink from paper everywhere on the page", () => {
    const page = underLamp(0.45);
    cleanUpScan(page, 100);
    const ink = textPage({ width: 850, height: 1100 }).pixels;
    let wrong = 0;
    for (let i = 0; i < ink.length; i++) if (page.pixels[i]! < 128 !== (ink[i] === 0)) wrong++;
    expect(wrong / ink.length).toBeLessThan(0.005);
  });

  it("leaves an evenly lit page (any scan) byte-identical, stride padding included", () => {
    const page = withStride(textPage({ paper: 236, ink: 40 }), 3);
    const before = page.pixels.slice();
    expect(flattenIllumination(page, 100).flattened).toBe(false);
    expect(Buffer.compare(Buffer.from(page.pixels), Buffer.from(before))).toBe(0);
  });
});
