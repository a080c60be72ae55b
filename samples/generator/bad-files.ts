import * as mupdf from "mupdf";
import { buildChartSpec } from "./chart-spec";
import { toPdf } from "./render-chart";

/**
 * Uploads intake must reject, each as bytes plus the file name a vendor might give it.
 * (The "too many pages" case is tested with numbers, not a 3,001-page file.)
 */
export interface BadFile {
  name: string;
  bytes: Uint8Array;
  /** The reason code validateUpload should return. */
  expected: "EMPTY_FILE" | "UNSUPPORTED_TYPE" | "UNREADABLE" | "ENCRYPTED_PDF";
}

/** Zero bytes (e.g. an interrupted upload). */
export function emptyFile(): Uint8Array {
  return new Uint8Array(0);
}

/** Plain text saved with a .pdf name. */
export function textFileAsPdf(): Uint8Array {
  return new TextEncoder().encode("Scanned batch 2024-11 - see attached charts.\r\nThis is not a PDF.\r\n");
}

/** A small, valid one-page image-only PDF to damage or encrypt. */
export function smallPdf(seed = 7): Uint8Array {
  return toPdf(buildChartSpec({ seed, documentType: "progress_note" }), { dpi: 72, quality: 40 });
}

/** A valid generated PDF cut in half (as an interrupted transfer leaves it). */
export function truncatedPdf(source: Uint8Array = smallPdf()): Uint8Array {
  return source.slice(0, Math.floor(source.length / 2));
}

/** A password-protected PDF (AES-256, user and owner password "secret"). Not byte-deterministic: AES uses random IVs. */
export function encryptedPdf(source: Uint8Array = smallPdf()): Uint8Array {
  const doc = new mupdf.PDFDocument(source);
  try {
    return new Uint8Array(
      doc.saveToBuffer("encrypt=aes-256,user-password=secret,owner-password=secret").asUint8Array(),
    );
  } finally {
    doc.destroy();
  }
}

/** A valid image cut in half. */
export function truncated(bytes: Uint8Array): Uint8Array {
  return bytes.slice(0, Math.floor(bytes.length / 2));
}

/** All rejection cases, named as a vendor might upload them. */
export function badFiles(): BadFile[] {
  const pdf = smallPdf();
  return [
    { name: "empty.pdf", bytes: emptyFile(), expected: "EMPTY_FILE" },
    { name: "notes.pdf", bytes: textFileAsPdf(), expected: "UNSUPPORTED_TYPE" },
    { name: "truncated.pdf", bytes: truncatedPdf(pdf), expected: "UNREADABLE" },
    { name: "encrypted.pdf", bytes: encryptedPdf(pdf), expected: "ENCRYPTED_PDF" },
  ];
}
