import type { ReasonCode } from "../domain/status";
import { bytesSource, readAt, withFileSource, type ByteSource } from "./byte-source";
import { inspectDocument } from "./inspect-document";
import { PDF_HEADER_WINDOW, sniffFileType, type FileType } from "./sniff-file-type";
import { checkLimits } from "./textract-limits";

export type ValidationResult =
  | { ok: true; fileType: FileType; pageCount: number; maxPixelSide?: number }
  | { ok: false; reasonCode: ReasonCode; detail?: string; fileType?: FileType; pageCount?: number };

/**
 * Decides whether an upload can go to OCR. Checks, in order: EMPTY_FILE, UNSUPPORTED_TYPE (magic bytes),
 * TOO_LARGE (size, before any parsing), then the headers (IMAGE_TOO_LARGE, TOO_MANY_PAGES, UNREADABLE for
 * truncated files) before anything is decoded, then inspection with MuPDF (UNREADABLE, ENCRYPTED_PDF, and for
 * PDFs TOO_MANY_PAGES and PAGE_TOO_LARGE). Details carry no file content.
 */
export function validateUpload(bytes: Uint8Array): ValidationResult {
  return validateSource(bytesSource(bytes));
}

/** The same checks on a file, read piecemeal: a large upload is never held in memory. */
export function validateUploadFile(path: string): ValidationResult {
  return withFileSource(path, validateSource);
}

export function validateSource(source: ByteSource): ValidationResult {
  const { size } = source;
  if (size === 0) return { ok: false, reasonCode: "EMPTY_FILE" };
  const fileType = sniffFileType(readAt(source, 0, PDF_HEADER_WINDOW));
  if (!fileType) return { ok: false, reasonCode: "UNSUPPORTED_TYPE" };

  if (checkLimits({ fileType, size }))
    return { ok: false, reasonCode: "TOO_LARGE", detail: `bytes=${size}`, fileType };

  const inspection = inspectDocument(source, fileType);
  if (!inspection.ok) return { ...inspection, fileType };
  const { pageCount, maxPixelSide } = inspection;
  return { ok: true, fileType, pageCount, ...(maxPixelSide !== undefined ? { maxPixelSide } : {}) };
}
