import { pngChunk } from "../../samples/generator/png-resolution";
import { TINY_PNG } from "../unit/handlers/fakes";

/**
 * A distinct valid PNG per label: the tiny test image with a tEXt chunk before IEND (so no two are duplicates),
 * padded to `padBytes` of comment when a test needs files that take a while to upload.
 */
export function pngVariant(label: string, padBytes = 0): Buffer {
  const data = Buffer.concat([Buffer.from(`Comment\0${label}`, "latin1"), Buffer.alloc(padBytes, 0x20)]);
  const chunk = pngChunk("tEXt", data);
  const iend = TINY_PNG.length - 12;
  return Buffer.concat([TINY_PNG.subarray(0, iend), chunk, TINY_PNG.subarray(iend)]);
}
