import * as mupdf from "mupdf";
import type { GrayPage } from "../../samples/generator/tiff";

/**
 * Rasterizes page `pageNumber` (1-based) of a PDF to raw gray pixels at `dpi`: a clean "scan" to degrade
 * (samples/generator/degrade.ts) or to write as a TIFF.
 */
export function pdfToGrayPage(pdf: Uint8Array, dpi: number, pageNumber = 1): GrayPage {
  const doc = mupdf.Document.openDocument(pdf, "application/pdf");
  const page = doc.loadPage(pageNumber - 1);
  const pix = page.toPixmap(mupdf.Matrix.scale(dpi / 72, dpi / 72), mupdf.ColorSpace.DeviceGray, false);
  try {
    const width = pix.getWidth();
    const height = pix.getHeight();
    const stride = pix.getStride();
    const src = pix.getPixels();
    const pixels = new Uint8Array(width * height);
    for (let y = 0; y < height; y++) pixels.set(src.subarray(y * stride, y * stride + width), y * width);
    return { width, height, pixels, dpi };
  } finally {
    pix.destroy();
    page.destroy();
    doc.destroy();
  }
}
