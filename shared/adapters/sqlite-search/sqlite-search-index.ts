import { existsSync, mkdirSync, rmSync } from "node:fs";
import { dirname } from "node:path";
import BetterSqlite3, { type Database, type Statement } from "better-sqlite3";
import type { SearchDocument, SearchIndex, SearchQuery, SearchResult } from "../../search/search-index";
import { facilityKey } from "../../search/facets";
import { filterColumn } from "./filter-tokens";
import { FuzzyVocabulary } from "./fuzzy-terms";
import { firstSeqAt, SEQS_PER_MILLISECOND } from "./row-order";
import { CREATE_SCHEMA, SCHEMA_FORMAT, SCHEMA_VERSION } from "./schema";
import { DEFAULT_WINDOW, SearchReader } from "./search-reader";
import { indexableText, termsOf } from "./text-terms";

/** How `open` found the index file: usable, absent (a new index), or unreadable (replaced by a new one). */
export type IndexFileState = "loaded" | "missing" | "corrupt";

export interface SqliteSearchIndexOptions {
  /** The index file. Without one the index lives in memory only. */
  file?: string;
  /**
   * Matches a query counts, ranks and facets (search-reader.ts).
   * @default 5000
   */
  window?: number;
  /**
   * SQLite page cache in MiB.
   * @default 64
   */
  cacheMiB?: number;
}

/** Documents per transaction when rebuilding. */
const REBUILD_CHUNK = 2000;
/** Meta key present while a rebuild runs. */
const REBUILDING = "rebuilding";

interface StoredVersion {
  version: number;
  seq: number | null;
}

/**
 * The local-mode search index: SQLite with FTS5, in one file (better-sqlite3, synchronous, in process).
 *
 * Each change is one transaction (WAL journal): visible to the next query at once, saved as it happens
 * (nothing to snapshot, no full rewrite), and kept whole if the process dies. Reopening reads nothing up
 * front, so the first answer after a restart costs what any answer costs.
 *
 * Versioning (like OpenSearch external versioning): an upsert applies only if its version is greater than
 * the indexed one, else "stale" (equal versions are stale too, so replays are no-ops). A removal is
 * "stale" if its version is lower than the indexed one, or if there is no live document to remove; either
 * way it leaves a tombstone, so an older upsert arriving late stays stale.
 */
export class SqliteSearchIndex implements SearchIndex {
  readonly name = "embedded";
  private readonly reader: SearchReader;
  private readonly vocabulary: FuzzyVocabulary;
  private readonly sql: {
    version: Statement<[{ id: string }], StoredVersion>;
    lastSeqIn: Statement<[number, number], { seq: number | null }>;
    lastSeq: Statement<[], { seq: number | null }>;
    deleteDocument: Statement<[number]>;
    deleteText: Statement<[number]>;
    deleteSearchText: Statement<[number]>;
    insertDocument: Statement<Record<string, unknown>>;
    insertText: Statement<[number, string]>;
    insertSearchText: Statement<[number, string, string, string]>;
    setTombstone: Statement<[string, number]>;
    clearTombstone: Statement<[string]>;
    count: Statement<[], { n: number }>;
    setMeta: Statement<[string, string]>;
    deleteMeta: Statement<[string]>;
  };
  private closed = false;

