import * as mupdf from "mupdf";
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from "vitest";
import { validateUpload } from "../../../shared/intake/validate-upload";
import { INCH, jpegBomb, pdfWithPages, pngBomb, tiffBomb } from "./bomb-files";

/** Decoding is MuPDF's job: a file refused from its headers must never be opened by it. */
let openDocument: MockInstance;
beforeEach(() => {
  openDocument = vi.spyOn(mupdf.Document, "openDocument");
});
afterEach(() => openDocument.mockRestore());

describe("files whose headers claim pages beyond Textract's limits", () => {
  it("rejects a tiny JPEG claiming 65,000 × 65,000 pixels as IMAGE_TOO_LARGE without decoding it", () => {
    const jpeg = jpegBomb();
    expect(jpeg.length).toBeLessThan(1024);
    expect(validateUpload(jpeg)).toMatchObject({
      ok: false,
      reasonCode: "IMAGE_TOO_LARGE",
      detail: "maxPixelSide=65000",
      fileType: "jpeg",
    });
    expect(openDocument).not.toHaveBeenCalled();
  });

  it("rejects an arithmetic-coded JPEG claiming 65,000 × 65,000 pixels from MuPDF's header, before decoding", () => {
    const toPixmap = vi.spyOn(mupdf.Page.prototype, "toPixmap");
    try {
      expect(validateUpload(jpegBomb(65_000, 65_000, 0xc9))).toMatchObject({
        ok: false,
        reasonCode: "IMAGE_TOO_LARGE",
        detail: "maxPixelSide=65000",
      });
      expect(toPixmap).not.toHaveBeenCalled();
      expect(validateUpload(jpegBomb(16, 16, 0xc9))).toMatchObject({ ok: true, maxPixelSide: 16 });
    } finally {
      toPixmap.mockRestore();
    }
  });

  it.each([
    ["png", "IHDR", pngBomb],
    ["tiff", "IFD", tiffBomb],
  ] as const)(
    "rejects a %s whose %s claims 65,000 × 65,000 pixels as IMAGE_TOO_LARGE",
    (fileType, _, bomb) => {
      expect(validateUpload(bomb())).toMatchObject({
        ok: false,
        reasonCode: "IMAGE_TOO_LARGE",
        detail: "maxPixelSide=65000",
        fileType,
      });
      expect(openDocument).not.toHaveBeenCalled();
    },
  );

  it("checks every TIFF page, not only the first", () => {
    const tiff = tiffBomb([
      { width: 8, height: 8 },
      { width: 8, height: 8 },
      { width: 40_000, height: 12 },
    ]);
    expect(validateUpload(tiff)).toMatchObject({
      ok: false,
      reasonCode: "IMAGE_TOO_LARGE",
      detail: "maxPixelSide=40000",
    });
    expect(openDocument).not.toHaveBeenCalled();
  });

  it("rejects a PDF with a 200 × 200 inch page as PAGE_TOO_LARGE", () => {
    const pdf = pdfWithPages([
      { width: 8.5 * INCH, height: 11 * INCH },
      { width: 200 * INCH, height: 200 * INCH },
    ]);
    expect(validateUpload(pdf)).toMatchObject({
      ok: false,
      reasonCode: "PAGE_TOO_LARGE",
      detail: "maxPageSideInches=200",
      fileType: "pdf",
      pageCount: 2,
    });
  });

  it("accepts images and pages exactly at the limits", () => {
    expect(validateUpload(pdfWithPages([{ width: 40 * INCH, height: 40 * INCH }]))).toMatchObject({
      ok: true,
      pageCount: 1,
    });
    expect(validateUpload(tiffBomb([{ width: 10_000, height: 4 }]))).toMatchObject({
      ok: true,
      maxPixelSide: 10_000,
    });
  });
});
