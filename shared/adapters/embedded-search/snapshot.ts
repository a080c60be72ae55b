/**
 * The embedded index's snapshot file: live documents, the version seen per id (tombstones included) and the
 * serialized MiniSearch index, validated on load and written atomically (temp file + rename).
 */
import { mkdir, readFile, rename, unlink, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import type { AsPlainObject } from "minisearch";
import * as z from "zod";
import type { SearchDocument } from "../../search/search-index";

const SNAPSHOT_FORMAT = "chartbridge-embedded-search";
// 2: the tokenizer splits at "\f" (page breaks); older snapshots are rebuilt from the records table.
const SNAPSHOT_VERSION = 2;

/** How a snapshot was found: loaded, absent (or no file configured), or unreadable. */
export type SnapshotState = "loaded" | "missing" | "corrupt";

export interface Snapshot {
  format: typeof SNAPSHOT_FORMAT;
  schemaVersion: typeof SNAPSHOT_VERSION;
  savedAt: string;
  /** Live documents. */
  docs: SearchDocument[];
  /** id → latest version seen, for live documents and tombstones. */
  versions: Array<[string, number]>;
  minisearch: AsPlainObject;
}

/**
 * What a loaded snapshot must hold. Documents are checked for the id and version the index relies on and
 * kept whole; the MiniSearch part is checked by MiniSearch itself when it is loaded (a mismatch reindexes
 * the documents).
 */
const SnapshotSchema = z.object({
  format: z.literal(SNAPSHOT_FORMAT),
  schemaVersion: z.literal(SNAPSHOT_VERSION),
  savedAt: z.string(),
  docs: z.array(z.looseObject({ id: z.string(), version: z.number() })),
  versions: z.array(z.tuple([z.string(), z.number()])),
  minisearch: z.record(z.string(), z.unknown()),
});

export function snapshotOf(
  docs: Iterable<SearchDocument>,
  versions: Iterable<[string, number]>,
  minisearch: AsPlainObject,
): Snapshot {
  return {
    format: SNAPSHOT_FORMAT,
    schemaVersion: SNAPSHOT_VERSION,
    savedAt: new Date().toISOString(),
    docs: [...docs],
    versions: [...versions],
    minisearch,
  };
}

/** The snapshot in `raw`, or undefined when it is not valid JSON of the expected shape. */
export function parseSnapshot(raw: string): Snapshot | undefined {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return undefined;
  }
  const parsed = SnapshotSchema.safeParse(json);
  return parsed.success ? (parsed.data as unknown as Snapshot) : undefined;
}

/** Reads the snapshot at `file`: "missing" when there is no such file, "corrupt" when it does not parse. */
export async function readSnapshot(
  file: string,
): Promise<{ state: "loaded"; snapshot: Snapshot } | { state: "missing" | "corrupt" }> {
  let raw: string;
  try {
    raw = await readFile(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return { state: "missing" };
    throw err;
  }
  const snapshot = parseSnapshot(raw);
  return snapshot ? { state: "loaded", snapshot } : { state: "corrupt" };
}

/** Writes `snapshot` to `file` atomically: a temp file beside it, renamed over it. */
export async function writeSnapshot(file: string, snapshot: Snapshot): Promise<void> {
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  try {
    await mkdir(dirname(file), { recursive: true });
    await writeFile(tmp, JSON.stringify(snapshot));
    await rename(tmp, file);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
}
