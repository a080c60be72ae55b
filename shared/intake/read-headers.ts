import { imageSize } from "image-size";
import { readAt, type ByteSource } from "./byte-source";
import type { FileType } from "./sniff-file-type";
import { TEXTRACT_LIMITS, type LimitReasonCode } from "./textract-limits";

/**
 * What can be learned from an upload's headers without decoding any image data: the page count and pixel size
 * of TIFF, PNG and JPEG files, and whether each format's end marker and TIFF strips are where they must be.
 * Runs before MuPDF sees the file, so a small file claiming a huge image is refused without allocating it.
 * Details carry structural facts only (offsets, counts, the failing check), never file content.
 */
export type HeaderResult =
  | { ok: true; pageCount?: number; maxPixelSide?: number }
  | { ok: false; reasonCode: "UNREADABLE" | LimitReasonCode; detail: string; pageCount?: number };

/** How far from the end the end-of-file markers may sit (trailing bytes after them are tolerated). */
const TAIL_WINDOW = 1024;

export function readHeaders(source: ByteSource, fileType: FileType): HeaderResult {
  switch (fileType) {
    case "pdf":
      return tailContains(source, "%%EOF")
        ? { ok: true }
        : unreadable("no %%EOF marker at end of file (truncated)");
    case "png":
    case "jpeg":
      return readImageHeaders(source, fileType);
    case "tiff":
      return readTiffDirectories(source);
  }
}

export function unreadable(detail: string): { ok: false; reasonCode: "UNREADABLE"; detail: string } {
  return { ok: false, reasonCode: "UNREADABLE", detail };
}

export function imageTooLarge(maxPixelSide: number, pageCount?: number) {
  return {
    ok: false as const,
    reasonCode: "IMAGE_TOO_LARGE" as const,
    detail: `maxPixelSide=${maxPixelSide}`,
    ...(pageCount !== undefined ? { pageCount } : {}),
  };
}

/** PNG IHDR or the JPEG frame header (SOFn). The caller has checked the size limit, so reading it all is bounded. */
function readImageHeaders(source: ByteSource, fileType: "png" | "jpeg"): HeaderResult {
  let maxPixelSide: number | undefined;
  try {
    const { width, height } = imageSize(readAt(source, 0, source.size));
    if (width && height) maxPixelSide = Math.max(width, height);
  } catch {
    // image-size reads the common JPEG frame types (baseline, extended, progressive); for the rare others
    // inspection checks MuPDF's reading of the header before it decodes. A PNG must start with its IHDR.
  }
  if (maxPixelSide === undefined && fileType === "png") return unreadable("no image header with a size");
  if (maxPixelSide !== undefined && maxPixelSide > TEXTRACT_LIMITS.maxPixelSide)
    return imageTooLarge(maxPixelSide, 1);
  const ended = fileType === "png" ? tailContains(source, "IEND") : jpegHasEnd(source);
  if (!ended)
    return unreadable(
      fileType === "png" ? "no IEND chunk (truncated)" : "no end-of-image marker (truncated)",
    );
  return { ok: true, pageCount: 1, ...(maxPixelSide !== undefined ? { maxPixelSide } : {}) };
}

function tail(source: ByteSource): Uint8Array {
  return readAt(source, Math.max(0, source.size - TAIL_WINDOW), TAIL_WINDOW);
}

function tailContains(source: ByteSource, marker: string): boolean {
  const bytes = tail(source);
  const needle = Array.from(marker, (c) => c.charCodeAt(0));
  for (let i = bytes.length - needle.length; i >= 0; i--) {
    if (needle.every((b, k) => bytes[i + k] === b)) return true;
  }
  return false;
}

function jpegHasEnd(source: ByteSource): boolean {
  const bytes = tail(source);
  const first = source.size > TAIL_WINDOW ? 0 : 2; // the SOI marker does not count
  for (let i = bytes.length - 2; i >= first; i--) {
    if (bytes[i] === 0xff && bytes[i + 1] === 0xd9) return true;
  }
  return false;
}

const MAX_IFDS = 10_000;
/** More strips or tiles than any page within the pixel limit needs: refuse before reading their offsets. */
const MAX_STRIPS_PER_PAGE = 1_000_000;
const WIDTH = 256;
const HEIGHT = 257;
const STRIP_OFFSETS = 273;
const STRIP_BYTE_COUNTS = 279;
const TILE_OFFSETS = 324;
const TILE_BYTE_COUNTS = 325;
const USED_TAGS = [WIDTH, HEIGHT, STRIP_OFFSETS, STRIP_BYTE_COUNTS, TILE_OFFSETS, TILE_BYTE_COUNTS];
/** BYTE, SHORT, LONG: the types these tags may have. */
const TYPE_SIZE: Record<number, number> = { 1: 1, 3: 2, 4: 4 };

