import { readdirSync, statSync } from "node:fs";
import { extname, join, resolve } from "node:path";

/** Scan file extensions picked up from folders; files named explicitly are taken whatever their name. */
const SCAN_EXTENSIONS = new Set([".pdf", ".tif", ".tiff", ".png", ".jpg", ".jpeg"]);

export class MissingPathError extends Error {
  constructor(readonly path: string) {
    super(`No such file or folder: ${path}`);
    this.name = "MissingPathError";
  }
}

/** Expands files and folders (recursively) into the list of files to upload, in a stable order. */
export function collectFiles(paths: string[]): string[] {
  const files: string[] = [];
  for (const p of paths) {
    const abs = resolve(p);
    let stat;
    try {
      stat = statSync(abs);
    } catch {
      throw new MissingPathError(p);
    }
    if (stat.isFile()) files.push(abs);
    else if (stat.isDirectory()) files.push(...walk(abs));
  }
  return [...new Set(files)];
}

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
    a.name.localeCompare(b.name),
  )) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walk(full));
    else if (entry.isFile() && SCAN_EXTENSIONS.has(extname(entry.name).toLowerCase())) out.push(full);
  }
  return out;
}
