/**
 * Several 8-bit gray images as one multi-page TIFF (uncompressed, baseline), in memory. Native Tesseract reads
 * such a file from stdin as one page per image, so many small images (the re-read crops of a page) cost one
 * process and one model load instead of one each, with nothing written to disk.
 */

import type { GrayImage } from "./remove-rule-lines";

/** A gray image (0 black, 255 white) and its resolution in pixels per inch (tesseract sizes the text by it). */
export type GrayImageAtDpi = GrayImage & { dpi: number };

const SHORT = 3;
const LONG = 4;
const RATIONAL = 5;

/** Tags of one page, in ascending order as TIFF requires. */
const TAG = {
  newSubfileType: 254,
  width: 256,
  height: 257,
  bitsPerSample: 258,
  compression: 259,
  photometric: 262,
  stripOffsets: 273,
  samplesPerPixel: 277,
  rowsPerStrip: 278,
  stripByteCounts: 279,
  xResolution: 282,
  yResolution: 283,
  resolutionUnit: 296,
} as const;
const ENTRIES = 13;
const IFD_BYTES = 2 + ENTRIES * 12 + 4;
/** Two RATIONALs (x and y resolution) after each IFD. */
const RATIONALS_BYTES = 16;

export function encodeGrayTiff(images: readonly GrayImageAtDpi[]): Uint8Array {
  if (!images.length) throw new Error("encodeGrayTiff: no image");
  for (const { width, height, stride, pixels } of images) {
    if (width < 1 || height < 1 || stride < width || pixels.length < stride * (height - 1) + width)
      throw new Error("encodeGrayTiff: pixels do not match the size");
  }
  const bytes = (img: GrayImageAtDpi) => img.width * img.height;
  // Every IFD starts on a word boundary: odd pixel counts get a pad byte.
  const padded = (img: GrayImageAtDpi) => bytes(img) + (bytes(img) % 2);
  const total = images.reduce((n, img) => n + IFD_BYTES + RATIONALS_BYTES + padded(img), 8);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  // Little-endian header: "II", 42, offset of the first IFD.
  out.set([0x49, 0x49, 42, 0]);
  view.setUint32(4, 8, true);

  let at = 8;
  images.forEach((img, i) => {
    const ifd = at;
    const rationals = ifd + IFD_BYTES;
    const data = rationals + RATIONALS_BYTES;
    const next = data + padded(img);
    view.setUint16(ifd, ENTRIES, true);
    let entry = ifd + 2;
    const put = (tag: number, type: number, value: number) => {
      view.setUint16(entry, tag, true);
      view.setUint16(entry + 2, type, true);
      view.setUint32(entry + 4, 1, true);
      if (type === SHORT) view.setUint16(entry + 8, value, true);
      else view.setUint32(entry + 8, value, true);
      entry += 12;
    };
    put(TAG.newSubfileType, LONG, 2); // one page of a multi-page file
    put(TAG.width, LONG, img.width);
    put(TAG.height, LONG, img.height);
    put(TAG.bitsPerSample, SHORT, 8);
    put(TAG.compression, SHORT, 1); // none
    put(TAG.photometric, SHORT, 1); // black is zero
    put(TAG.stripOffsets, LONG, data);
    put(TAG.samplesPerPixel, SHORT, 1);
    put(TAG.rowsPerStrip, LONG, img.height);
    put(TAG.stripByteCounts, LONG, bytes(img));
    put(TAG.xResolution, RATIONAL, rationals);
    put(TAG.yResolution, RATIONAL, rationals + 8);
    put(TAG.resolutionUnit, SHORT, 2); // inch
    view.setUint32(entry, i === images.length - 1 ? 0 : next, true);
    const dpi = Math.max(1, Math.round(img.dpi));
    for (const off of [rationals, rationals + 8]) {
      view.setUint32(off, dpi, true);
      view.setUint32(off + 4, 1, true);
    }
    for (let y = 0; y < img.height; y++)
      out.set(img.pixels.subarray(y * img.stride, y * img.stride + img.width), data + y * img.width);
    at = next;
  });
  return out;
}