interface IfdEntry {
  type: number;
  count: number;
  /** Where the values are: inside the entry when they fit in 4 bytes, else at the entry's offset. */
  at: number;
}

/**
 * Walks the TIFF IFD chain (every page, as Textract reads them all): counts pages, checks each page's size
 * against the pixel limit before anything else is read for it, and checks its strips or tiles lie inside the file.
 */
export function readTiffDirectories(source: ByteSource): HeaderResult {
  if (source.size < 8) return unreadable("TIFF header truncated");
  const header = readAt(source, 0, 8);
  const le = header[0] === 0x49;
  const view = (bytes: Uint8Array) => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u16 = (bytes: Uint8Array, at: number) => view(bytes).getUint16(at, le);
  const u32 = (bytes: Uint8Array, at: number) => view(bytes).getUint32(at, le);

  const values = (entry: IfdEntry): number[] | undefined => {
    const size = TYPE_SIZE[entry.type] as number;
    const bytes = readAt(source, entry.at, entry.count * size);
    if (bytes.length < entry.count * size) return undefined;
    return Array.from({ length: entry.count }, (_, k) =>
      size === 1 ? (bytes[k] as number) : size === 2 ? u16(bytes, k * size) : u32(bytes, k * size),
    );
  };

  let ifd = u32(header, 4);
  let pages = 0;
  let maxSide = 0;
  const seen = new Set<number>();
  while (ifd !== 0) {
    if (seen.has(ifd) || pages >= MAX_IFDS) return unreadable("TIFF IFD chain loops");
    seen.add(ifd);
    const page = pages + 1;
    const countBytes = readAt(source, ifd, 2);
    if (countBytes.length < 2) return unreadable(`TIFF IFD ${page} beyond end of file (truncated)`);
    const count = u16(countBytes, 0);
    const table = readAt(source, ifd + 2, count * 12 + 4);
    if (table.length < count * 12 + 4) return unreadable(`TIFF IFD ${page} beyond end of file (truncated)`);

    const entries = new Map<number, IfdEntry>();
    for (let e = 0; e < count; e++) {
      const tag = u16(table, e * 12);
      const type = u16(table, e * 12 + 2);
      const n = u32(table, e * 12 + 4);
      const size = TYPE_SIZE[type];
      if (!USED_TAGS.includes(tag) || size === undefined) continue;
      const at = n * size <= 4 ? ifd + 2 + e * 12 + 8 : u32(table, e * 12 + 8);
      if (at + n * size > source.size) return unreadable(`TIFF tag data beyond end of file (truncated)`);
      entries.set(tag, { type, count: n, at });
    }
    pages = page;

    const width = entries.has(WIDTH) ? values(entries.get(WIDTH)!)?.[0] : undefined;
    const height = entries.has(HEIGHT) ? values(entries.get(HEIGHT)!)?.[0] : undefined;
    if (!width || !height) return unreadable(`TIFF page ${page} has no size`);
    maxSide = Math.max(maxSide, width, height);
    if (maxSide > TEXTRACT_LIMITS.maxPixelSide) return imageTooLarge(maxSide);

    const offsetsEntry = entries.get(STRIP_OFFSETS) ?? entries.get(TILE_OFFSETS);
    const countsEntry = entries.get(STRIP_BYTE_COUNTS) ?? entries.get(TILE_BYTE_COUNTS);
    if (!offsetsEntry || !countsEntry || offsetsEntry.count === 0 || offsetsEntry.count !== countsEntry.count)
      return unreadable(`TIFF page ${page} has no image data`);
    if (offsetsEntry.count > MAX_STRIPS_PER_PAGE) return unreadable(`TIFF page ${page} has too many strips`);
    const offsets = values(offsetsEntry) ?? [];
    const sizes = values(countsEntry) ?? [];
    for (let k = 0; k < offsets.length; k++) {
      if ((offsets[k] as number) + (sizes[k] as number) > source.size)
        return unreadable(`TIFF page ${page} image data beyond end of file (truncated)`);
    }
    ifd = u32(table, count * 12);
  }
  if (pages === 0) return unreadable("TIFF has no pages");
  return { ok: true, pageCount: pages, maxPixelSide: maxSide };
}
