import * as mupdf from "mupdf";
import { ChartbridgeError } from "../../errors/chartbridge-error";
import { forEachDrawnImage } from "../../intake/drawn-images";
import { isStraightened, type PageStraightening } from "./page-straightening";
import { cleanUpScan } from "./preprocess-scan";
import { removeRuleLines } from "./remove-rule-lines";
import { medianTextLineHeight, scanResolution } from "./scan-resolution";

/**
 * Rasterizes uploaded charts (PDF, multi-page TIFF, PNG, JPEG) with mupdf (WASM) so tesseract gets one
 * bitmap per page. mupdf objects live in WASM memory and are only reclaimed by a FinalizationRegistry
 * eventually, so everything created here is destroyed explicitly.
 */

export type SupportedMimeType = "application/pdf" | "image/tiff" | "image/png" | "image/jpeg";

export interface RenderOptions {
  /**
   * Target resolution. Pages of text render at exactly this; scans at their own pixels, capped at this (their
   * resolution read from the pixels, not the file's tag).
   */
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
  /** The true resolution of the rendered page (lower than requested for low-resolution scans). */
  dpi: number;
  /**
   * Degrees the page was rotated by (positive = clockwise) to straighten a skewed scan; 0 if it was not.
   * The image, and so every OCR box measured on it, is the straightened page (same pixel size as the scan).
   */
  rotation: number;
  /** How the page was straightened (rotation, a photo's slant), to map boxes back onto the scan. */
  straightening?: PageStraightening;
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
      const { scale, dpi } = renderScale(page, this.mimeType === "application/pdf", target);
      const [x0, y0, x1, y1] = page.getBounds();
      if (Math.max(x1 - x0, y1 - y0) * scale > MAX_RENDER_SIDE) throw new PageTooLargeError();
      const colorspace = options.color === "rgb" ? mupdf.ColorSpace.DeviceRGB : mupdf.ColorSpace.DeviceGray;
      pixmap = page.toPixmap(mupdf.Matrix.scale(scale, scale), colorspace, false, true);
      // Written into the PNG pHYs chunk, so tesseract knows the resolution instead of guessing it.
      pixmap.setResolution(Math.round(dpi), Math.round(dpi));
      let rotation = 0;
      let straightening: PageStraightening | undefined;
      if (options.color !== "rgb") {
        const [width, height, stride] = [pixmap.getWidth(), pixmap.getHeight(), pixmap.getStride()];
        const image = { pixels: pixmap.getPixels(), width, height, stride };
        // Before rule removal: its thresholds assume black on white, and it tracks rules in a 3 px band.
        if (options.cleanUp !== false) {
          const cleaned = cleanUpScan(image, dpi);
          rotation = cleaned.rotation;
          straightening = {
            ...(rotation ? { rotation } : {}),
            ...(cleaned.keystone ? { keystone: cleaned.keystone } : {}),
          };
        }
        if (options.removeRuleLines !== false) removeRuleLines(image, dpi);
      }
      const [width, height] = [pixmap.getWidth(), pixmap.getHeight()];
      return {
        pageNumber,
        png: pixmap.asPNG(),
        width,
        height,
        dpi,
        rotation,
        ...(isStraightened(straightening) ? { straightening } : {}),
      };
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
 * The scale to render a page at (pixels per point) and the true resolution that gives. A page of text and
 * drawings renders at `target`. A scan (an image document's page, or a PDF page that is one image) renders
 * at its own pixels from 150 DPI up (upscaling a 200 DPI fax only costs OCR time: measured, word recall on
 * degraded 200 DPI scans is unchanged once deskewed, for ~2.2x the pixels), and downscaled to `target` when
 * its true resolution is higher (600 DPI gives tesseract nothing 300 does not). Below 150 DPI (screenshots
 * of forms, low-resolution phone pictures) it is upscaled toward `target`, at most threefold: tesseract
 * misread a form screenshot's 6-point captions ("PATIENT NAME", "DATE OF BIRTH") at 5 pixels tall and read
 * them at three times the pixels. Its true resolution comes from its pixels (scanResolution), not from the
 * size the file gives the page.
 */
function renderScale(page: mupdf.Page, isPdf: boolean, target: number): { scale: number; dpi: number } {
  const scan = scanImage(page, isPdf);
  if (!scan) return { scale: target / POINTS_PER_INCH, dpi: target };
  const [x0, y0, x1, y1] = page.getBounds();
  const [width, height] = [(x1 - x0) * scan.pixelsPerPoint, (y1 - y0) * scan.pixelsPerPoint];
  // A 600 DPI scan of the largest page renders at half its pixels; more than that is not a scan.
  if (Math.max(width, height) > 2 * MAX_RENDER_SIDE) throw new PageTooLargeError();
  const { dpi: scanDpi } = scanResolution({
    width,
    height,
    declaredDpi: scan.pixelsPerPoint * POINTS_PER_INCH,
    textLineHeight: () => textLineHeightOf(page, scan.pixelsPerPoint, Math.max(width, height)),
  });
  const dpi =
    scanDpi < UPSCALE_BELOW_DPI
      ? upscaledDpi(scanDpi, target, (width * height) / (scanDpi * scanDpi))
      : Math.min(target, scanDpi);
  return { scale: (scan.pixelsPerPoint * dpi) / scanDpi, dpi };
}

/** Scans under this resolution are upscaled (toward the target), by at most MAX_UPSCALE. */
const UPSCALE_BELOW_DPI = 150;
const MAX_UPSCALE = 3;
/**
 * An upscaled page stays within the pixels of a Legal sheet at 300 DPI: a large low-resolution image (a
 * spreadsheet printout, a poster) is read at its own size rather than grown past what a page may render at.
 */
const MAX_UPSCALED_PIXELS = 2550 * 4200;

/** The resolution to upscale a low-resolution scan of `squareInches` to: toward `target`, within the caps. */
export function upscaledDpi(scanDpi: number, target: number, squareInches: number): number {
  const withinPixels = Math.sqrt(MAX_UPSCALED_PIXELS / squareInches);
  return Math.max(scanDpi, Math.min(target, scanDpi * MAX_UPSCALE, withinPixels));
}

/** Text lines are measured on a copy of at most this many pixels a side: enough for 6-point type. */
const MEASURE_SIDE = 2000;

/** The median text-line height of a scan page, in the scan's pixels, measured on a reduced gray copy. */
function textLineHeightOf(page: mupdf.Page, pixelsPerPoint: number, longSide: number): number | undefined {
  const reduction = Math.min(1, MEASURE_SIDE / longSide);
  const scale = pixelsPerPoint * reduction;
  const pixmap = page.toPixmap(mupdf.Matrix.scale(scale, scale), mupdf.ColorSpace.DeviceGray, false, true);
  try {
    const image = {
      pixels: pixmap.getPixels(),
      width: pixmap.getWidth(),
      height: pixmap.getHeight(),
      stride: pixmap.getStride(),
    };
    const lineHeight = medianTextLineHeight(image);
    return lineHeight === undefined ? undefined : lineHeight / reduction;
  } finally {
    pixmap.destroy();
  }
}

/** PDF pages whose largest image covers this much of the page are scans. */
const SCAN_COVERAGE = 0.75;

/**
 * The scan on a page: pixels per point of its largest drawn image (TIFF/PNG/JPEG pages are one image; a PDF
 * page counts as a scan when one image covers most of it). Measured from pixels vs. drawn size: mupdf sizes
 * an image page from its resolution tag (96 when there is none), so this is the tag's value, a hint only.
 */
function scanImage(page: mupdf.Page, isPdf: boolean): { pixelsPerPoint: number } | undefined {
  const [x0, y0, x1, y1] = page.getBounds();
  const pageArea = (x1 - x0) * (y1 - y0);
  let best: { pixelsPerPoint: number; area: number } | undefined;
  forEachDrawnImage(page, (image, ctm) => {
    const widthPts = Math.hypot(ctm[0], ctm[1]);
    const heightPts = Math.hypot(ctm[2], ctm[3]);
    if (!(widthPts > 0 && heightPts > 0)) return;
    const area = widthPts * heightPts;
    if (best && best.area >= area) return;
    const pixelsPerPoint = Math.max(image.getWidth() / widthPts, image.getHeight() / heightPts);
    best = { pixelsPerPoint, area };
  });
  if (!best || (isPdf && best.area < SCAN_COVERAGE * pageArea)) return undefined;
  return { pixelsPerPoint: best.pixelsPerPoint };
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
