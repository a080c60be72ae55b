import * as mupdf from "mupdf";
import { ChartbridgeError } from "../../errors/chartbridge-error";
import { forEachDrawnImage } from "../../intake/drawn-images";
import { cleanUpScan } from "./preprocess-scan";
import { removeRuleLines } from "./remove-rule-lines";

/**
 * Rasterizes uploaded charts (PDF, multi-page TIFF, PNG, JPEG) with mupdf (WASM) so tesseract gets one
 * bitmap per page. mupdf objects live in WASM memory and are only reclaimed by a FinalizationRegistry
 * eventually, so everything created here is destroyed explicitly.
 */

export type SupportedMimeType = "application/pdf" | "image/tiff" | "image/png" | "image/jpeg";

export interface RenderOptions {
  /** Target resolution. PDFs render at exactly this; images at their own resolution, capped at this. */
  dpi?: number;
  /** Grayscale is the default: tesseract binarizes anyway, and the PNG is a third the size. */
  color?: "gray" | "rgb";
  /** Erase table borders and form boxes so tesseract reads the text inside them (default true, gray only). */
  removeRuleLines?: boolean;
  /**
   * Scan clean-up before OCR (default true, gray only): levels stretched so paper is white and ink black, and
   * skewed pages straightened (see `cleanUpScan`). Clean renders pass through unchanged.
   */
  cleanUp?: boolean;
}

export interface RenderedPage {
  /** 1-based. */
  pageNumber: number;
  png: Uint8Array;
  width: number;
  height: number;
  /** The resolution actually used (lower than requested for low-resolution images). */
  dpi: number;
  /**
   * Degrees the page was rotated by (positive = clockwise) to straighten a skewed scan; 0 if it was not.
   * The image, and so every OCR box measured on it, is the straightened page (same pixel size as the scan).
   */
  rotation: number;
}

export const DEFAULT_DPI = 300;
const POINTS_PER_INCH = 72;
/** A 40-inch page (the largest PDF page Textract takes) at the default resolution; images stay below it. */
export const MAX_RENDER_SIDE = 40 * DEFAULT_DPI;

/** Sniffs the format from magic bytes: upload content types are client-supplied and often wrong. */
export function detectMimeType(bytes: Uint8Array): SupportedMimeType | undefined {
  const b = (i: number) => bytes[i];
  if (b(0) === 0x25 && b(1) === 0x50 && b(2) === 0x44 && b(3) === 0x46) return "application/pdf"; // %PDF
  if (b(0) === 0x89 && b(1) === 0x50 && b(2) === 0x4e && b(3) === 0x47) return "image/png";
  if (b(0) === 0xff && b(1) === 0xd8 && b(2) === 0xff) return "image/jpeg";
  if (
    (b(0) === 0x49 && b(1) === 0x49 && b(2) === 0x2a && b(3) === 0) ||
    (b(0) === 0x4d && b(1) === 0x4d && b(2) === 0 && b(3) === 0x2a)
  )
    return "image/tiff";
  // Some scanners prepend junk before %PDF; PDF readers accept it within the first 1 KiB.
  const head = new TextDecoder("latin1").decode(bytes.subarray(0, 1024));
  if (head.includes("%PDF-")) return "application/pdf";
  return undefined;
}

/** MuPDF cannot open the document; mupdf's own text, if any, is kept as the cause (not logged). */
export class UnsupportedDocumentError extends ChartbridgeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(
      { name: "UnsupportedDocumentError", code: "UNSUPPORTED_DOCUMENT", retryable: false },
      message,
      options,
    );
  }
}

/**
 * A page whose bitmap would exceed MAX_RENDER_SIDE: refused before anything is allocated. The message is the
 * bare code, so the OCR failure is logged with it (complete-ocr logs code-shaped status messages only).
 */
export class PageTooLargeError extends ChartbridgeError {
  constructor() {
    super({ name: "PageTooLargeError", code: "PAGE_TOO_LARGE", retryable: false });
  }
}

/** An open document. Call `close()` when done (or use `withPages`). */
export class PageRenderer {
  readonly pageCount: number;
  private doc: mupdf.Document | undefined;

  constructor(
    bytes: Uint8Array,
    readonly mimeType: SupportedMimeType | undefined = detectMimeType(bytes),
  ) {
    if (!mimeType) throw new UnsupportedDocumentError("not a PDF, TIFF, PNG or JPEG document");
    try {
      this.doc = mupdf.Document.openDocument(bytes, mimeType);
    } catch (err) {
      throw new UnsupportedDocumentError(`cannot open ${mimeType}`, { cause: err });
    }
    if (this.doc.needsPassword()) {
      this.close();
      throw new UnsupportedDocumentError("document is password-protected");
    }
    this.pageCount = this.doc.countPages();
  }

