/**
 * In-memory implementations of the pipeline's ports (shared/pipeline/ports.ts), with the semantics the
 * DynamoDB and S3 adapters guarantee: conditional versioned writes, a content claim per SHA-256, versioned
 * objects. The pipeline tests run against these as well as against the SDK-mocked adapters.
 */
import { createHash, randomUUID } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ChartRecord } from "../../shared/domain/chart-record";
import { ObjectNotFoundError, VersionConflictError } from "../../shared/errors";
import type {
  OcrCompletionNotification,
  OcrEngine,
  OcrResultPage,
  StartOcrJobRequest,
} from "../../shared/ocr/ocr-engine";
import type { TextractBlock } from "../../shared/ocr/textract-blocks";
import { InMemoryBatchStore } from "./in-memory-batches";
import type {
  DownloadedObject,
  DownloadOptions,
  Logger,
  ObjectLinks,
  ObjectStore,
  PresignOptions,
  RecordStore,
  RegisterOutcome,
  StaleRecordRef,
} from "../../shared/pipeline/ports";
import type { OcrPipelineDeps } from "../../shared/pipeline/pipeline-deps";
import { isInFlight, type InFlightStatus } from "../../shared/domain/status";
import type {
  SearchDocument,
  SearchIndex,
  SearchQuery,
  SearchResult,
} from "../../shared/search/search-index";
import { auditDay, chainEvent, type AuditEvent } from "../../shared/audit/audit-chain";
import type { AuditEntry } from "../../shared/audit/audit-entry";
import type { AuditLog, AuditPage, AuditQuery } from "../../shared/audit/audit-log";
import { mrnKey } from "../../shared/domain/mrn";
import { countFacets } from "../../shared/search/facets";
import {
  JobNotFoundError,
  type ChunkOutcome,
  type JobQueue,
  type JobStore,
  type ReprocessChunk,
  type ReprocessJob,
} from "../../shared/jobs/reprocess-job";

const clone = <T>(value: T): T => structuredClone(value);

export class InMemoryRecordStore implements RecordStore {
  readonly records = new Map<string, ChartRecord>();
  /** SHA-256 → id of the first record registered with those bytes. */
  readonly contentClaims = new Map<string, string>();

  async get(id: string): Promise<ChartRecord | undefined> {
    const record = this.records.get(id);
    return record && clone(record);
  }

  async register(record: ChartRecord): Promise<RegisterOutcome> {
    const existing = this.records.get(record.id);
    if (existing) return { outcome: "exists", record: clone(existing) };
    const originalId = this.contentClaims.get(record.sha256);
    if (originalId) return { outcome: "duplicate-content", originalId };
    this.contentClaims.set(record.sha256, record.id);
    this.records.set(record.id, clone(record));
    return { outcome: "created" };
  }

  async createIfAbsent(record: ChartRecord): Promise<boolean> {
    if (this.records.has(record.id)) return false;
    this.records.set(record.id, clone(record));
    return true;
  }

  async save(record: ChartRecord): Promise<void> {
    const expectedVersion = record.version - 1;
    if (this.records.get(record.id)?.version !== expectedVersion) {
      throw new VersionConflictError(record.id, expectedVersion);
    }
    this.records.set(record.id, clone(record));
  }

  async findByStatusOlderThan(
    status: InFlightStatus,
    before: string,
    limit: number,
  ): Promise<StaleRecordRef[]> {
    return [...this.records.values()]
      .filter((r) => isInFlight(r.status) && r.status === status && r.updatedAt < before)
      .sort((a, b) => a.updatedAt.localeCompare(b.updatedAt))
      .slice(0, limit)
      .map((r) => ({ id: r.id, updatedAt: r.updatedAt }));
  }

