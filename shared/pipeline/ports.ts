/**
 * What the pipeline steps and the records API need from the outside world, stated as the narrowest types
 * they call. Adapters in shared/adapters implement them (DynamoDB, S3, Textract, OpenSearch); tests pass
 * in-memory implementations (test/support/in-memory-ports.ts). The OCR engine and search index ports live
 * with their domain: shared/ocr/ocr-engine.ts and shared/search/search-index.ts.
 */
import type { ChartRecord } from "../domain/chart-record";

export type { OcrEngine } from "../ocr/ocr-engine";
export type { SearchIndex } from "../search/search-index";

export type RegisterOutcome =
  | { outcome: "created" }
  | { outcome: "exists"; record: ChartRecord }
  | { outcome: "duplicate-content"; originalId: string };

/**
 * Versioned chart records. Every write is conditional: `save` fails with VersionConflictError unless the stored
 * version is `record.version - 1`, so concurrent steps never overwrite each other.
 */
export interface RecordStore {
  get(id: string): Promise<ChartRecord | undefined>;
  /** Creates the record and claims its content hash in one step; tells when either already exists. */
  register(record: ChartRecord): Promise<RegisterOutcome>;
  /** Writes a record that must not exist yet (rejected and duplicate uploads). False if it already exists. */
  createIfAbsent(record: ChartRecord): Promise<boolean>;
  save(record: ChartRecord): Promise<void>;
}

export interface FetchedObject {
  bytes: Buffer;
  sha256: string;
  size: number;
  versionId?: string;
  etag?: string;
  contentType?: string;
  /** Set when reading stopped at `maxBytes`: `bytes` is incomplete and `size` is where it stopped. */
  truncatedAt?: number;
}

/** Scans and OCR output. Reads fail with ObjectNotFoundError when the object (or version) is gone. */
export interface ObjectStore {
  fetch(
    bucket: string,
    key: string,
    opts?: { versionId?: string; maxBytes?: number },
  ): Promise<FetchedObject>;
  getBytes(bucket: string, key: string, versionId?: string): Promise<Buffer>;
  getText(bucket: string, key: string): Promise<string>;
  getJson<T>(bucket: string, key: string): Promise<T>;
  putJson(bucket: string, key: string, value: unknown): Promise<void>;
  putText(bucket: string, key: string, text: string): Promise<void>;
}

/**
 * The part of a structured logger the steps call (Powertools' Logger in Lambda satisfies it). Pass ids,
 * statuses, reason codes and error class names only: never names, dates of birth, MRNs, OCR text or keys.
 */
export interface Logger {
  debug(message: string, ...extra: Record<string, unknown>[]): void;
  info(message: string, ...extra: Record<string, unknown>[]): void;
  warn(message: string, ...extra: Record<string, unknown>[]): void;
  error(message: string, ...extra: Record<string, unknown>[]): void;
}