  private constructor(
    private readonly db: Database,
    /** What `open` found; "missing" or "corrupt" means the caller should `rebuild` from the records table. */
    readonly fileState: IndexFileState,
    window: number,
  ) {
    this.vocabulary = new FuzzyVocabulary(db);
    this.reader = new SearchReader(db, this.vocabulary, window);
    this.sql = {
      version: db.prepare(
        `SELECT version, seq FROM documents WHERE id = @id
         UNION ALL SELECT version, NULL FROM tombstones WHERE id = @id`,
      ),
      lastSeqIn: db.prepare("SELECT max(seq) AS seq FROM documents WHERE seq BETWEEN ? AND ?"),
      lastSeq: db.prepare("SELECT max(seq) AS seq FROM documents"),
      deleteDocument: db.prepare("DELETE FROM documents WHERE seq = ?"),
      deleteText: db.prepare("DELETE FROM document_texts WHERE seq = ?"),
      deleteSearchText: db.prepare("DELETE FROM search_text WHERE rowid = ?"),
      insertDocument: db.prepare(
        `INSERT INTO documents (seq, id, version, status, document_type, patient_name, date_of_birth, mrn,
           date_of_service, facility, facility_key)
         VALUES (@seq, @id, @version, @status, @documentType, @patientName, @dateOfBirth, @mrn,
           @dateOfService, @facility, @facilityKey)`,
      ),
      insertText: db.prepare("INSERT INTO document_texts (seq, text) VALUES (?, ?)"),
      insertSearchText: db.prepare(
        "INSERT INTO search_text (rowid, name, body, filters) VALUES (?, ?, ?, ?)",
      ),
      setTombstone: db.prepare(
        "INSERT INTO tombstones (id, version) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET version = excluded.version",
      ),
      clearTombstone: db.prepare("DELETE FROM tombstones WHERE id = ?"),
      count: db.prepare("SELECT count(*) AS n FROM documents"),
      setMeta: db.prepare(
        "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      ),
      deleteMeta: db.prepare("DELETE FROM meta WHERE key = ?"),
    };
  }

  /** An in-memory index (tests, one-off scripts). */
  static inMemory(options: Omit<SqliteSearchIndexOptions, "file"> = {}): SqliteSearchIndex {
    return SqliteSearchIndex.open(options);
  }

  /**
   * Opens the index file, creating it when there is none. A file that is not an index of this version
   * (corrupt, another format, an older schema) is replaced by an empty index: state "corrupt".
   */
  static open(options: SqliteSearchIndexOptions = {}): SqliteSearchIndex {
    const window = options.window ?? DEFAULT_WINDOW;
    const cacheMiB = options.cacheMiB ?? 64;
    if (!options.file) return new SqliteSearchIndex(create(":memory:", cacheMiB), "missing", window);

    const file = options.file;
    if (!existsSync(file)) {
      mkdirSync(dirname(file), { recursive: true });
      return new SqliteSearchIndex(create(file, cacheMiB), "missing", window);
    }
    const db = openExisting(file, cacheMiB);
    if (db) return new SqliteSearchIndex(db, "loaded", window);
    for (const suffix of ["", "-wal", "-shm"]) rmSync(file + suffix, { force: true });
    return new SqliteSearchIndex(create(file, cacheMiB), "corrupt", window);
  }

  /** True when there was no usable index file: the index should be rebuilt from the source of truth. */
  get needsRebuild(): boolean {
    return this.fileState !== "loaded";
  }

  /** Number of live documents. */
  get size(): number {
    return this.sql.count.get()!.n;
  }

  async upsert(doc: SearchDocument): Promise<"applied" | "stale"> {
    this.assertOpen();
    return this.db.transaction(() => this.write(doc))();
  }

  async remove(id: string, version: number): Promise<"applied" | "stale"> {
    this.assertOpen();
    return this.db.transaction((): "applied" | "stale" => {
      const current = this.sql.version.get({ id });
      if (current !== undefined && version < current.version) return "stale";
      this.sql.setTombstone.run(id, version);
      if (current?.seq == null) return "stale";
      this.deleteRow(current.seq);
      return "applied";
    })();
  }

  /**
   * Replaces the whole index with `docs` (e.g. every record streamed from DynamoDB), read as a stream and
   * written in transactions of REBUILD_CHUNK documents. Tombstones are dropped: the source is
   * authoritative. If an id appears twice the highest version wins. Until the last chunk is written the
   * file is marked as being rebuilt, so a crash midway leaves an index that `open` reports as corrupt (and
   * the caller rebuilds again), never one that looks complete. Returns the number of documents indexed.
   */
  async rebuild(docs: AsyncIterable<SearchDocument> | Iterable<SearchDocument>): Promise<number> {
    this.assertOpen();
    this.db.transaction(() => {
      this.sql.setMeta.run(REBUILDING, "1");
      this.db.exec(
        `DELETE FROM documents; DELETE FROM document_texts; DELETE FROM tombstones;
         DELETE FROM search_text; DELETE FROM terms; DELETE FROM term_trigrams;`,
      );
    })();
    const writeChunk = this.db.transaction((chunk: SearchDocument[]) => {
      for (const doc of chunk) this.write(doc);
    });
    let chunk: SearchDocument[] = [];
    for await (const doc of docs) {
      chunk.push(doc);
      if (chunk.length >= REBUILD_CHUNK) {
        writeChunk(chunk);
        chunk = [];
      }
    }
    writeChunk(chunk);
    this.sql.deleteMeta.run(REBUILDING);
    return this.size;
  }

  /** The version of the live document the index holds for `id` (consistency checks), if any. */
  indexedVersion(id: string): number | undefined {
    const current = this.sql.version.get({ id });
    return current?.seq == null ? undefined : current.version;
  }

  async search(query: SearchQuery): Promise<SearchResult> {
    this.assertOpen();
    return this.reader.search(query);
  }

  /** Merges FTS5's index segments into one (smaller file, fewer segments per query); for after bulk loads. */
  optimize(): void {
    this.db.exec("INSERT INTO search_text (search_text) VALUES ('optimize')");
    this.db.pragma("wal_checkpoint(TRUNCATE)");
  }

  /** Closes the file (changes are already saved). Later calls fail. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }

  private write(doc: SearchDocument): "applied" | "stale" {
    const current = this.sql.version.get({ id: doc.id });
    if (current !== undefined && doc.version <= current.version) return "stale";
    if (current?.seq != null) this.deleteRow(current.seq);
    if (current !== undefined && current.seq == null) this.sql.clearTombstone.run(doc.id);

    const seq = this.nextSeq(doc.updatedAt);
    this.sql.insertDocument.run({
      seq,
      id: doc.id,
      version: doc.version,
      status: doc.status,
      documentType: doc.documentType ?? null,
      patientName: doc.patientName ?? null,
      dateOfBirth: doc.dateOfBirth ?? null,
      mrn: doc.mrn ?? null,
      dateOfService: doc.dateOfService ?? null,
      facility: doc.facility ?? null,
      facilityKey: doc.facility ? facilityKey(doc.facility) : null,
    });
    this.sql.insertText.run(seq, doc.text);
    const name = indexableText(doc.patientName ?? "");
    const body = indexableText(
      [
        doc.text,
        ...doc.diagnoses,
        ...doc.medications,
        ...doc.allergies,
        doc.provider ?? "",
        doc.facility ?? "",
      ].join("\n"),
    );
    this.sql.insertSearchText.run(seq, name, body, filterColumn(doc));
    this.vocabulary.add(new Set([...termsOf(name), ...termsOf(body)]));
    return "applied";
  }

  private deleteRow(seq: number): void {
    this.sql.deleteDocument.run(seq);
    this.sql.deleteText.run(seq);
    this.sql.deleteSearchText.run(seq);
  }

  /** A free seq for a record updated at `updatedAt` (row-order.ts). */
  private nextSeq(updatedAt: string): number {
    const first = firstSeqAt(updatedAt);
    const last = first + SEQS_PER_MILLISECOND - 1;
    const taken = this.sql.lastSeqIn.get(first, last)!.seq;
    if (taken === null) return first;
    if (taken < last) return taken + 1;
    // More than 1,024 records in one millisecond: place it after every other row (order slightly off, nothing lost).
    return this.sql.lastSeq.get()!.seq! + 1;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error("SqliteSearchIndex is closed");
  }
}

function configure(db: Database, cacheMiB: number): Database {
  db.pragma("journal_mode = WAL");
  // WAL + NORMAL: a process crash loses nothing committed; a power cut may lose the last commits (the
  // local stack re-indexes from the records table when it finds the index behind).
  db.pragma("synchronous = NORMAL");
  db.pragma(`cache_size = ${-cacheMiB * 1024}`);
  db.pragma("temp_store = MEMORY");
  return db;
}

function create(file: string, cacheMiB: number): Database {
  const db = configure(new BetterSqlite3(file), cacheMiB);
  db.transaction(() => {
    db.exec(CREATE_SCHEMA);
    db.prepare("INSERT INTO meta (key, value) VALUES ('format', ?), ('schemaVersion', ?)").run(
      SCHEMA_FORMAT,
      String(SCHEMA_VERSION),
    );
  })();
  return db;
}

/** The database at `file` when it is an index of this schema version, else undefined (and closed). */
function openExisting(file: string, cacheMiB: number): Database | undefined {
  let db: Database | undefined;
  try {
    db = configure(new BetterSqlite3(file), cacheMiB);
    const meta = new Map(
      db
        .prepare<[], { key: string; value: string }>("SELECT key, value FROM meta")
        .all()
        .map((r) => [r.key, r.value]),
    );
    if (meta.get("format") !== SCHEMA_FORMAT || meta.get("schemaVersion") !== String(SCHEMA_VERSION))
      throw new Error("not an index of this version");
    if (meta.has(REBUILDING)) throw new Error("a rebuild did not finish");
    db.prepare("SELECT count(*) FROM search_text WHERE search_text MATCH 'x'").get();
    return db;
  } catch {
    db?.close();
    return undefined;
  }
}