  async listNeedingReview(
    limit: number,
    cursor?: string,
  ): Promise<{ refs: StaleRecordRef[]; nextCursor?: string }> {
    const all = [...this.records.values()]
      .filter((r) => r.status === "NEEDS_REVIEW")
      .sort((a, b) => a.updatedAt.localeCompare(b.updatedAt) || a.id.localeCompare(b.id));
    const start = cursor ? Number(cursor) : 0;
    const refs = all.slice(start, start + limit).map((r) => ({ id: r.id, updatedAt: r.updatedAt }));
    const next = start + refs.length;
    return { refs, ...(next < all.length ? { nextCursor: String(next) } : {}) };
  }

  /** Puts a record as-is (test setup). */
  put(record: ChartRecord): void {
    this.records.set(record.id, clone(record));
  }

  /** Removes a record (test setup: one deleted after a job named it). */
  delete(id: string): void {
    this.records.delete(id);
  }
}

interface StoredVersion {
  bytes: Buffer;
  versionId: string;
  contentType?: string;
}

/** A versioned bucket per name: every put adds a version; reads without a version get the latest. */
export class InMemoryObjectStore implements ObjectStore {
  private readonly objects = new Map<string, StoredVersion[]>();

  /** The keys in `bucket` (each once, whatever its versions). */
  *keys(bucket: string): Generator<string> {
    for (const k of this.objects.keys()) {
      const [b, key] = k.split("\0");
      if (b === bucket) yield key!;
    }
  }

  /** Puts an object as an upload would, returning its version id (random unless given). */
  put(
    bucket: string,
    key: string,
    bytes: Uint8Array,
    contentType?: string,
    versionId: string = randomUUID(),
  ): string {
    const versions = this.objects.get(`${bucket}\0${key}`) ?? [];
    versions.push({ bytes: Buffer.from(bytes), versionId, contentType });
    this.objects.set(`${bucket}\0${key}`, versions);
    return versionId;
  }

  /** Writes the version to a temporary file, as the S3 adapter does, so intake reads it from disk. */
  async download(bucket: string, key: string, opts: DownloadOptions = {}): Promise<DownloadedObject> {
    const stored = this.version(bucket, key, opts.versionId);
    const truncated = opts.maxBytes !== undefined && stored.bytes.length > opts.maxBytes;
    const dir = await mkdtemp(join(opts.dir ?? tmpdir(), "in-memory-object-"));
    const path = join(dir, "object");
    await writeFile(path, truncated ? stored.bytes.subarray(0, opts.maxBytes) : stored.bytes);
    return {
      path,
      sha256: createHash("sha256").update(stored.bytes).digest("hex"),
      sha1: createHash("sha1").update(stored.bytes).digest("base64"),
      size: stored.bytes.length,
      versionId: stored.versionId,
      contentType: stored.contentType,
      ...(truncated ? { truncatedAt: stored.bytes.length } : {}),
      dispose: () => rm(dir, { recursive: true, force: true }),
    };
  }

  async getBytes(bucket: string, key: string, versionId?: string): Promise<Buffer> {
    return this.version(bucket, key, versionId).bytes;
  }

  async getText(bucket: string, key: string): Promise<string> {
    return (await this.getBytes(bucket, key)).toString("utf8");
  }

  /** The object in chunks of 64 KiB, as a network stream would deliver it. */
  async getStream(bucket: string, key: string): Promise<AsyncIterable<Uint8Array>> {
    const bytes = this.version(bucket, key).bytes;
    return (async function* () {
      for (let i = 0; i < bytes.length; i += 65_536) yield bytes.subarray(i, i + 65_536);
    })();
  }

  async getJson<T>(bucket: string, key: string): Promise<T> {
    return JSON.parse(await this.getText(bucket, key)) as T;
  }

  async putJson(bucket: string, key: string, value: unknown): Promise<void> {
    this.put(bucket, key, Buffer.from(JSON.stringify(value)), "application/json");
  }

  async putText(bucket: string, key: string, text: string): Promise<void> {
    this.put(bucket, key, Buffer.from(text), "text/plain; charset=utf-8");
  }

