import { describe, expect, it } from "vitest";
import { correctKeystone } from "../../../shared/adapters/local-ocr/correct-keystone";
import { scanPointMapper } from "../../../shared/adapters/local-ocr/page-straightening";
import { keystone, unevenLight } from "../../../samples/generator/degrade";
import type { GrayImage } from "../../../shared/adapters/local-ocr/remove-rule-lines";
import { textPage, withStride } from "./synthetic-page";

/** A text page photographed at a slant (the generator's keystone), as the local engine's GrayImage. */
function photographed(amount: number, light = false) {
  const page = textPage({ width: 850, height: 1100 });
  const flat = { width: page.width, height: page.height, dpi: 100, pixels: Uint8Array.from(page.pixels) };
  let shot = keystone(flat, amount, 90);
  if (light) shot = unevenLight(shot, { cx: 0.8, cy: 0.1, falloff: 0.4, ramp: 0.1 });
  return { page, image: { pixels: shot.pixels, width: shot.width, height: shot.height, stride: shot.width } };
}

describe("correctKeystone", () => {
  it("finds how much narrower the page's top is and stretches every row back to the page's width", () => {
    const { page, image } = photographed(0.12);
    // Where each text row's ink starts and ends: on the slanted photo the upper rows' margins are wider.
    const rows = [300, 492, 708, 900];
    const margins = (img: GrayImage) =>
      rows.map((y) => {
        const ink: number[] = [];
        for (let x = 0; x < img.width; x++) if (img.pixels[y * img.stride + x]! < 60) ink.push(x);
        return [ink[0]!, ink.at(-1)!] as const;
      });
    const drift = (img: GrayImage) => {
      const want = margins(page);
      return Math.max(
        ...margins(img).flatMap(([l, r], i) => [Math.abs(l - want[i]![0]), Math.abs(r - want[i]![1])]),
      );
    };
    expect(drift(image)).toBeGreaterThan(20);
    const onPhoto = margins(image);
    const result = correctKeystone(image);
    expect(result.corrected).toBe(true);
    expect(result.keystone).toBeGreaterThan(0.1);
    expect(result.keystone).toBeLessThan(0.14);
    expect(drift(image)).toBeLessThanOrEqual(3);

    // The edges it stretched from map each straightened row's margins back onto the photo (OCR boxes go back
    // to the stored scan this way).
    const toPhoto = scanPointMapper({ keystone: result.edges! }, image.width, image.height);
    margins(image).forEach(([l, r], i) => {
      const y = rows[i]!;
      expect(Math.abs(toPhoto(l, y)[0] - onPhoto[i]![0])).toBeLessThanOrEqual(3);
      expect(Math.abs(toPhoto(r, y)[0] - onPhoto[i]![1])).toBeLessThanOrEqual(3);
      expect(toPhoto(l, y)[1]).toBe(y);
    });
  });

  it("works under uneven light too (the desk is darker than the paper beside it)", () => {
    const { image } = photographed(0.1, true);
    expect(correctKeystone(image).corrected).toBe(true);
  });

  it("leaves a scan, and a photo whose page fills the frame, byte-identical", () => {
    const scan = withStride(textPage({ width: 850, height: 1100 }), 3);
    const before = scan.pixels.slice();
    expect(correctKeystone(scan)).toMatchObject({ corrected: false });
    expect(correctKeystone(scan).edges).toBeUndefined();
    expect(Buffer.compare(Buffer.from(scan.pixels), Buffer.from(before))).toBe(0);
  });
});
