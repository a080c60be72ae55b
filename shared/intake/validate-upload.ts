import type { ReasonCode } from "../domain/status";
import { inspectDocument } from "./inspect-document";
import { sniffFileType, type FileType } from "./sniff-file-type";
import { checkLimits } from "./textract-limits";

export type ValidationResult =
  | { ok: true; fileType: FileType; pageCount: number; maxPixelSide?: number }
  | { ok: false; reasonCode: ReasonCode; detail?: string; fileType?: FileType; pageCount?: number };

/**
 * Decides whether an upload can go to OCR. Checks, in order: EMPTY_FILE, UNSUPPORTED_TYPE (magic bytes),
 * TOO_LARGE (size, before any parsing), then inspection with MuPDF (UNREADABLE, ENCRYPTED_PDF), then the
 * limits that need the parsed file (TOO_MANY_PAGES, IMAGE_TOO_LARGE). Details carry no file content.
 */
export function validateUpload(bytes: Uint8Array): ValidationResult {
  if (bytes.length === 0) return { ok: false, reasonCode: "EMPTY_FILE" };
  const fileType = sniffFileType(bytes);
  if (!fileType) return { ok: false, reasonCode: "UNSUPPORTED_TYPE" };

  const size = bytes.length;
  if (checkLimits({ fileType, size }))
    return { ok: false, reasonCode: "TOO_LARGE", detail: `bytes=${size}`, fileType };

  const inspection = inspectDocument(bytes, fileType);
  if (!inspection.ok) return { ...inspection, fileType };

  const { pageCount, maxPixelSide } = inspection;
  const limit = checkLimits({ fileType, size, pageCount, maxPixelSide });
  if (limit === "TOO_MANY_PAGES")
    return { ok: false, reasonCode: limit, detail: `pages=${pageCount}`, fileType, pageCount };
  if (limit)
    return { ok: false, reasonCode: limit, detail: `maxPixelSide=${maxPixelSide}`, fileType, pageCount };
  return { ok: true, fileType, pageCount, ...(maxPixelSide !== undefined ? { maxPixelSide } : {}) };
}