  /** Chunks are gathered and stored when the body ends (an upload that throws stores nothing, as in S3). */
  async putStream(bucket: string, key: string, body: AsyncIterable<string>, contentType: string) {
    const chunks: Buffer[] = [];
    for await (const chunk of body) chunks.push(Buffer.from(chunk));
    this.put(bucket, key, Buffer.concat(chunks), contentType);
  }

  private version(bucket: string, key: string, versionId?: string): StoredVersion {
    const versions = this.objects.get(`${bucket}\0${key}`) ?? [];
    const found = versionId ? versions.find((v) => v.versionId === versionId) : versions.at(-1);
    if (!found) throw new ObjectNotFoundError(bucket, key);
    return found;
  }
}

/**
 * An OCR engine that "recognizes" each object as the Textract blocks registered for its bytes and queues its
 * completion; `deliver()` hands the queued completions over, as SNS → SQS would, at a moment the test picks.
 */
export class InMemoryOcrEngine implements OcrEngine {
  readonly name = "in-memory";
  readonly started: StartOcrJobRequest[] = [];
  private readonly jobs = new Map<string, { request: StartOcrJobRequest; blocks: TextractBlock[] }>();
  private readonly pending: OcrCompletionNotification[] = [];

  constructor(private readonly blocksFor: (request: StartOcrJobRequest) => TextractBlock[] | "FAILED") {}

  async startJob(request: StartOcrJobRequest): Promise<{ jobId: string }> {
    this.started.push(request);
    const jobId = `job-${this.started.length}`;
    const blocks = this.blocksFor(request);
    this.jobs.set(jobId, { request, blocks: blocks === "FAILED" ? [] : blocks });
    this.pending.push({
      JobId: jobId,
      Status: blocks === "FAILED" ? "FAILED" : "SUCCEEDED",
      API: "StartDocumentTextDetection",
      JobTag: request.documentId,
      Timestamp: 0,
      DocumentLocation: { S3Bucket: request.bucket, S3ObjectName: request.key },
    });
    return { jobId };
  }

  /** Pages of at most 1,000 blocks, as Textract's Get… calls return them. */
  async getResultPage(jobId: string, _features?: unknown, nextToken?: string): Promise<OcrResultPage> {
    const job = this.jobs.get(jobId);
    if (!job) throw Object.assign(new Error("unknown job"), { name: "InvalidJobIdException" });
    this.gets++;
    const pageCount = job.blocks.filter((b) => b.BlockType === "PAGE").length;
    const from = nextToken === undefined ? 0 : Number(nextToken);
    const to = from + 1000;
    const next = to < job.blocks.length ? String(to) : undefined;
    return { jobStatus: "SUCCEEDED", pageCount, blocks: job.blocks.slice(from, to), nextToken: next };
  }

  /** Get… calls answered so far. */
  gets = 0;

  deliver(): OcrCompletionNotification[] {
    return this.pending.splice(0);
  }
}

/** Keeps the newest version of each document; enough for the pipeline's indexing step. */
export class InMemorySearchIndex implements SearchIndex {
  readonly name = "in-memory";
  readonly docs = new Map<string, SearchDocument>();
  private readonly removedAt = new Map<string, number>();

  async upsert(doc: SearchDocument): Promise<"applied" | "stale"> {
    const current = this.docs.get(doc.id)?.version ?? this.removedAt.get(doc.id) ?? 0;
    if (doc.version <= current) return "stale";
    this.docs.set(doc.id, clone(doc));
    return "applied";
  }

  async remove(id: string, version: number): Promise<"applied" | "stale"> {
    if ((this.docs.get(id)?.version ?? 0) >= version) return "stale";
    this.docs.delete(id);
    this.removedAt.set(id, version);
    return "applied";
  }

