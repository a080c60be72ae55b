import type { ReasonCode } from "../domain/status";
import type { FileType } from "./sniff-file-type";

const MiB = 1024 * 1024;

/**
 * Amazon Textract asynchronous-operation limits (StartDocumentTextDetection / StartDocumentAnalysis):
 * JPEG and PNG up to 10 MB, PDF and TIFF up to 500 MB and 3,000 pages, at most 10,000 pixels on a side, and PDF
 * pages at most 40 inches on a side (AWS also writes "9000 points" there; we hold to the 40 inches, which is what
 * the local OCR renders at its resolution without an outsized bitmap).
 * AWS writes "MB" without defining it; we read it as MiB (10 × 1024 × 1024 bytes), the larger reading, so a
 * file between the two readings is passed on to Textract rather than rejected by us. If Textract then refuses
 * it, the job fails with OCR_START_FAILED, so nothing is lost either way.
 */
export const TEXTRACT_LIMITS = {
  imageMaxBytes: 10 * MiB,
  documentMaxBytes: 500 * MiB,
  maxPages: 3000,
  maxPixelSide: 10_000,
  /** 40 inches at 72 PDF points an inch. */
  pdfMaxPageSidePoints: 40 * 72,
} as const;

export type LimitReasonCode = Extract<
  ReasonCode,
  "TOO_LARGE" | "TOO_MANY_PAGES" | "IMAGE_TOO_LARGE" | "PAGE_TOO_LARGE"
>;

export interface LimitInput {
  fileType: FileType;
  /** Bytes. */
  size: number;
  /** When known (after inspection). */
  pageCount?: number;
  /** Largest width or height in pixels of any page image, when known (PNG, JPEG, TIFF). */
  maxPixelSide?: number;
  /** Largest width or height in PDF points of any PDF page box, when known. */
  maxPageSidePoints?: number;
}

/**
 * Returns the first limit the file breaks (size, then pages, then pixels, then PDF page box), or undefined.
 * Limits are inclusive.
 */
export function checkLimits(input: LimitInput): LimitReasonCode | undefined {
  const image = input.fileType === "png" || input.fileType === "jpeg";
  if (input.size > (image ? TEXTRACT_LIMITS.imageMaxBytes : TEXTRACT_LIMITS.documentMaxBytes))
    return "TOO_LARGE";
  if (input.pageCount !== undefined && input.pageCount > TEXTRACT_LIMITS.maxPages) return "TOO_MANY_PAGES";
  if (input.maxPixelSide !== undefined && input.maxPixelSide > TEXTRACT_LIMITS.maxPixelSide)
    return "IMAGE_TOO_LARGE";
  if (input.maxPageSidePoints !== undefined && input.maxPageSidePoints > TEXTRACT_LIMITS.pdfMaxPageSidePoints)
    return "PAGE_TOO_LARGE";
  return undefined;
}
