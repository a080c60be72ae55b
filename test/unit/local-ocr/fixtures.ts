/** A grayscale page as raw 8-bit pixels, for building TIFF fixtures. */
export interface GrayPage {
  width: number;
  height: number;
  pixels: Uint8Array;
  dpi: number;
}

/** Rasterizes page 1 of a PDF to raw gray pixels at `dpi` (to feed `makeGrayTiff`). */
export { pdfToGrayPage } from "../../support/pdf-gray-page";

/**
 * Writes an uncompressed, little-endian, multi-page 8-bit grayscale TIFF (one IFD per page). mupdf can read
 * TIFF but not write it, and no TIFF encoder is installed, so this is the smallest valid writer.
 */
export function makeGrayTiff(pages: GrayPage[]): Uint8Array {
  const ENTRIES = 10;
  const ifdSize = 2 + ENTRIES * 12 + 4;
  const extra = 16; // two RATIONALs (X/YResolution)
  let size = 8;
  for (const p of pages) size += p.pixels.length + ifdSize + extra;
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  out.set([0x49, 0x49, 42, 0]); // "II", 42
  let pos = 8;
  let prevNextPtr = 4; // where to write the offset of the next IFD
  for (const p of pages) {
    const dataOffset = pos;
    out.set(p.pixels, pos);
    pos += p.pixels.length;
    const resOffset = pos;
    view.setUint32(pos, p.dpi, true);
    view.setUint32(pos + 4, 1, true);
    view.setUint32(pos + 8, p.dpi, true);
    view.setUint32(pos + 12, 1, true);
    pos += extra;
    if (pos % 2) pos++; // IFDs start on a word boundary
    view.setUint32(prevNextPtr, pos, true);
    view.setUint16(pos, ENTRIES, true);
    const entries: [tag: number, type: number, value: number][] = [
      [256, 4, p.width], // ImageWidth (LONG)
      [257, 4, p.height], // ImageLength
      [258, 3, 8], // BitsPerSample (SHORT)
      [259, 3, 1], // Compression: none
      [262, 3, 1], // Photometric: BlackIsZero
      [273, 4, dataOffset], // StripOffsets
      [278, 4, p.height], // RowsPerStrip: one strip
      [279, 4, p.pixels.length], // StripByteCounts
      [282, 5, resOffset], // XResolution (RATIONAL, by offset)
      [283, 5, resOffset + 8], // YResolution
    ];
    entries.forEach(([tag, type, value], i) => {
      const e = pos + 2 + i * 12;
      view.setUint16(e, tag, true);
      view.setUint16(e + 2, type, true);
      view.setUint32(e + 4, 1, true);
      if (type === 3) view.setUint16(e + 8, value, true);
      else view.setUint32(e + 8, value, true);
    });
    prevNextPtr = pos + 2 + ENTRIES * 12;
    view.setUint32(prevNextPtr, 0, true);
    pos += ifdSize;
  }
  return out.subarray(0, pos);
}
