import { deflateSync } from "node:zlib";

/**
 * Small files whose headers claim pages far beyond Textract's limits ("decompression bombs"): decoding them
 * would allocate gigabytes, so intake must refuse them from their headers.
 */

const u16be = (n: number) => [(n >> 8) & 0xff, n & 0xff];
const u32be = (n: number) => [(n >>> 24) & 0xff, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
const ascii = (text: string) => Array.from(text, (c) => c.charCodeAt(0));

/**
 * A JPEG of `width` × `height` gray pixels with a few bytes of scan data; `frame` is the SOFn marker (baseline
 * by default; 0xc9 is arithmetic-coded, a frame type image-size does not read).
 */
export function jpegBomb(width = 65_000, height = 65_000, frame = 0xc0): Uint8Array {
  const segment = (marker: number, body: number[]) => [0xff, marker, ...u16be(body.length + 2), ...body];
  const jfif = segment(0xe0, [...ascii("JFIF"), 0, 1, 1, 0, 0, 1, 0, 1, 0, 0]);
  const quantization = segment(0xdb, [0, ...new Array<number>(64).fill(1)]);
  const frameHeader = segment(frame, [8, ...u16be(height), ...u16be(width), 1, 1, 0x11, 0]);
  // One DC and one AC Huffman table, each with a single 1-bit code for symbol 0.
  const huffman = segment(0xc4, [
    0x00,
    1,
    ...new Array<number>(15).fill(0),
    0,
    0x10,
    1,
    ...new Array<number>(15).fill(0),
    0,
  ]);
  const scan = segment(0xda, [1, 1, 0x00, 0, 63, 0]);
  return Uint8Array.from([
    0xff,
    0xd8,
    ...jfif,
    ...quantization,
    ...frameHeader,
    ...huffman,
    ...scan,
    0,
    0,
    0,
    0,
    0xff,
    0xd9,
  ]);
}

/** A grayscale PNG whose IHDR claims `width` × `height`, with a short IDAT of zeros and an IEND. */
export function pngBomb(width = 65_000, height = 65_000): Uint8Array {
  const chunk = (type: string, data: number[]) => [
    ...u32be(data.length),
    ...ascii(type),
    ...data,
    0,
    0,
    0,
    0,
  ];
  const ihdr = chunk("IHDR", [...u32be(width), ...u32be(height), 8, 0, 0, 0, 0]);
  const idat = chunk("IDAT", Array.from(deflateSync(new Uint8Array(64 * 1024))));
  return Uint8Array.from([
    0x89,
    0x50,
    0x4e,
    0x47,
    0x0d,
    0x0a,
    0x1a,
    0x0a,
    ...ihdr,
    ...idat,
    ...chunk("IEND", []),
  ]);
}

/**
 * A little-endian TIFF with one IFD per page size given, each page one uncompressed 8-bit gray strip of a few
 * bytes (the strip would be far too short to decode: only the headers may be read).
 */
export function tiffBomb(pages: { width: number; height: number }[] = [{ width: 65_000, height: 65_000 }]) {
  const le16 = (n: number) => [n & 0xff, (n >> 8) & 0xff];
  const le32 = (n: number) => [n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, (n >>> 24) & 0xff];
  const STRIP = 16;
  const ENTRIES = 8;
  const ifdSize = 2 + ENTRIES * 12 + 4;
  const out: number[] = [0x49, 0x49, 0x2a, 0x00, ...le32(8)];
  pages.forEach(({ width, height }, i) => {
    const ifdAt = out.length;
    const stripAt = ifdAt + ifdSize;
    const next = i === pages.length - 1 ? 0 : stripAt + STRIP;
    const entry = (tag: number, type: number, value: number) => [
      ...le16(tag),
      ...le16(type),
      ...le32(1),
      ...(type === 3 ? [...le16(value), 0, 0] : le32(value)),
    ];
    out.push(
      ...le16(ENTRIES),
      ...entry(256, 4, width),
      ...entry(257, 4, height),
      ...entry(258, 3, 8),
      ...entry(259, 3, 1),
      ...entry(262, 3, 1),
      ...entry(273, 4, stripAt),
      ...entry(278, 4, height),
      ...entry(279, 4, STRIP),
      ...le32(next),
      ...new Array<number>(STRIP).fill(0xff),
    );
  });
  return Uint8Array.from(out);
}

/** A PDF whose pages have the given MediaBox sizes in points, with a correct cross-reference table. */
export function pdfWithPages(sizes: { width: number; height: number }[]): Uint8Array {
  const kids = sizes.map((_, i) => `${3 + i} 0 R`).join(" ");
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    `<< /Type /Pages /Kids [${kids}] /Count ${sizes.length} >>`,
    ...sizes.map(({ width, height }) => `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${width} ${height}] >>`),
  ];
  let body = "%PDF-1.4\n";
  const offsets: number[] = [];
  objects.forEach((object, i) => {
    offsets.push(body.length);
    body += `${i + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  body += offsets.map((o) => `${String(o).padStart(10, "0")} 00000 n \n`).join("");
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return new TextEncoder().encode(body);
}

export const INCH = 72;
