import { crc32 } from "node:zlib";

const SIGNATURE_BYTES = 8;
const INCHES_PER_METRE = 39.37;

/**
 * The PNG with its declared resolution (the pHYs chunk) set to `dpi`, or removed when `dpi` is undefined:
 * the same pixels as a scanner or phone app that writes 72, 96 or nothing would save them.
 */
export function withPngResolution(png: Uint8Array, dpi: number | undefined): Buffer {
  const chunks: Buffer[] = [Buffer.from(png.subarray(0, SIGNATURE_BYTES))];
  for (let at = SIGNATURE_BYTES; at < png.length;) {
    const length = Buffer.from(png.buffer, png.byteOffset + at, 4).readUInt32BE(0);
    const type = Buffer.from(png.subarray(at + 4, at + 8)).toString("latin1");
    const chunk = Buffer.from(png.subarray(at, at + 12 + length));
    at += 12 + length;
    if (type === "pHYs") continue;
    chunks.push(chunk);
    if (type === "IHDR" && dpi !== undefined) chunks.push(physChunk(dpi));
  }
  return Buffer.concat(chunks);
}

function physChunk(dpi: number): Buffer {
  const data = Buffer.alloc(9);
  const perMetre = Math.round(dpi * INCHES_PER_METRE);
  data.writeUInt32BE(perMetre, 0);
  data.writeUInt32BE(perMetre, 4);
  data.writeUInt8(1, 8); // unit: metre
  return pngChunk("pHYs", data);
}

/** One PNG chunk: length, type, data and the CRC over type and data. */
export function pngChunk(typeName: string, data: Buffer): Buffer {
  const type = Buffer.from(typeName, "latin1");
  const chunk = Buffer.alloc(12 + data.length);
  chunk.writeUInt32BE(data.length, 0);
  type.copy(chunk, 4);
  data.copy(chunk, 8);
  chunk.writeUInt32BE(crc32(Buffer.concat([type, data])) >>> 0, 8 + data.length);
  return chunk;
}
