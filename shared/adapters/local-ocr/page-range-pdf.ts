import * as mupdf from "mupdf";
import type { PageRangeExtractor } from "../../api/page-images";
import { detectMimeType, UnsupportedDocumentError } from "./render-pages";

/** Resolution image pages (TIFF, PNG, JPEG) are re-encoded at: a scan's own, for most; enough to read. */
const IMAGE_DPI = 200;
const POINTS_PER_INCH = 72;

/**
 * Pages `first`–`last` of a scan as a PDF of their own, with mupdf. A PDF's pages are copied as they are
 * (graftPage keeps their content and resources, nothing else of the file); an image's pages are placed as
 * images on pages of the same size. Everything mupdf allocates is destroyed here (WASM memory).
 */
export const mupdfPageRanges: PageRangeExtractor = {
  async extractPdf(scan: Uint8Array, first: number, last: number): Promise<Uint8Array> {
    const type = detectMimeType(scan);
    if (!type) throw new UnsupportedDocumentError("not a PDF, TIFF, PNG or JPEG");
    const out = new mupdf.PDFDocument();
    const source = mupdf.Document.openDocument(scan, type);
    try {
      const count = source.countPages();
      if (first < 1 || last < first || last > count)
        throw new UnsupportedDocumentError("page range outside the file");
      if (type === "application/pdf") {
        const pdf = source as mupdf.PDFDocument;
        for (let p = first - 1; p < last; p++) out.graftPage(-1, pdf, p);
      } else {
        for (let p = first - 1; p < last; p++) copyImagePage(source, p, out);
      }
      return new Uint8Array(out.saveToBuffer("compress,garbage").asUint8Array());
    } finally {
      source.destroy();
      out.destroy();
    }
  },
};

function copyImagePage(source: mupdf.Document, index: number, out: mupdf.PDFDocument): void {
  const page = source.loadPage(index);
  let pixmap: mupdf.Pixmap | undefined;
  let image: mupdf.Image | undefined;
  try {
    const [x0, y0, x1, y1] = page.getBounds();
    const scale = IMAGE_DPI / POINTS_PER_INCH;
    pixmap = page.toPixmap(mupdf.Matrix.scale(scale, scale), mupdf.ColorSpace.DeviceRGB, false, true);
    image = new mupdf.Image(pixmap);
    const ref = out.addImage(image);
    const [w, h] = [x1 - x0, y1 - y0];
    out.insertPage(
      -1,
      out.addPage([0, 0, w, h], 0, { XObject: { Im0: ref } }, `q ${w} 0 0 ${h} 0 0 cm /Im0 Do Q`),
    );
  } finally {
    image?.destroy();
    pixmap?.destroy();
    page.destroy();
  }
}
