import { mkdir, readFile, rename, unlink, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import MiniSearch, {
  type AsPlainObject,
  type Options,
  type Query,
  type SearchResult as MiniResult,
} from "minisearch";
import { highlight, normalizeTerm, tokenize } from "../../search/highlight";
import { mrnKey } from "../../domain/mrn";
import { decodeCursor, encodeCursor, InvalidCursorError } from "../../search/parse-search-params";
import {
  TEXT_SEARCH_FIELDS,
  type SearchDocument,
  type SearchHit,
  type SearchIndex,
  type SearchQuery,
  type SearchResult,
} from "../../search/search-index";

/**
 * The local-mode search index: MiniSearch in process, optionally persisted to a JSON snapshot file.
 *
 * Matching: free text over patientName (boosted ×3), text, diagnoses, medications, allergies, provider,
 * facility. All query terms must match (AND), each in any field. Terms of 3+ characters also match as
 * prefixes and fuzzily (edit distance 20% of the term length, rounded), and a swap of two adjacent
 * letters counts as one edit ("Jonh" finds "John", "Smyth" finds "Smith"): OCR-error tolerance close to
 * OpenSearch's `fuzziness: AUTO`. Filters are exact: mrn (by mrnKey, as in the records table), dob,
 * type, status, and date of service within from..to (inclusive; records without one are excluded).
 * With q: by score, then newest update, then id. Without q (or a q with no words, e.g. "-"): every
 * document passing the filters, newest update first.
 *
 * Versioning (like OpenSearch external versioning): an upsert applies only if its version is greater than
 * the indexed one, else "stale" (equal versions are stale too, so replays are no-ops). A removal is
 * "stale" if its version is lower than the indexed one, or if there is no live document to remove; either
 * way it leaves a tombstone, so an older upsert arriving late stays stale.
 *
 * Pagination: offset cursors. Persistence: `open({ file })` loads the snapshot; changes are written
 * debounced (atomically: temp file + rename); `close()` writes pending changes.
 */

const SEARCH_FIELDS = TEXT_SEARCH_FIELDS.map(({ field }) => field);
const BOOSTS = Object.fromEntries(
  TEXT_SEARCH_FIELDS.filter((f) => f.boost !== 1).map((f) => [f.field, f.boost]),
);
const SNAPSHOT_FORMAT = "chartbridge-embedded-search";
const SNAPSHOT_VERSION = 1;

export interface EmbeddedSearchIndexOptions {
  /** Snapshot file. Without one the index lives in memory only. */
  file?: string;
  /** Delay before writing changes to the snapshot; default 200 ms. */
  debounceMs?: number;
}

/** How `open` found the snapshot: loaded, absent (or no file configured), or unreadable. */
export type SnapshotState = "loaded" | "missing" | "corrupt";

interface Snapshot {
  format: typeof SNAPSHOT_FORMAT;
  schemaVersion: typeof SNAPSHOT_VERSION;
  savedAt: string;
  /** Live documents. */
  docs: SearchDocument[];
  /** id → latest version seen, for live documents and tombstones. */
  versions: Array<[string, number]>;
  minisearch: AsPlainObject;
}

function miniSearchOptions(): Options<SearchDocument> {
  return {
    idField: "id",
    fields: [...SEARCH_FIELDS],
    storeFields: [],
    extractField: (doc, field) => {
      const value = (doc as unknown as Record<string, unknown>)[field];
      return Array.isArray(value) ? value.join(" \n ") : value;
    },
    tokenize: (text) => tokenize(text),
    processTerm: (term) => normalizeTerm(term) || null,
    searchOptions: { boost: BOOSTS },
  };
}

export class EmbeddedSearchIndex implements SearchIndex {
  readonly name = "embedded";
  private mini = new MiniSearch<SearchDocument>(miniSearchOptions());
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

    let raw: string;
    try {
      raw = await readFile(options.file, "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") {
        return new EmbeddedSearchIndex(options.file, debounceMs, "missing");
      }
      throw err;
    }
    const snapshot = parseSnapshot(raw);
    const index = new EmbeddedSearchIndex(options.file, debounceMs, snapshot ? "loaded" : "corrupt");
    if (snapshot) index.load(snapshot);
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
    this.mini = new MiniSearch<SearchDocument>(miniSearchOptions());
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

  async search(query: SearchQuery): Promise<SearchResult> {
    let offset = 0;
    if (query.cursor !== undefined) {
      const cursor = decodeCursor(query.cursor);
      if (cursor?.k !== "o") throw new InvalidCursorError();
      offset = cursor.o;
    }
    const matches = makeFilter(query);
    const terms = query.q ? tokenize(query.q).map(normalizeTerm).filter(Boolean) : [];

    let ranked: Array<{ doc: SearchDocument; score?: number; terms: string[] }>;
    if (terms.length > 0) {
      const results: MiniResult[] = this.mini.search(buildQuery(terms), {
        filter: (r) => {
          const doc = this.docs.get(r.id as string);
          return doc !== undefined && matches(doc);
        },
      });
      ranked = results.map((r) => ({ doc: this.docs.get(r.id as string)!, score: r.score, terms: r.terms }));
      ranked.sort((a, b) => (b.score ?? 0) - (a.score ?? 0) || newestFirst(a.doc, b.doc));
    } else {
      ranked = [...this.docs.values()]
        .filter(matches)
        .sort(newestFirst)
        .map((doc) => ({ doc, terms: [] }));
    }

    const page = ranked.slice(offset, offset + query.limit);
    const result: SearchResult = {
      total: ranked.length,
      hits: page.map(({ doc, score, terms: matched }) => toHit(doc, score, matched)),
    };
    if (offset + page.length < ranked.length)
      result.nextCursor = encodeCursor({ k: "o", o: offset + page.length });
    return result;
  }

  /** Writes pending changes to the snapshot now (no-op without a file or changes). */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const next = this.writing.then(() => this.writeSnapshot());
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

  private async writeSnapshot(): Promise<void> {
    if (!this.file || !this.dirty) return;
    this.dirty = false;
    const snapshot: Snapshot = {
      format: SNAPSHOT_FORMAT,
      schemaVersion: SNAPSHOT_VERSION,
      savedAt: new Date().toISOString(),
      docs: [...this.docs.values()],
      versions: [...this.versions.entries()],
      minisearch: this.mini.toJSON(),
    };
    const tmp = `${this.file}.${process.pid}.${Date.now()}.tmp`;
    try {
      await mkdir(dirname(this.file), { recursive: true });
      await writeFile(tmp, JSON.stringify(snapshot));
      await rename(tmp, this.file);
    } catch (err) {
      this.dirty = true;
      await unlink(tmp).catch(() => undefined);
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
      this.mini = new MiniSearch<SearchDocument>(miniSearchOptions());
      this.mini.addAll(snapshot.docs);
      this.dirty = true;
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new Error("EmbeddedSearchIndex is closed");
  }
}

function parseSnapshot(raw: string): Snapshot | undefined {
  try {
    const value = JSON.parse(raw) as Partial<Snapshot> | null;
    if (
      value?.format !== SNAPSHOT_FORMAT ||
      value.schemaVersion !== SNAPSHOT_VERSION ||
      !Array.isArray(value.docs) ||
      !Array.isArray(value.versions) ||
      typeof value.minisearch !== "object" ||
      value.minisearch === null
    ) {
      return undefined;
    }
    const docsOk = value.docs.every(
      (d: Partial<SearchDocument> | null) => typeof d?.id === "string" && typeof d.version === "number",
    );
    const versionsOk = value.versions.every(
      (v: unknown) => Array.isArray(v) && typeof v[0] === "string" && typeof v[1] === "number",
    );
    return docsOk && versionsOk ? (value as Snapshot) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * One sub-query per term, all required. A term matches exactly, by prefix and fuzzily (3+ characters),
 * or as any adjacent-letter swap (a transposition; Levenshtein distance would count it as two edits).
 */
function buildQuery(terms: string[]): Query {
  return {
    combineWith: "AND",
    queries: terms.map((term) => ({
      combineWith: "OR",
      fuzzy: term.length >= 3 ? 0.2 : false,
      prefix: term.length >= 3,
      queries: [
        term,
        ...transpositions(term).map((variant) => ({
          queries: [variant],
          fuzzy: false,
          prefix: false,
          boostTerm: () => 0.5,
        })),
      ],
    })),
  };
}

function transpositions(term: string): string[] {
  if (term.length < 3) return [];
  const chars = [...term];
  const out = new Set<string>();
  for (let i = 0; i < chars.length - 1; i++) {
    if (chars[i] === chars[i + 1]) continue;
    const swapped = [...chars];
    [swapped[i], swapped[i + 1]] = [chars[i + 1]!, chars[i]!];
    out.add(swapped.join(""));
  }
  out.delete(term);
  return [...out];
}

function makeFilter(query: SearchQuery): (doc: SearchDocument) => boolean {
  const mrn = query.mrn !== undefined ? mrnKey(query.mrn) : undefined;
  return (doc) =>
    (mrn === undefined || (doc.mrn !== undefined && mrnKey(doc.mrn) === mrn)) &&
    (query.dob === undefined || doc.dateOfBirth === query.dob) &&
    (query.type === undefined || doc.documentType === query.type) &&
    (query.status === undefined || doc.status === query.status) &&
    (query.from === undefined || (doc.dateOfService !== undefined && doc.dateOfService >= query.from)) &&
    (query.to === undefined || (doc.dateOfService !== undefined && doc.dateOfService <= query.to));
}

function newestFirst(a: SearchDocument, b: SearchDocument): number {
  if (a.updatedAt !== b.updatedAt) return a.updatedAt < b.updatedAt ? 1 : -1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function toHit(doc: SearchDocument, score: number | undefined, matchedTerms: string[]): SearchHit {
  const fields: SearchHit["fields"] = {};
  if (doc.patientName !== undefined) fields.patientName = doc.patientName;
  if (doc.dateOfBirth !== undefined) fields.dateOfBirth = doc.dateOfBirth;
  if (doc.mrn !== undefined) fields.mrn = doc.mrn;
  if (doc.dateOfService !== undefined) fields.dateOfService = doc.dateOfService;
  const hit: SearchHit = {
    id: doc.id,
    status: doc.status,
    fields,
    highlights: matchedTerms.length > 0 ? highlight(doc.text, matchedTerms) : [],
  };
  if (doc.documentType !== undefined) hit.documentType = doc.documentType;
  if (score !== undefined) hit.score = score;
  return hit;
}
