import { readFileSync } from "node:fs";
import * as mupdf from "mupdf";
import { describe, expect, it } from "vitest";
import { recognizeDocument } from "../../../shared/adapters/local-ocr/local-ocr";
import { renderPage } from "../../../shared/adapters/local-ocr/render-pages";
import {
  medianTextLineHeight,
  resolutionFromPaperSize,
  scanResolution,
} from "../../../shared/adapters/local-ocr/scan-resolution";
import { buildModel, extractPart } from "../../../shared/extraction";
import { withPngResolution } from "../../../samples/generator/png-resolution";
import { makeSampleChartPdf } from "../../support/sample-chart";
import { makeGrayTiff, pdfToGrayPage, type GrayPage } from "./fixtures";

const chart = makeSampleChartPdf();
const grayImage = (p: GrayPage) => ({ pixels: p.pixels, width: p.width, height: p.height, stride: p.width });
/** The top `fraction` of a page: a scan that is no standard sheet (a card, a cropped photo). */
const topOf = (p: GrayPage, fraction: number): GrayPage => {
  const height = Math.round(p.height * fraction);
  return { ...p, height, pixels: p.pixels.subarray(0, p.width * height) };
};

/** A one-page PDF that draws `png` as the whole page, sized (wrongly) one point per pixel. */
function pdfOfScan(png: Uint8Array): Uint8Array {
  const doc = new mupdf.PDFDocument();
  const image = new mupdf.Image(png);
  try {
    const [w, h] = [image.getWidth(), image.getHeight()];
    const resources = doc.addObject({ XObject: { Im0: doc.addImage(image) } });
    doc.insertPage(-1, doc.addPage([0, 0, w, h], 0, resources, `q ${w} 0 0 ${h} 0 0 cm /Im0 Do Q`));
    const buf = doc.saveToBuffer("compress");
    try {
      return buf.asUint8Array().slice();
    } finally {
      buf.destroy();
    }
  } finally {
    image.destroy();
    doc.destroy();
  }
}

describe("a scan's resolution, from its pixels", () => {
  it("knows standard sheets by their pixel size, in either orientation", () => {
    expect(resolutionFromPaperSize(2550, 3300)).toBe(300); // Letter
    expect(resolutionFromPaperSize(3300, 2550)).toBe(300);
    expect(resolutionFromPaperSize(2480, 3508)).toBeCloseTo(300, -1); // A4
    expect(resolutionFromPaperSize(1700, 2800)).toBe(200); // Legal
    expect(resolutionFromPaperSize(2544, 3296)).toBeCloseTo(300, -1); // a few pixels cropped
    expect(resolutionFromPaperSize(1412, 964)).toBeUndefined(); // a card
    expect(resolutionFromPaperSize(612, 792)).toBeUndefined(); // Letter at 72: not a scan resolution
  });

  it("estimates it from the height of the text lines", () => {
    for (const dpi of [150, 300]) {
      const lineHeight = medianTextLineHeight(grayImage(pdfToGrayPage(chart, dpi)))!;
      const estimate = scanResolution({
        width: 1,
        height: 1,
        declaredDpi: 72,
        textLineHeight: () => lineHeight,
      });
      expect(estimate.source).toBe("text-height");
      expect(estimate.dpi).toBeGreaterThan(dpi * 0.75);
      expect(estimate.dpi).toBeLessThan(dpi * 1.33);
    }
    const blank = { pixels: new Uint8Array(400 * 300).fill(255), width: 400, height: 300, stride: 400 };
    expect(medianTextLineHeight(blank)).toBeUndefined();
  });

  it("believes a declared resolution that the text agrees with, but never a software default", () => {
    const lineHeight = () => 30; // about 260 dpi
    expect(scanResolution({ width: 1, height: 1, declaredDpi: 300, textLineHeight: lineHeight })).toEqual({
      dpi: 300,
      source: "declared",
    });
    expect(scanResolution({ width: 1, height: 1, declaredDpi: 96, textLineHeight: lineHeight }).source).toBe(
      "text-height",
    );
    expect(scanResolution({ width: 1, height: 1, declaredDpi: 96, textLineHeight: () => undefined })).toEqual(
      {
        dpi: 96,
        source: "declared",
      },
    );
  });
});

