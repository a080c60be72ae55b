import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import writeFileAtomic from "write-file-atomic";
import type { LocalFile } from "./manifest-builder";

/**
 * What an upload run has done so far, kept in the data dir after every file so an interrupted run (Ctrl-C,
 * a lost connection, a crash) resumes where it stopped: the batch, the hashed manifest and the files sent.
 */
export interface UploadState {
  folder: string;
  vendor: string;
  batchName: string;
  batchId?: string;
  apiUrl: string;
  files: Omit<LocalFile, "path">[];
  uploaded: string[];
  closed: boolean;
  startedAt: string;
}

const dirOf = (dataDir: string) => join(dataDir, "uploads");
const fileOf = (dataDir: string, vendor: string, batchName: string) =>
  join(dirOf(dataDir), `${vendor}--${batchName}.json`);

export function saveState(dataDir: string, state: UploadState): void {
  mkdirSync(dirOf(dataDir), { recursive: true, mode: 0o700 });
  writeFileAtomic.sync(fileOf(dataDir, state.vendor, state.batchName), JSON.stringify(state), {
    mode: 0o600,
  });
}

/** The run to resume: the named batch's, else the latest unfinished one of this folder and vendor. */
export function findState(
  dataDir: string,
  where: { folder: string; vendor: string; batchName?: string },
): UploadState | undefined {
  if (where.batchName) return read(fileOf(dataDir, where.vendor, where.batchName));
  let entries: string[];
  try {
    entries = readdirSync(dirOf(dataDir));
  } catch {
    return undefined;
  }
  return entries
    .filter((f) => f.startsWith(`${where.vendor}--`) && f.endsWith(".json"))
    .map((f) => read(join(dirOf(dataDir), f)))
    .filter((s): s is UploadState => s !== undefined && s.folder === where.folder && !s.closed)
    .sort((a, b) => (a.startedAt < b.startedAt ? 1 : -1))[0];
}

function read(path: string): UploadState | undefined {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as UploadState;
  } catch {
    return undefined;
  }
}
