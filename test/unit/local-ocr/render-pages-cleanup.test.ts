import { describe, expect, it } from "vitest";
import * as mupdf from "mupdf";
import { estimateSkew, rotateGray } from "../../../shared/adapters/local-ocr/deskew";
import { PageRenderer, renderPage } from "../../../shared/adapters/local-ocr/render-pages";
import { makeSampleChartPdf } from "../../support/sample-chart";
import { makeGrayTiff, pdfToGrayPage } from "./fixtures";

const pdf = makeSampleChartPdf({ pages: 1 });

/** Decodes a rendered PNG back to gray pixels. */
function decode(png: Uint8Array) {
  const pix = new mupdf.Image(png).toPixmap();
  try {
    const width = pix.getWidth();
    const height = pix.getHeight();
    const stride = pix.getStride();
    return { pixels: Uint8Array.from(pix.getPixels()), width, height, stride };
  } finally {
    pix.destroy();
  }
}

/** A 150 DPI scan of the sample chart, skewed by `degrees` on grey paper with faded toner. */
function skewedScanTiff(degrees: number): Uint8Array {
  const page = pdfToGrayPage(pdf, 150);
  const skewed = rotateGray({ ...page, stride: page.width }, degrees);
  const pixels = Uint8Array.from(skewed.pixels, (v) => Math.round(60 + (v * (228 - 60)) / 255));
  return makeGrayTiff([{ ...page, pixels }]);
}

describe("render-pages scan clean-up", () => {
  it("straightens a skewed scan and reports the rotation", () => {
    const doc = new PageRenderer(skewedScanTiff(2.4));
    try {
      const page = doc.render(1);
      expect(page).toMatchObject({ width: 1275, height: 1650 });
      expect(Math.abs(page.rotation + 2.4)).toBeLessThan(0.3);
      expect(page.straightening).toEqual({ rotation: page.rotation });
      const image = decode(page.png);
      expect(Math.abs(estimateSkew(image, { dpi: 150 }))).toBeLessThan(0.3);
      // Levels were stretched: the grey paper is white now.
      expect(image.pixels[Math.round(image.height / 2) * image.stride + 5]).toBe(255);

      const raw = doc.render(1, { cleanUp: false });
      expect(raw.rotation).toBe(0);
      expect(raw).not.toHaveProperty("straightening");
      expect(Math.abs(estimateSkew(decode(raw.png), { dpi: 150, threshold: 144 }) - 2.4)).toBeLessThan(0.3);
    } finally {
      doc.close();
    }
  });

  it("leaves a clean PDF render as it was", () => {
    const cleaned = renderPage(pdf, 1, { dpi: 100 });
    const untouched = renderPage(pdf, 1, { dpi: 100, cleanUp: false });
    expect(cleaned.rotation).toBe(0);
    expect(Buffer.compare(cleaned.png, untouched.png)).toBe(0);
  });
});