describe("rendering a scan whose file declares the wrong resolution", () => {
  const letter300 = renderPage(chart, 1, { dpi: 300 }).png;

  it("renders a Letter PNG tagged 72 dpi, 96 dpi or nothing as the 300 dpi page it is", () => {
    for (const declared of [72, 96, undefined]) {
      const page = renderPage(withPngResolution(letter300, declared), 1);
      expect(page).toMatchObject({ width: 2550, height: 3300, dpi: 300 });
    }
  });

  it("reads a cropped scan's resolution from its text, whatever the TIFF says", () => {
    const cropped = topOf(pdfToGrayPage(chart, 300), 0.6);
    const page = renderPage(makeGrayTiff([{ ...cropped, dpi: 72 }]), 1);
    expect(page).toMatchObject({ width: cropped.width, height: cropped.height });
    expect(page.dpi).toBeGreaterThan(225);
    expect(page.dpi).toBeLessThan(400);
  });

  it("renders a PDF whose page is a scan at the scan's pixels, not at 300 dpi of the page size it claims", () => {
    // The page claims 35 × 46 inches: at 300 dpi that was a 10,625 × 13,750 bitmap.
    const page = renderPage(pdfOfScan(letter300), 1);
    expect(page).toMatchObject({ width: 2550, height: 3300, dpi: 300 });
  });

  it("downscales a true 600 dpi scan tagged 96 to 300 dpi", () => {
    const letter600 = renderPage(chart, 1, { dpi: 600 }).png;
    expect(renderPage(withPngResolution(letter600, 96), 1)).toMatchObject({
      width: 2550,
      height: 3300,
      dpi: 300,
    });
  });
});

describe("OCR of a real scan whose resolution tag is wrong (real mupdf + tesseract.js)", () => {
  it(
    "extracts the same document type and fields as from the correctly tagged file",
    { timeout: 60_000 },
    async () => {
      // A 2550 × 3300 discharge summary tagged 300 dpi; at 72 dpi nothing was found, at 96 or untagged its
      // letterhead came out as stray letters and the summary was classified "other".
      const png = readFileSync(new URL("../../fixtures/images/discharge-summary.png", import.meta.url));
      const read = async (declared: number | undefined) => {
        const result = extractPart(buildModel(await recognizeDocument(withPngResolution(png, declared))));
        const values = Object.entries(result.fields).map(([name, field]) => [name, field!.value]);
        return { documentType: result.documentType, fields: Object.fromEntries(values) };
      };
      const truth = await read(300);
      expect(truth.documentType).toBe("discharge_summary");
      expect(truth.fields).toMatchObject({ patientName: "John Doe", admissionDate: "2020-09-07" });
      for (const declared of [72, 96, undefined]) expect(await read(declared)).toEqual(truth);
    },
  );
});

describe("OCR of a low-resolution form screenshot (real mupdf + local OCR)", () => {
  it(
    "reads its small captions once upscaled: the patient's name and date of birth are found",
    { timeout: 60_000 },
    async () => {
      // 902 × 598 pixels; the 6-point captions ("PATIENT NAME", "DATE OF BIRTH") are 5 pixels tall, which
      // tesseract read as "bat PATIENT PRO" and "owe oF sie" at the image's own size.
      const png = readFileSync(
        new URL("../../fixtures/images/Medical Progress Tracker.png", import.meta.url),
      );
      const result = extractPart(buildModel(await recognizeDocument(new Uint8Array(png))));
      expect(result.documentType).toBe("progress_note");
      expect(result.fields.patientName?.value).toBe("Jane Doe");
      expect(result.fields.dateOfBirth?.value).toBe("2000-01-01");
      // A template's "XX-XX-XXXX" and the table's dates are no record number.
      expect(result.fields.mrn).toBeUndefined();
    },
  );
});
