import * as mupdf from "mupdf";
import type { FileType } from "./sniff-file-type";

/**
 * Opens an upload with MuPDF to learn its page count and pixel size and to catch files OCR cannot read:
 * truncated or damaged files (UNREADABLE) and password-protected PDFs (ENCRYPTED_PDF).
 *
 * MuPDF is forgiving: it silently repairs broken PDFs and decodes truncated JPEGs as far as the data goes.
 * So besides opening the file and decoding its first page, we also check that each format's end marker is
 * there (PDF `%%EOF`, PNG `IEND`, JPEG EOI) and that TIFF strips lie inside the file.
 * Details never include file content: only structural facts (offsets, counts, the failing check).
 */
export type InspectResult =
  | { ok: true; pageCount: number; maxPixelSide?: number }
  | { ok: false; reasonCode: "UNREADABLE" | "ENCRYPTED_PDF"; detail?: string };

/** How far from the end the end-of-file markers may sit (trailing bytes after them are tolerated). */
const TAIL_WINDOW = 1024;

const MAGIC: Record<FileType, string> = {
  pdf: "application/pdf",
  tiff: "image/tiff",
  png: "image/png",
  jpeg: "image/jpeg",
};

export function inspectDocument(bytes: Uint8Array, fileType: FileType): InspectResult {
  const structural = checkStructure(bytes, fileType);
  if (!structural.ok) return structural;

  let doc: mupdf.Document | undefined;
  try {
    doc = mupdf.Document.openDocument(bytes, MAGIC[fileType]);
    if (doc.needsPassword()) return { ok: false, reasonCode: "ENCRYPTED_PDF" };
    const pageCount = doc.countPages();
    if (pageCount < 1) return unreadable("no pages");

    // Decode the first page at a small scale: this makes MuPDF read the image data.
    const page = doc.loadPage(0);
    const [x0, y0, x1, y1] = page.getBounds();
    const scale = Math.min(1, 100 / Math.max(1, x1 - x0, y1 - y0));
    page.toPixmap(mupdf.Matrix.scale(scale, scale), mupdf.ColorSpace.DeviceGray, false).destroy();
    page.destroy();

    if (doc.asPDF()?.wasRepaired()) return unreadable("PDF cross-reference table damaged");

    let maxPixelSide = structural.maxPixelSide;
    if (fileType === "png" || fileType === "jpeg") {
      const image = new mupdf.Image(bytes);
      maxPixelSide = Math.max(image.getWidth(), image.getHeight());
      image.destroy();
    }
    return { ok: true, pageCount, ...(maxPixelSide !== undefined ? { maxPixelSide } : {}) };
  } catch (error) {
    return unreadable(`cannot be decoded (${errorKind(error)})`);
  } finally {
    doc?.destroy();
  }
}

function unreadable(detail: string): { ok: false; reasonCode: "UNREADABLE"; detail: string } {
  return { ok: false, reasonCode: "UNREADABLE", detail };
}

/** The error's class name only: MuPDF messages are structural, but we keep details minimal on principle. */
function errorKind(error: unknown): string {
  return error instanceof Error ? error.name : "error";
}

type StructureResult =
  { ok: true; maxPixelSide?: number } | { ok: false; reasonCode: "UNREADABLE"; detail: string };

function checkStructure(bytes: Uint8Array, fileType: FileType): StructureResult {
  switch (fileType) {
    case "pdf":
      return tailContains(bytes, "%%EOF")
        ? { ok: true }
        : unreadable("no %%EOF marker at end of file (truncated)");
    case "png":
      return tailContains(bytes, "IEND") ? { ok: true } : unreadable("no IEND chunk (truncated)");
    case "jpeg":
      return jpegHasEnd(bytes) ? { ok: true } : unreadable("no end-of-image marker (truncated)");
    case "tiff":
      return checkTiff(bytes);
  }
}

function tailContains(bytes: Uint8Array, marker: string): boolean {
  const needle = Array.from(marker, (c) => c.charCodeAt(0));
  for (let i = bytes.length - needle.length; i >= Math.max(0, bytes.length - TAIL_WINDOW); i--) {
    if (needle.every((b, k) => bytes[i + k] === b)) return true;
  }
  return false;
}

function jpegHasEnd(bytes: Uint8Array): boolean {
  for (let i = bytes.length - 2; i >= Math.max(2, bytes.length - TAIL_WINDOW); i--) {
    if (bytes[i] === 0xff && bytes[i + 1] === 0xd9) return true;
  }
  return false;
}

const MAX_IFDS = 10_000;

/** Walks the TIFF IFD chain: finds the largest side, and checks strips/tiles lie within the file. */
function checkTiff(bytes: Uint8Array): StructureResult {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 8) return unreadable("TIFF header truncated");
  const le = bytes[0] === 0x49;
  const u16 = (at: number) => view.getUint16(at, le);
  const u32 = (at: number) => view.getUint32(at, le);
  const typeSize: Record<number, number> = { 1: 1, 3: 2, 4: 4 };

  let ifd = u32(4);
  let pages = 0;
  let maxSide = 0;
  const seen = new Set<number>();
  while (ifd !== 0) {
    if (seen.has(ifd) || pages >= MAX_IFDS) return unreadable("TIFF IFD chain loops");
    seen.add(ifd);
    if (ifd + 2 > bytes.length) return unreadable(`TIFF IFD ${pages + 1} beyond end of file (truncated)`);
    const count = u16(ifd);
    if (ifd + 2 + count * 12 + 4 > bytes.length)
      return unreadable(`TIFF IFD ${pages + 1} beyond end of file (truncated)`);
    const tags = new Map<number, number[]>();
    for (let e = 0; e < count; e++) {
      const at = ifd + 2 + e * 12;
      const tag = u16(at);
      const type = u16(at + 2);
      const n = u32(at + 4);
      const size = typeSize[type];
      if (![256, 257, 273, 279, 324, 325].includes(tag) || size === undefined || size > 4) continue;
      const dataAt = n * size <= 4 ? at + 8 : u32(at + 8);
      if (dataAt + n * size > bytes.length)
        return unreadable(`TIFF tag ${tag} data beyond end of file (truncated)`);
      const values: number[] = [];
      for (let k = 0; k < n; k++) {
        const p = dataAt + k * size;
        values.push(size === 1 ? (bytes[p] as number) : size === 2 ? u16(p) : u32(p));
      }
      tags.set(tag, values);
    }
    pages++;
    const width = tags.get(256)?.[0];
    const height = tags.get(257)?.[0];
    if (!width || !height) return unreadable(`TIFF page ${pages} has no size`);
    maxSide = Math.max(maxSide, width, height);
    const offsets = tags.get(273) ?? tags.get(324) ?? [];
    const counts = tags.get(279) ?? tags.get(325) ?? [];
    if (offsets.length === 0 || offsets.length !== counts.length)
      return unreadable(`TIFF page ${pages} has no image data`);
    for (let k = 0; k < offsets.length; k++) {
      if ((offsets[k] as number) + (counts[k] as number) > bytes.length)
        return unreadable(`TIFF page ${pages} image data beyond end of file (truncated)`);
    }
    ifd = u32(ifd + 2 + count * 12);
  }
  if (pages === 0) return unreadable("TIFF has no pages");
  return { ok: true, maxPixelSide: maxSide };
}
