/**
 * A minimal baseline TIFF writer: 8-bit grayscale (BlackIsZero), LZW-compressed strips, one IFD per page,
 * little-endian. MuPDF reads TIFF but cannot write it, and LZW is what document scanners commonly emit.
 */

export interface GrayPage {
  width: number;
  height: number;
  dpi: number;
  /** width × height bytes, row-major, 0 = black. */
  pixels: Uint8Array;
}

const ROWS_PER_STRIP = 64;

/** TIFF-flavoured LZW (MSB-first codes, "early change" code-width switch, Clear at start, EOI at end). */
export function lzwEncode(data: Uint8Array): Uint8Array {
  const CLEAR = 256;
  const EOI = 257;
  const out: number[] = [];
  let bitBuf = 0;
  let bitCount = 0;
  let width = 9;
  const put = (code: number) => {
    bitBuf = (bitBuf << width) | code;
    bitCount += width;
    while (bitCount >= 8) {
      bitCount -= 8;
      out.push((bitBuf >>> bitCount) & 0xff);
    }
    bitBuf &= (1 << bitCount) - 1;
  };

  let dict = new Map<number, number>();
  let next = 258;
  put(CLEAR);
  if (data.length === 0) {
    put(EOI);
  } else {
    let w = data[0] as number;
    for (let i = 1; i < data.length; i++) {
      const c = data[i] as number;
      const key = w * 256 + c;
      const hit = dict.get(key);
      if (hit !== undefined) {
        w = hit;
        continue;
      }
      put(w);
      dict.set(key, next++);
      w = c;
      if (next === 4094) {
        put(CLEAR);
        dict = new Map();
        next = 258;
        width = 9;
      } else if (next > (1 << width) - 1) {
        width++;
      }
    }
    put(w);
    // The decoder adds a table entry for this last code too, which may widen the EOI code.
    next++;
    if (next <= 4094 && next > (1 << width) - 1) width++;
    put(EOI);
  }
  if (bitCount > 0) out.push((bitBuf << (8 - bitCount)) & 0xff);
  return Uint8Array.from(out);
}

/** Encodes pages as one multi-page TIFF. */
/** `declaredDpi`: the resolution the file states (default each page's own; "none" leaves the tags out). */
export function encodeTiff(pages: GrayPage[], declaredDpi?: number | "none"): Uint8Array {
  const chunks: Uint8Array[] = [];
  let offset = 8;
  const header = new Uint8Array(8);
  const hv = new DataView(header.buffer);
  header.set([0x49, 0x49, 42, 0]);
  chunks.push(header);
  let patchNextIfd = { view: hv, at: 4 };

  pages.forEach((page, pageIndex) => {
    const stripOffsets: number[] = [];
    const stripCounts: number[] = [];
    for (let y = 0; y < page.height; y += ROWS_PER_STRIP) {
      const rows = Math.min(ROWS_PER_STRIP, page.height - y);
      const strip = lzwEncode(page.pixels.subarray(y * page.width, (y + rows) * page.width));
      stripOffsets.push(offset);
      stripCounts.push(strip.length);
      chunks.push(strip);
      offset += strip.length;
      if (offset % 2) {
        chunks.push(new Uint8Array(1));
        offset++;
      }
    }
    // Tags in ascending order: [tag, type (3 SHORT, 4 LONG, 5 RATIONAL), values]
    const n = stripOffsets.length;
    const entries: [number, 3 | 4 | 5, number[]][] = [
      [254, 4, [pages.length > 1 ? 2 : 0]],
      [256, 4, [page.width]],
      [257, 4, [page.height]],
      [258, 3, [8]],
      [259, 3, [5]],
      [262, 3, [1]],
      [273, 4, stripOffsets],
      [277, 3, [1]],
      [278, 4, [ROWS_PER_STRIP]],
      [279, 4, stripCounts],
      ...(declaredDpi === "none"
        ? []
        : ([
            [282, 5, [Math.round(declaredDpi ?? page.dpi), 1]],
            [283, 5, [Math.round(declaredDpi ?? page.dpi), 1]],
            [296, 3, [2]],
          ] as [number, 3 | 4 | 5, number[]][])),
      [297, 3, [pageIndex, pages.length]],
    ];
    const ifdSize = 2 + entries.length * 12 + 4;
    const extraSize = 4 * n * 2 + 16;
    const ifd = new Uint8Array(ifdSize + extraSize);
    const v = new DataView(ifd.buffer);
    const ifdOffset = offset;
    let extra = ifdOffset + ifdSize;
    v.setUint16(0, entries.length, true);
    entries.forEach(([tag, type, values], i) => {
      const at = 2 + i * 12;
      const count = type === 5 ? values.length / 2 : values.length;
      v.setUint16(at, tag, true);
      v.setUint16(at + 2, type, true);
      v.setUint32(at + 4, count, true);
      const size = type === 3 ? 2 : 4;
      const bytes = values.length * size;
      let dst = at + 8;
      if (bytes > 4) {
        v.setUint32(at + 8, extra, true);
        dst = extra - ifdOffset;
        extra += bytes;
      }
      values.forEach((value, k) => {
        if (size === 2) v.setUint16(dst + k * 2, value, true);
        else v.setUint32(dst + k * 4, value, true);
      });
    });
    patchNextIfd.view.setUint32(patchNextIfd.at, ifdOffset, true);
    patchNextIfd = { view: v, at: 2 + entries.length * 12 };
    const used = ifd.subarray(0, extra - ifdOffset);
    chunks.push(used);
    offset += used.length;
  });

  const out = new Uint8Array(offset);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
