import { closeSync, fstatSync, openSync, readSync } from "node:fs";

/**
 * Random access to an upload's bytes, wherever they are: intake reads headers, tails and TIFF directories
 * from it and hands it to MuPDF as a stream, so a large upload is never held in memory to be validated.
 */
export interface ByteSource {
  readonly size: number;
  /** Copies up to `length` bytes from `position` into `target` at `offset`; returns how many were copied. */
  readInto(target: Uint8Array, offset: number, length: number, position: number): number;
}

/** Reads `length` bytes from `position` (fewer at the end of the source). */
export function readAt(source: ByteSource, position: number, length: number): Uint8Array {
  const start = Math.max(0, Math.min(position, source.size));
  const out = new Uint8Array(Math.max(0, Math.min(length, source.size - start)));
  let done = 0;
  while (done < out.length) {
    const n = source.readInto(out, done, out.length - done, start + done);
    if (n <= 0) break;
    done += n;
  }
  return done === out.length ? out : out.subarray(0, done);
}

export function bytesSource(bytes: Uint8Array): ByteSource {
  return {
    size: bytes.length,
    readInto(target, offset, length, position) {
      const chunk = bytes.subarray(position, Math.min(bytes.length, position + length));
      target.set(chunk, offset);
      return chunk.length;
    },
  };
}

/** Opens `path` read-only for `fn` and always closes it. */
export function withFileSource<T>(path: string, fn: (source: ByteSource) => T): T {
  const fd = openSync(path, "r");
  try {
    const size = fstatSync(fd).size;
    return fn({
      size,
      readInto: (target, offset, length, position) => readSync(fd, target, offset, length, position),
    });
  } finally {
    closeSync(fd);
  }
}
