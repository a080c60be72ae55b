import { createHash } from "node:crypto";
import { createReadStream, statSync } from "node:fs";
import { relative, sep } from "node:path";
import { fileNameProblem } from "../../../shared/batches/manifest";

/** One file of the folder as the manifest declares it, with where it is on disk. */
export interface LocalFile {
  path: string;
  /** The manifest name: the path below the folder, '/'-separated. */
  name: string;
  size: number;
  mtimeMs: number;
  sha256: string;
}

/** Names the API would refuse, found before anything is hashed or sent (the vendor sees their own names). */
export function nameProblems(folder: string, paths: readonly string[]): string[] {
  return paths.flatMap((path) => {
    const name = manifestName(folder, path);
    const problem = fileNameProblem(name);
    return problem ? [`${name}: ${problem}`] : [];
  });
}

export function manifestName(folder: string, path: string): string {
  return relative(folder, path).split(sep).join("/");
}

/**
 * Hashes every file (streamed: memory does not grow with file size). A file whose size and modification time
 * match an earlier run's entry (`known`, a resumed upload) keeps that entry's hash instead of being read again.
 */
export async function buildManifest(
  folder: string,
  paths: readonly string[],
  opts: {
    known?: ReadonlyMap<string, LocalFile>;
    onBytes?: (bytes: number) => void;
    onFile?: () => void;
  } = {},
): Promise<LocalFile[]> {
  const files: LocalFile[] = [];
  for (const path of paths) {
    const { size, mtimeMs } = statSync(path);
    const name = manifestName(folder, path);
    const known = opts.known?.get(name);
    if (known && known.size === size && known.mtimeMs === mtimeMs) {
      files.push({ ...known, path });
      opts.onBytes?.(size);
    } else {
      files.push({ path, name, size, mtimeMs, sha256: await sha256File(path, opts.onBytes) });
    }
    opts.onFile?.();
  }
  return files;
}

async function sha256File(path: string, onBytes?: (bytes: number) => void): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 })) {
    hash.update(chunk as Buffer);
    onBytes?.((chunk as Buffer).length);
  }
  return hash.digest("hex");
}
