/**
 * Uploads of hundreds of megabytes, generated as streams of 1 MiB chunks so no test keeps them on disk or in
 * memory: a one-page PDF padded with an unreferenced stream object, and an uncompressed multi-page TIFF.
 */

export const MiB = 1024 * 1024;
const CHUNK = Buffer.alloc(MiB, 0xff);

function* repeat(bytes: number): Generator<Buffer> {
  for (let left = bytes; left > 0; left -= MiB) yield left >= MiB ? CHUNK : CHUNK.subarray(0, left);
}

/**
 * A valid PDF of exactly `size` bytes: one page of `pageInches` (default letter) and a padding object that
 * nothing references. `seed` makes the bytes (and so the hash) differ between uploads of the same size.
 */
export function* largePdf(
  size: number,
  seed: number,
  pageInches: [number, number] = [8.5, 11],
): Generator<Buffer> {
  const [w, h] = pageInches.map((inches) => inches * 72);
  const content = `% upload ${seed}\n0 0 m ${w} ${h} l S\n`;
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${w} ${h}] /Contents 4 0 R >>`,
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
  ];
  let head = `%PDF-1.4\n%\xe2\xe3\xcf\xd3\n`;
  const offsets: number[] = [];
  for (const [i, object] of objects.entries()) {
    offsets.push(head.length);
    head += `${i + 1} 0 obj\n${object}\nendobj\n`;
  }
  const trailerFor = (paddingAt: number, xrefAt: number) =>
    `\nendstream\nendobj\nxref\n0 6\n0000000000 65535 f \n` +
    [...offsets, paddingAt].map((o) => `${String(o).padStart(10, "0")} 00000 n \n`).join("") +
    `trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n${xrefAt}\n%%EOF\n`;
  const paddingAt = head.length;
  // The padding length is written with a fixed width; the trailer's length depends only on where the xref
  // starts, so two rounds settle it.
  const openPadding = (length: number) =>
    `6 0 obj\n<< /Length ${String(length).padStart(12, "0")} >>\nstream\n`;
  const opened = openPadding(0).length;
  let trailer = trailerFor(paddingAt, size);
  let padding = 0;
  for (let round = 0; round < 3; round++) {
    padding = size - head.length - opened - trailer.length;
    trailer = trailerFor(paddingAt, paddingAt + opened + padding + "\nendstream\nendobj\n".length);
  }
  const start = Buffer.from(head + openPadding(padding), "latin1");
  const end = Buffer.from(trailer, "latin1");
  const total = start.length + padding + end.length;
  if (total !== size) throw new Error(`largePdf: built ${total} bytes, wanted ${size}`);
  yield start;
  yield* repeat(padding);
  yield end;
}

/** An uncompressed 8-bit gray TIFF of `pages` pages of `width` × `height` white pixels, directories first. */
export function* largeTiff(pages: number, width: number, height: number): Generator<Buffer> {
  const ENTRIES = 8;
  const ifdSize = 2 + ENTRIES * 12 + 4;
  const pageBytes = width * height;
  const firstStrip = 8 + pages * ifdSize;
  const head = Buffer.alloc(firstStrip);
  head.write("II", 0, "latin1");
  head.writeUInt16LE(42, 2);
  head.writeUInt32LE(8, 4);
  for (let p = 0; p < pages; p++) {
    let at = 8 + p * ifdSize;
    head.writeUInt16LE(ENTRIES, at);
    at += 2;
    const entry = (tag: number, value: number) => {
      head.writeUInt16LE(tag, at);
      head.writeUInt16LE(4, at + 2); // LONG
      head.writeUInt32LE(1, at + 4);
      head.writeUInt32LE(value, at + 8);
      at += 12;
    };
    entry(256, width);
    entry(257, height);
    entry(258, 8);
    entry(259, 1);
    entry(262, 1);
    entry(273, firstStrip + p * pageBytes);
    entry(278, height);
    entry(279, pageBytes);
    head.writeUInt32LE(p === pages - 1 ? 0 : 8 + (p + 1) * ifdSize, at);
  }
  yield head;
  yield* repeat(pages * pageBytes);
}
