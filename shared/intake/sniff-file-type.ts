/** The upload formats chartbridge accepts (those Textract's asynchronous API reads). */
export type FileType = "pdf" | "tiff" | "png" | "jpeg";

/** Each format's media type: what a scan is served and opened as. */
export const MEDIA_TYPES: Readonly<Record<FileType, string>> = {
  pdf: "application/pdf",
  tiff: "image/tiff",
  png: "image/png",
  jpeg: "image/jpeg",
};

/** The media type of a sniffed format; a record sniffed before formats were kept has none. */
export const mediaTypeOf = (fileType: FileType | undefined): string =>
  fileType ? MEDIA_TYPES[fileType] : "application/octet-stream";

/** PDF readers accept the `%PDF-` header anywhere in the first 1024 bytes (junk before it is common). */
export const PDF_HEADER_WINDOW = 1024;

const PDF_MAGIC = [0x25, 0x50, 0x44, 0x46, 0x2d]; // %PDF-
const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function startsWith(bytes: Uint8Array, magic: readonly number[], at = 0): boolean {
  if (bytes.length < at + magic.length) return false;
  return magic.every((b, i) => bytes[at + i] === b);
}

/** Index of the `%PDF-` header within the first 1024 bytes, or -1. */
export function pdfHeaderOffset(bytes: Uint8Array): number {
  const end = Math.min(bytes.length - PDF_MAGIC.length, PDF_HEADER_WINDOW - PDF_MAGIC.length);
  for (let i = 0; i <= end; i++) if (bytes[i] === 0x25 && startsWith(bytes, PDF_MAGIC, i)) return i;
  return -1;
}

/**
 * Identifies the file type from its leading bytes (never from the name or Content-Type).
 * Pure: only the first 1024 bytes are looked at. Returns undefined for anything else (including BigTIFF).
 */
export function sniffFileType(bytes: Uint8Array): FileType | undefined {
  if (startsWith(bytes, PNG_MAGIC)) return "png";
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return "jpeg";
  if (startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a]))
    return "tiff";
  if (pdfHeaderOffset(bytes) >= 0) return "pdf";
  return undefined;
}
