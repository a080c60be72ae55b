import { describe, expect, it } from "vitest";
import * as mupdf from "mupdf";
import {
  PageRenderer,
  UnsupportedDocumentError,
  countPages,
  detectMimeType,
  renderPage,
  upscaledDpi,
} from "../../../shared/adapters/local-ocr/render-pages";
import { makeSampleChartPdf } from "../../support/sample-chart";
import { makeGrayTiff, pdfToGrayPage } from "./fixtures";

const pdf = makeSampleChartPdf({ pages: 2, lines: ["MRN: 00123456"] });
const isPng = (b: Uint8Array) => b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47;

/** Decodes a PNG with mupdf to check what was really encoded. */
function pngInfo(png: Uint8Array) {
  const img = new mupdf.Image(png);
  try {
    return {
      width: img.getWidth(),
      height: img.getHeight(),
      components: img.getNumberOfComponents(),
      dpi: img.getXResolution(),
    };
  } finally {
    img.destroy();
  }
}

describe("render-pages", () => {
  it("sniffs formats from magic bytes", () => {
    expect(detectMimeType(pdf)).toBe("application/pdf");
    expect(detectMimeType(new Uint8Array([0x49, 0x49, 42, 0]))).toBe("image/tiff");
    expect(detectMimeType(new Uint8Array([0x4d, 0x4d, 0, 42]))).toBe("image/tiff");
    expect(detectMimeType(new Uint8Array([0xff, 0xd8, 0xff, 0xe0]))).toBe("image/jpeg");
    expect(detectMimeType(new TextEncoder().encode("garbage"))).toBeUndefined();
  });

  it("renders PDF pages at the target DPI in grayscale by default", () => {
    expect(countPages(pdf)).toBe(2);
    const page = renderPage(pdf, 2);
    expect(page).toMatchObject({ pageNumber: 2, width: 2550, height: 3300, dpi: 300 });
    expect(isPng(page.png)).toBe(true);
    expect(pngInfo(page.png)).toEqual({ width: 2550, height: 3300, components: 1, dpi: 300 });
    const rgb = renderPage(pdf, 1, { dpi: 150, color: "rgb" });
    expect(pngInfo(rgb.png)).toMatchObject({ width: 1275, height: 1650, components: 3 });
  });

  it("renders every page of a multi-page TIFF at its own resolution when that is 150 DPI or more", () => {
    const page = pdfToGrayPage(pdf, 200);
    const tiff = makeGrayTiff([page, page, page]);
    expect(detectMimeType(tiff)).toBe("image/tiff");
    const doc = new PageRenderer(tiff);
    try {
      expect(doc.pageCount).toBe(3);
      const third = doc.render(3);
      expect(third).toMatchObject({ width: page.width, height: page.height });
      expect(third.dpi).toBeCloseTo(200, 5);
      // A 200 DPI scan asked for 100 DPI is downscaled.
      expect(doc.render(1, { dpi: 100 }).width).toBe(Math.round(page.width / 2));
    } finally {
      doc.close();
    }
  });

  it("upscales a large low-resolution image only within a Legal sheet's pixels at 300 DPI", () => {
    // A Letter screenshot at 100 DPI goes to 300; a 50 × 70 inch poster at 100 DPI stays at its own pixels
    // (tripled it would be 15,000 × 21,000, past what a page may render at).
    expect(upscaledDpi(100, 300, 8.5 * 11)).toBe(300);
    expect(upscaledDpi(100, 300, 50 * 70)).toBe(100);
    expect(upscaledDpi(100, 300, 20 * 26)).toBeCloseTo(Math.sqrt((2550 * 4200) / (20 * 26)), 5);
  });

  it("upscales a low-resolution image (a screenshot, a 100 DPI fax) to the target, at most threefold", () => {
    // Tesseract misreads 6-point captions at 5 pixels tall; at three times the pixels it reads them.
    const png = renderPage(pdf, 1, { dpi: 120 }).png;
    expect(detectMimeType(png)).toBe("image/png");
    expect(renderPage(png, 1)).toMatchObject({ width: 2550, height: 3300, dpi: 300 });
    const fax = makeGrayTiff([pdfToGrayPage(pdf, 72)]);
    const rendered = renderPage(fax, 1);
    expect(rendered).toMatchObject({ width: 1836, height: 2376 });
    // Its resolution comes from the text: near 72, so three times that.
    expect(rendered.dpi).toBeGreaterThan(190);
    expect(rendered.dpi).toBeLessThan(260);
  });

  it("rejects garbage and out-of-range pages", () => {
    expect(() => new PageRenderer(new TextEncoder().encode("not a chart"))).toThrow(UnsupportedDocumentError);
    const truncated = pdf.subarray(0, 20);
    expect(() => countPages(truncated)).toThrow();
    expect(() => renderPage(pdf, 3)).toThrow(RangeError);
  });
});