  /** Renders page `pageNumber` (1-based) to PNG. Synchronous: mupdf runs on the calling thread. */
  render(pageNumber: number, options: RenderOptions = {}): RenderedPage {
    if (!this.doc) throw new Error("PageRenderer is closed");
    if (!Number.isInteger(pageNumber) || pageNumber < 1 || pageNumber > this.pageCount)
      throw new RangeError(`page ${pageNumber} is outside 1..${this.pageCount}`);
    const target = options.dpi ?? DEFAULT_DPI;
    const page = this.doc.loadPage(pageNumber - 1);
    let pixmap: mupdf.Pixmap | undefined;
    try {
      const native = this.mimeType === "application/pdf" ? undefined : nativeImageDpi(page);
      // Upscaling a 200 DPI fax only costs OCR time (measured: word recall on degraded 200 DPI scans is
      // unchanged once they are deskewed, for ~2.2x the pixels to recognize); downscaling a 600 DPI scan to
      // 300 loses nothing tesseract uses.
      const dpi = native ? Math.min(target, native) : target;
      const scale = dpi / POINTS_PER_INCH;
      const [x0, y0, x1, y1] = page.getBounds();
      if (Math.max(x1 - x0, y1 - y0) * scale > MAX_RENDER_SIDE) throw new PageTooLargeError();
      const colorspace = options.color === "rgb" ? mupdf.ColorSpace.DeviceRGB : mupdf.ColorSpace.DeviceGray;
      pixmap = page.toPixmap(mupdf.Matrix.scale(scale, scale), colorspace, false, true);
      // Written into the PNG pHYs chunk, so tesseract knows the resolution instead of guessing it.
      pixmap.setResolution(Math.round(dpi), Math.round(dpi));
      let rotation = 0;
      if (options.color !== "rgb") {
        const [width, height, stride] = [pixmap.getWidth(), pixmap.getHeight(), pixmap.getStride()];
        const image = { pixels: pixmap.getPixels(), width, height, stride };
        // Before rule removal: its thresholds assume black on white, and it tracks rules in a 3 px band.
        if (options.cleanUp !== false) rotation = cleanUpScan(image, dpi).rotation;
        if (options.removeRuleLines !== false) removeRuleLines(image, dpi);
      }
      const [width, height] = [pixmap.getWidth(), pixmap.getHeight()];
      return { pageNumber, png: pixmap.asPNG(), width, height, dpi, rotation };
    } finally {
      pixmap?.destroy();
      page.destroy();
    }
  }

  close(): void {
    this.doc?.destroy();
    this.doc = undefined;
  }
}

/**
 * Pixels per inch of the largest image drawn on an image-document page (TIFF/PNG/JPEG pages are one image).
 * Measured from pixels vs. drawn size rather than the file's DPI tag, because mupdf already substitutes a
 * default for missing/absurd tags when it sizes the page, and this way the two always agree.
 */
function nativeImageDpi(page: mupdf.Page): number | undefined {
  let best: number | undefined;
  forEachDrawnImage(page, (image, ctm) => {
    const widthPts = Math.hypot(ctm[0], ctm[1]);
    const heightPts = Math.hypot(ctm[2], ctm[3]);
    if (widthPts > 0 && heightPts > 0) {
      const dpi = Math.max(image.getWidth() / widthPts, image.getHeight() / heightPts) * POINTS_PER_INCH;
      best = Math.max(best ?? 0, dpi);
    }
  });
  return best;
}

/** Opens a document, runs `fn`, and always frees the WASM memory. */
export function withPages<T>(
  bytes: Uint8Array,
  fn: (doc: PageRenderer) => T,
  mimeType?: SupportedMimeType,
): T {
  const doc = new PageRenderer(bytes, mimeType);
  try {
    return fn(doc);
  } finally {
    doc.close();
  }
}

export function countPages(bytes: Uint8Array, mimeType?: SupportedMimeType): number {
  return withPages(bytes, (doc) => doc.pageCount, mimeType);
}

export function renderPage(bytes: Uint8Array, pageNumber: number, options?: RenderOptions): RenderedPage {
  return withPages(bytes, (doc) => doc.render(pageNumber, options));
}
