import MiniSearch from "minisearch";
import type { SearchDocument, SearchIndex, SearchQuery, SearchResult } from "../../search/search-index";
import { miniSearchOptions, newMiniSearch, searchDocuments } from "./query";
import { readSnapshot, snapshotOf, writeSnapshot, type Snapshot, type SnapshotState } from "./snapshot";

export type { SnapshotState } from "./snapshot";

export interface EmbeddedSearchIndexOptions {
  /** Snapshot file. Without one the index lives in memory only. */
  file?: string;
  /** Delay before writing changes to the snapshot; default 200 ms. */
  debounceMs?: number;
}

/**
 * The local-mode search index: MiniSearch in process, optionally persisted to a JSON snapshot file.
 *
 * Versioning (like OpenSearch external versioning): an upsert applies only if its version is greater than
 * the indexed one, else "stale" (equal versions are stale too, so replays are no-ops). A removal is
 * "stale" if its version is lower than the indexed one, or if there is no live document to remove; either
 * way it leaves a tombstone, so an older upsert arriving late stays stale.
 *
 * Queries run in query.ts (matching, filters, ranking, offset cursors). Persistence (snapshot.ts):
 * `open({ file })` loads the snapshot; changes are written debounced (atomically: temp file + rename);
 * `close()` writes pending changes.
 */
export class EmbeddedSearchIndex implements SearchIndex {
  readonly name = "embedded";
  private mini = newMiniSearch();
  private docs = new Map<string, SearchDocument>();
  private versions = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private dirty = false;
  private writing: Promise<void> = Promise.resolve();
  private closed = false;

  private constructor(
    private readonly file: string | undefined,
    private readonly debounceMs: number,
    /** What `open` found; "missing" or "corrupt" means the caller should `rebuild` from the records table. */
    readonly snapshotState: SnapshotState,
  ) {}

  /** An in-memory index (tests, one-off scripts). */
  static inMemory(): EmbeddedSearchIndex {
    return new EmbeddedSearchIndex(undefined, 0, "missing");
  }

  /**
   * Opens the index, loading the snapshot at `file` when there is a readable one. A corrupt snapshot is
   * ignored (state "corrupt") and overwritten by the next write; check `needsRebuild`.
   */
  static async open(options: EmbeddedSearchIndexOptions = {}): Promise<EmbeddedSearchIndex> {
    const debounceMs = options.debounceMs ?? 200;
    if (!options.file) return new EmbeddedSearchIndex(undefined, debounceMs, "missing");

    const read = await readSnapshot(options.file);
    const index = new EmbeddedSearchIndex(options.file, debounceMs, read.state);
    if (read.state === "loaded") index.load(read.snapshot);
    return index;
  }

  /** True when there was no usable snapshot: the index should be rebuilt from the source of truth. */
  get needsRebuild(): boolean {
    return this.snapshotState !== "loaded";
  }

  /** Number of live documents. */
  get size(): number {
    return this.docs.size;
  }

  /**
   * Replaces the whole index with `docs` (e.g. every record streamed from DynamoDB). Tombstones are
   * dropped: the source is authoritative. If an id appears twice the highest version wins.
   * Returns the number of documents indexed.
   */
  async rebuild(docs: AsyncIterable<SearchDocument> | Iterable<SearchDocument>): Promise<number> {
    this.assertOpen();
    const latest = new Map<string, SearchDocument>();
    for await (const doc of docs) {
      const seen = latest.get(doc.id);
      if (!seen || doc.version > seen.version) latest.set(doc.id, doc);
    }
    this.mini = newMiniSearch();
    this.docs = new Map();
    this.versions = new Map();
    for (const doc of latest.values()) {
      this.mini.add(doc);
      this.docs.set(doc.id, doc);
      this.versions.set(doc.id, doc.version);
    }
    this.changed();
    return latest.size;
  }

  async upsert(doc: SearchDocument): Promise<"applied" | "stale"> {
    this.assertOpen();
    const current = this.versions.get(doc.id);
    if (current !== undefined && doc.version <= current) return "stale";
    if (this.mini.has(doc.id)) this.mini.replace(doc);
    else this.mini.add(doc);
    this.docs.set(doc.id, doc);
    this.versions.set(doc.id, doc.version);
    this.changed();
    return "applied";
  }

  async remove(id: string, version: number): Promise<"applied" | "stale"> {
    this.assertOpen();
    const current = this.versions.get(id);
    if (current !== undefined && version < current) return "stale";
    this.versions.set(id, version);
    const live = this.docs.has(id);
    if (live) {
      this.mini.discard(id);
      this.docs.delete(id);
    }
    this.changed();
    return live ? "applied" : "stale";
  }

  /** The version of the live document the index holds for `id` (consistency checks), if any. */
  indexedVersion(id: string): number | undefined {
    return this.docs.get(id)?.version;
  }

  async search(query: SearchQuery): Promise<SearchResult> {
    return searchDocuments(this.mini, this.docs, query);
  }

  /** Writes pending changes to the snapshot now (no-op without a file or changes). */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const next = this.writing.then(() => this.saveSnapshot());
    this.writing = next.catch(() => undefined);
    return next;
  }

  /** Writes pending changes and stops accepting writes. */
  async close(): Promise<void> {
    if (this.closed) return this.writing;
    await this.flush();
    this.closed = true;
  }

  private changed(): void {
    this.dirty = true;
    if (!this.file || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      // Errors surface on the next explicit flush/close; a background write must not crash the process.
      this.flush().catch(() => {
        this.dirty = true;
      });
    }, this.debounceMs);
    this.timer.unref();
  }

  private async saveSnapshot(): Promise<void> {
    if (!this.file || !this.dirty) return;
    this.dirty = false;
    try {
      await writeSnapshot(
        this.file,
        snapshotOf(this.docs.values(), this.versions.entries(), this.mini.toJSON()),
      );
    } catch (err) {
      this.dirty = true;
      throw err;
    }
  }

  private load(snapshot: Snapshot): void {
    this.docs = new Map(snapshot.docs.map((d) => [d.id, d]));
    this.versions = new Map(snapshot.versions);
    try {
      const mini = MiniSearch.loadJS<SearchDocument>(snapshot.minisearch, miniSearchOptions());
      if (mini.documentCount !== this.docs.size || snapshot.docs.some((d) => !mini.has(d.id))) {
        throw new Error("index does not match stored documents");
      }
      this.mini = mini;
    } catch {
      // The stored documents are intact: reindex them rather than lose the snapshot.
      this.mini = newMiniSearch();
      this.mini.addAll(snapshot.docs);
      this.dirty = true;
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new Error("EmbeddedSearchIndex is closed");
  }
}
