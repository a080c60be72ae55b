/** In-memory implementations of the pipeline's ports, with the same contracts as the DynamoDB/S3 adapters. */
import { createHash } from "node:crypto";
import type { ChartRecord } from "../../../shared/domain/chart-record";
import { isInFlight, type InFlightStatus } from "../../../shared/domain/status";
import { ObjectNotFoundError, VersionConflictError } from "../../../shared/errors";
import type { OcrPipelineDeps } from "../../../shared/pipeline/pipeline-deps";
import type {
  FetchedObject,
  Logger,
  ObjectStore,
  OcrEngine,
  RecordStore,
  RegisterOutcome,
  StaleRecordRef,
} from "../../../shared/pipeline/ports";

export class InMemoryRecordStore implements RecordStore {
  readonly records = new Map<string, ChartRecord>();
  private readonly claims = new Map<string, string>();

  async get(id: string): Promise<ChartRecord | undefined> {
    const record = this.records.get(id);
    return record && structuredClone(record);
  }

  async register(record: ChartRecord): Promise<RegisterOutcome> {
    const existing = this.records.get(record.id);
    if (existing) return { outcome: "exists", record: structuredClone(existing) };
    const original = this.claims.get(record.sha256);
    if (original) return { outcome: "duplicate-content", originalId: original };
    this.claims.set(record.sha256, record.id);
    this.records.set(record.id, structuredClone(record));
    return { outcome: "created" };
  }

  async createIfAbsent(record: ChartRecord): Promise<boolean> {
    if (this.records.has(record.id)) return false;
    this.records.set(record.id, structuredClone(record));
    return true;
  }

  async save(record: ChartRecord): Promise<void> {
    const stored = this.records.get(record.id);
    if (stored?.version !== record.version - 1) throw new VersionConflictError(record.id, record.version - 1);
    this.records.set(record.id, structuredClone(record));
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

  /** Puts a record as-is (test setup). */
  put(record: ChartRecord): void {
    this.records.set(record.id, structuredClone(record));
  }
}

export class InMemoryObjectStore implements ObjectStore {
  readonly objects = new Map<string, Buffer>();

  private static path(bucket: string, key: string): string {
    return `${bucket}/${key}`;
  }

  async fetch(bucket: string, key: string): Promise<FetchedObject> {
    const bytes = await this.getBytes(bucket, key);
    return { bytes, sha256: createHash("sha256").update(bytes).digest("hex"), size: bytes.length };
  }

  async getBytes(bucket: string, key: string): Promise<Buffer> {
    const bytes = this.objects.get(InMemoryObjectStore.path(bucket, key));
    if (!bytes) throw new ObjectNotFoundError(bucket, key);
    return bytes;
  }

  async getText(bucket: string, key: string): Promise<string> {
    return (await this.getBytes(bucket, key)).toString("utf8");
  }

  async getJson<T>(bucket: string, key: string): Promise<T> {
    return JSON.parse(await this.getText(bucket, key)) as T;
  }

  async putJson(bucket: string, key: string, value: unknown): Promise<void> {
    await this.putText(bucket, key, JSON.stringify(value));
  }

  async putText(bucket: string, key: string, text: string): Promise<void> {
    this.objects.set(InMemoryObjectStore.path(bucket, key), Buffer.from(text));
  }

  put(bucket: string, key: string, bytes: Uint8Array): void {
    this.objects.set(InMemoryObjectStore.path(bucket, key), Buffer.from(bytes));
  }
}

export interface LogEntry {
  level: "debug" | "info" | "warn" | "error";
  message: string;
  fields: Record<string, unknown>;
}

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

export function inMemoryDeps(ocr: OcrEngine, clock = new TestClock()) {
  const records = new InMemoryRecordStore();
  const objects = new InMemoryObjectStore();
  const logger = new RecordingLogger();
  const deps: OcrPipelineDeps = {
    records,
    objects,
    ocr,
    resultsBucket: "results",
    ocrFeatures: "text",
    reviewThreshold: 0.8,
    logger,
    now: clock.now,
  };
  return { deps, records, objects, logger, clock };
}
