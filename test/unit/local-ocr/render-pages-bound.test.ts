import { describe, expect, it } from "vitest";
import { recognizeDocument } from "../../../shared/adapters/local-ocr/local-ocr";
import { PageRenderer, PageTooLargeError } from "../../../shared/adapters/local-ocr/render-pages";
import { INCH, pdfWithPages } from "../intake/bomb-files";

describe("local OCR rendering of outsized pages", () => {
  const poster = pdfWithPages([
    { width: 8.5 * INCH, height: 11 * INCH },
    { width: 200 * INCH, height: 200 * INCH },
  ]);

  it("refuses to render a 200 × 200 inch PDF page instead of allocating its bitmap", () => {
    const doc = new PageRenderer(poster);
    try {
      expect(doc.render(1)).toMatchObject({ width: 2550, height: 3300 });
      expect(() => doc.render(2)).toThrow(PageTooLargeError);
    } finally {
      doc.close();
    }
  });

  it("fails the document with PAGE_TOO_LARGE, a code the OCR completion logs", async () => {
    const pool = { size: 1, recognize: async () => ({ lines: [] }) };
    await expect(recognizeDocument(poster, { pool: pool as never })).rejects.toThrow(/^PAGE_TOO_LARGE$/);
  });

  it("still renders a 40-inch page, the largest intake accepts", () => {
    const doc = new PageRenderer(pdfWithPages([{ width: 40 * INCH, height: 2 * INCH }]));
    try {
      expect(doc.render(1)).toMatchObject({ width: 12_000, height: 600 });
    } finally {
      doc.close();
    }
  });
});