  async search(query: SearchQuery): Promise<SearchResult> {
    const matching = [...this.docs.values()].filter(
      (d) =>
        (!query.mrn || d.mrn === query.mrn) &&
        (!query.status || d.status === query.status) &&
        (!query.vendor || d.vendor === query.vendor) &&
        (!query.batch || d.batch === query.batch),
    );
    // The cursor is the offset of the next page (the real indexes' cursors are opaque too).
    const start = query.cursor ? Number(query.cursor) : 0;
    const hits = matching.slice(start, start + query.limit).map((d) => ({
      id: d.id,
      documentType: d.documentType,
      status: d.status,
      fields: {
        patientName: d.patientName,
        dateOfBirth: d.dateOfBirth,
        mrn: d.mrn,
        dateOfService: d.dateOfService,
      },
      highlights: [],
    }));
    const next = start + query.limit;
    return {
      total: matching.length,
      hits,
      facets: countFacets(matching),
      ...(next < matching.length ? { nextCursor: String(next) } : {}),
    };
  }
}

export interface LogEntry {
  level: "debug" | "info" | "warn" | "error";
  message: string;
  fields: Record<string, unknown>;
}

/** A logger port that keeps every line, so tests can check what was logged (and that no PHI was). */
export class RecordingLogger implements Logger {
  readonly entries: LogEntry[] = [];
  debug = (message: string, ...extra: Record<string, unknown>[]) => this.add("debug", message, extra);
  info = (message: string, ...extra: Record<string, unknown>[]) => this.add("info", message, extra);
  warn = (message: string, ...extra: Record<string, unknown>[]) => this.add("warn", message, extra);
  error = (message: string, ...extra: Record<string, unknown>[]) => this.add("error", message, extra);

  private add(level: LogEntry["level"], message: string, extra: Record<string, unknown>[]): void {
    this.entries.push({ level, message, fields: Object.assign({}, ...extra) as Record<string, unknown> });
  }
}

/** A settable clock: ISO timestamps, moved forward by tests. */
export class TestClock {
  constructor(private ms = Date.parse("2026-12-01T12:00:00.000Z")) {}
  now = (): string => new Date(this.ms).toISOString();
  advance(ms: number): void {
    this.ms += ms;
  }
}

/** The OCR half of the pipeline over in-memory ports, around the given OCR engine. */
export function inMemoryDeps(ocr: OcrEngine, clock = new TestClock()) {
  const records = new InMemoryRecordStore();
  const objects = new InMemoryObjectStore();
  const logger = new RecordingLogger();
  const batches = new InMemoryBatchStore();
  const deps: OcrPipelineDeps = {
    records,
    batches,
    objects,
    ocr,
    resultsBucket: "results",
    ocrFeatures: "text",
    reviewThreshold: 0.8,
    logger,
    now: clock.now,
  };
  return { deps, records, objects, batches, logger, clock };
}

/** The audit trail in memory, chained exactly as the DynamoDB adapter chains it; `fail` makes appends throw. */
export class InMemoryAuditLog implements AuditLog {
  readonly events: AuditEvent[] = [];
  fail = false;

  async append(entry: AuditEntry): Promise<void> {
    if (this.fail) throw new Error("audit store unavailable");
    const previous = this.events.filter((e) => e.day === auditDay(entry.at)).at(-1);
    this.events.push(chainEvent(entry, previous));
  }

  async find(query: AuditQuery): Promise<AuditPage> {
    const { lookup } = query;
    const matches = this.events.filter((e) => {
      if (query.from && e.at < query.from) return false;
      if (query.to && e.at.slice(0, query.to.length) > query.to) return false;
      switch (lookup.by) {
        case "record":
          return e.recordIds.includes(lookup.recordId);
        case "mrn":
          return e.mrns.some((m) => mrnKey(m) === mrnKey(lookup.mrn));
        case "user":
          return e.actor.name === lookup.user;
        case "disclosure":
          return e.disclosure && e.mrns.some((m) => mrnKey(m) === mrnKey(lookup.mrn));
      }
    });
    const start = query.cursor ? Number(query.cursor) : 0;
    const events = matches.slice(start, start + query.limit);
    const next = start + events.length;
    return { events, ...(next < matches.length ? { nextCursor: String(next) } : {}) };
  }

  async days(): Promise<string[]> {
    return [...new Set(this.events.map((e) => e.day))].sort();
  }

