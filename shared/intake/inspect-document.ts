import * as mupdf from "mupdf";
import { forEachDrawnImage } from "./drawn-images";
import type { ByteSource } from "./byte-source";
import { imageTooLarge, readHeaders, unreadable } from "./read-headers";
import { MEDIA_TYPES, type FileType } from "./sniff-file-type";
import { checkLimits, TEXTRACT_LIMITS, type LimitReasonCode } from "./textract-limits";

/**
 * Inspects an upload to learn its page count and pixel size and to catch files OCR cannot read: truncated or
 * damaged files (UNREADABLE), password-protected PDFs (ENCRYPTED_PDF) and pages over Textract's limits.
 *
 * Headers come first (read-headers.ts): image sizes are checked before MuPDF sees the file. MuPDF then opens it
 * as a stream over the source (a PDF is read piecemeal, never whole), checks every PDF page box, and decodes the
 * first page at a small scale. MuPDF is forgiving: it silently repairs broken PDFs and decodes truncated JPEGs
 * as far as the data goes, hence the end-marker and strip checks in the header step and the repair check here.
 */
export type InspectResult =
  | { ok: true; pageCount: number; maxPixelSide?: number }
  | {
      ok: false;
      reasonCode: "UNREADABLE" | "ENCRYPTED_PDF" | LimitReasonCode;
      detail?: string;
      pageCount?: number;
    };

/**
 * MuPDF reads an image file (TIFF included) whole into its memory when it opens it. TIFFs up to this size are
 * decoded as a check; larger ones are judged by their directories and strip extents alone, so inspecting
 * them stays within the ingest function's memory.
 */
export const TIFF_DECODE_CHECK_MAX_BYTES = 64 * 1024 * 1024;

export function inspectDocument(source: ByteSource, fileType: FileType): InspectResult {
  const headers = readHeaders(source, fileType);
  if (!headers.ok) return headers;
  const { maxPixelSide } = headers;
  const sized = maxPixelSide !== undefined ? { maxPixelSide } : {};
  if (headers.pageCount !== undefined) {
    const limit = checkLimits({ fileType, size: source.size, pageCount: headers.pageCount });
    if (limit)
      return {
        ok: false,
        reasonCode: limit,
        detail: `pages=${headers.pageCount}`,
        pageCount: headers.pageCount,
      };
  }
  if (fileType === "tiff" && source.size > TIFF_DECODE_CHECK_MAX_BYTES)
    return { ok: true, pageCount: headers.pageCount as number, ...sized };

  let stream: mupdf.Stream | undefined;
  let doc: mupdf.Document | undefined;
  try {
    stream = new mupdf.Stream({
      fileSize: () => source.size,
      read: (memory, offset, length, position) => source.readInto(memory, offset, length, position),
      close: () => {},
    });
    doc = mupdf.Document.openDocument(stream, MEDIA_TYPES[fileType]);
    if (doc.needsPassword()) return { ok: false, reasonCode: "ENCRYPTED_PDF" };
    const pageCount = doc.countPages();
    if (pageCount < 1) return unreadable("no pages");

    const limit = fileType === "pdf" ? checkPdfPages(doc, fileType, source.size, pageCount) : undefined;
    if (limit) return limit;

    const page = doc.loadPage(0);
    let side = 0;
    try {
      // MuPDF's own reading of the image header, before it decodes anything: the two readers must agree.
      side = fileType === "pdf" ? 0 : largestImageSide(page);
      if (side > TEXTRACT_LIMITS.maxPixelSide) return imageTooLarge(side, pageCount);
      // Decode the first page at a small scale: this makes MuPDF read the image data.
      const [x0, y0, x1, y1] = page.getBounds();
      const scale = Math.min(1, 100 / Math.max(1, x1 - x0, y1 - y0));
      page.toPixmap(mupdf.Matrix.scale(scale, scale), mupdf.ColorSpace.DeviceGray, false).destroy();
    } finally {
      page.destroy();
    }

    if (doc.asPDF()?.wasRepaired()) return unreadable("PDF cross-reference table damaged");
    const measured = maxPixelSide ?? (side > 0 ? side : undefined);
    return { ok: true, pageCount, ...(measured !== undefined ? { maxPixelSide: measured } : {}) };
  } catch (error) {
    return unreadable(`cannot be decoded (${errorKind(error)})`);
  } finally {
    doc?.destroy();
    stream?.destroy();
  }
}

/** Page count, then every page box against the page size limit (a page box is read without rendering). */
function checkPdfPages(doc: mupdf.Document, fileType: FileType, size: number, pageCount: number) {
  const pages = checkLimits({ fileType, size, pageCount });
  if (pages) return { ok: false as const, reasonCode: pages, detail: `pages=${pageCount}`, pageCount };
  let maxPageSidePoints = 0;
  for (let i = 0; i < pageCount; i++) {
    const page = doc.loadPage(i);
    const [x0, y0, x1, y1] = page.getBounds();
    page.destroy();
    maxPageSidePoints = Math.max(maxPageSidePoints, x1 - x0, y1 - y0);
  }
  if (checkLimits({ fileType, size, maxPageSidePoints })) {
    const inches = Math.round(maxPageSidePoints / 72);
    return {
      ok: false as const,
      reasonCode: "PAGE_TOO_LARGE" as const,
      detail: `maxPageSideInches=${inches}`,
      pageCount,
    };
  }
  return undefined;
}

/** Pixel width or height of the largest image drawn on the page, from the image headers (nothing decoded). */
function largestImageSide(page: mupdf.Page): number {
  let largest = 0;
  forEachDrawnImage(page, (image) => {
    largest = Math.max(largest, image.getWidth(), image.getHeight());
  });
  return largest;
}

/** The error's class name only: MuPDF messages are structural, but we keep details minimal on principle. */
function errorKind(error: unknown): string {
  return error instanceof Error ? error.name : "error";
}
