import { crc32 } from "node:zlib";
import { TINY_PNG } from "../unit/handlers/fakes";

/**
 * A distinct valid PNG per label: the tiny test image with a tEXt chunk before IEND (so no two are duplicates),
 * padded to `padBytes` of comment when a test needs files that take a while to upload.
 */
export function pngVariant(label: string, padBytes = 0): Buffer {
  const data = Buffer.concat([Buffer.from(`Comment\0${label}`, "latin1"), Buffer.alloc(padBytes, 0x20)]);
  const type = Buffer.from("tEXt", "latin1");
  const chunk = Buffer.alloc(12 + data.length);
  chunk.writeUInt32BE(data.length, 0);
  type.copy(chunk, 4);
  data.copy(chunk, 8);
  chunk.writeUInt32BE(crc32(Buffer.concat([type, data])) >>> 0, 8 + data.length);
  const iend = TINY_PNG.length - 12;
  return Buffer.concat([TINY_PNG.subarray(0, iend), chunk, TINY_PNG.subarray(iend)]);
}