  async readDay(day: string) {
    const events = this.events.filter((e) => e.day === day);
    const last = events.at(-1);
    return { events, ...(last ? { head: { seq: last.seq, hash: last.hash } } : {}) };
  }
}

/** Objects by bucket and key, with fake signed links (`memory://bucket/key?version&expires`). */
export class InMemoryObjectLinks implements ObjectLinks {
  readonly objects = new Map<string, { bytes: Buffer; contentType?: string }>();
  readonly puts: string[] = [];
  /** Every object read whole (`bucket/key`), in order. */
  readonly reads: string[] = [];

  private static id = (bucket: string, key: string, versionId?: string) =>
    `${bucket}/${key}${versionId ? `#${versionId}` : ""}`;

  put(bucket: string, key: string, bytes: Uint8Array, versionId?: string): void {
    this.objects.set(InMemoryObjectLinks.id(bucket, key, versionId), { bytes: Buffer.from(bytes) });
  }

  async exists(bucket: string, key: string): Promise<boolean> {
    return this.objects.has(InMemoryObjectLinks.id(bucket, key));
  }

  async getBytes(bucket: string, key: string, versionId?: string): Promise<Buffer> {
    const found = this.objects.get(InMemoryObjectLinks.id(bucket, key, versionId));
    if (!found) throw new ObjectNotFoundError(bucket, key);
    this.reads.push(`${bucket}/${key}`);
    return found.bytes;
  }

  async putBytes(bucket: string, key: string, bytes: Uint8Array, contentType: string): Promise<void> {
    this.objects.set(InMemoryObjectLinks.id(bucket, key), { bytes: Buffer.from(bytes), contentType });
    this.puts.push(`${bucket}/${key}`);
  }

  async presignGet(bucket: string, key: string, opts: PresignOptions): Promise<string> {
    return `memory://${bucket}/${key}?version=${opts.versionId ?? ""}&expires=${opts.expiresInSeconds}`;
  }
}

/** Jobs in memory, with the DynamoDB adapter's rules: a chunk counts once; the last one completes the job. */
export class InMemoryJobStore implements JobStore {
  readonly jobs = new Map<string, ReprocessJob & { doneChunks: Set<number> }>();

  async create(job: ReprocessJob): Promise<void> {
    if (this.jobs.has(job.id)) throw new Error("job exists");
    this.jobs.set(job.id, { ...clone(job), doneChunks: new Set() });
  }

  async get(id: string): Promise<ReprocessJob | undefined> {
    const stored = this.jobs.get(id);
    if (!stored) return undefined;
    const { doneChunks: _done, ...job } = stored;
    return clone(job);
  }

  async recordChunk(jobId: string, chunk: number, outcome: ChunkOutcome, now: string): Promise<ReprocessJob> {
    const job = this.jobs.get(jobId);
    if (!job) throw new JobNotFoundError();
    if (!job.doneChunks.has(chunk)) {
      job.doneChunks.add(chunk);
      job.processed += outcome.reprocessed + outcome.skipped + outcome.failed;
      job.reprocessed += outcome.reprocessed;
      job.skipped += outcome.skipped;
      job.failed += outcome.failed;
      job.failures.push(...outcome.failures);
      job.updatedAt = now;
      if (job.status === "RUNNING" && job.processed >= job.total) {
        job.status = "COMPLETED";
        job.completedAt = now;
      }
    }
    return (await this.get(jobId))!;
  }
}

/** Chunks as sent; `failNextSend` makes the next send throw, as an unavailable queue would. */
export class InMemoryJobQueue implements JobQueue {
  readonly sent: ReprocessChunk[] = [];
  failNextSend = false;

  async send(chunks: readonly ReprocessChunk[]): Promise<void> {
    if (this.failNextSend) {
      this.failNextSend = false;
      throw new Error("queue unavailable");
    }
    this.sent.push(...chunks.map((c) => clone(c)));
  }

  /** Removes and returns every chunk sent so far (a worker's receive). */
  take(): ReprocessChunk[] {
    return this.sent.splice(0, this.sent.length);
  }
}
