import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { defaultLangPath } from "./tesseract-pool";

/**
 * The bundled English model (tessdata best_int, the one tesseract.js reads) as a tessdata directory native
 * Tesseract can use: unpacked once into the temp directory, under the hash of the packed file, written
 * atomically (concurrent starts each write a temp file and rename it over the same name).
 */
export function bundledModelDir(lang = "eng"): string {
  // Once per process: every OCR pool asks, and the packed model is 3 MB to read and hash.
  let dir = unpacked.get(lang);
  if (!dir) {
    dir = unpack(lang);
    unpacked.set(lang, dir);
  }
  return dir;
}

const unpacked = new Map<string, string>();

function unpack(lang: string): string {
  const packed = readFileSync(path.join(defaultLangPath(), `${lang}.traineddata.gz`));
  const digest = createHash("sha256").update(packed).digest("hex").slice(0, 16);
  const dir = path.join(tmpdir(), `chartbridge-tessdata-${digest}`);
  const file = path.join(dir, `${lang}.traineddata`);
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true });
    const partial = `${file}.${process.pid}.tmp`;
    writeFileSync(partial, gunzipSync(packed));
    renameSync(partial, file);
  }
  return dir;
}
