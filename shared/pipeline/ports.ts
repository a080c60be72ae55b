/**
 * What the pipeline steps and the records API need from the outside world, stated as the narrowest types
 * they call. Adapters in shared/adapters implement them (DynamoDB, S3, Textract, OpenSearch); tests pass
 * in-memory implementations (test/support/in-memory-ports.ts). The OCR engine and search index ports live
 * with their domain: shared/ocr/ocr-engine.ts and shared/search/search-index.ts.
 */
import type { ChartRecord } from "../domain/chart-record";
import type { InFlightStatus } from "../domain/status";

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
  /**
   * Records in `status` last written before `before` (ISO timestamp), oldest first, at most `limit`. Returns
   * references only (the index behind it holds no record content); callers re-read each record.
   */
  findByStatusOlderThan(status: InFlightStatus, before: string, limit: number): Promise<StaleRecordRef[]>;
  /** NEEDS_REVIEW records, oldest first (references only), with a cursor to the next page. */
  listNeedingReview(limit: number, cursor?: string): Promise<{ refs: StaleRecordRef[]; nextCursor?: string }>;
}

export interface StaleRecordRef {
  id: string;
  updatedAt: string;
}

/** An object copied to a temporary file: intake reads it from there instead of holding it in memory. */
export interface DownloadedObject {
  /** The temporary file. Holds the first bytes only when `truncatedAt` is set. */
  path: string;
  sha256: string;
  /** Base64 SHA-1 (FHIR's Attachment.hash). */
  sha1: string;
  size: number;
  versionId?: string;
  etag?: string;
  contentType?: string;
  /** Set when reading stopped past `maxBytes`: the file is incomplete and `size` is where reading stopped. */
  truncatedAt?: number;
  /** Deletes the temporary file. Call it in a `finally`; calling it twice is harmless. */
  dispose(): Promise<void>;
}

export interface DownloadOptions {
  versionId?: string;
  /** Stop reading (and set `truncatedAt`) once more than this many bytes have arrived. */
  maxBytes?: number;
  /** Where the temporary file goes (default: the OS temporary directory, /tmp in Lambda). */
  dir?: string;
}

/** Scans and OCR output. Reads fail with ObjectNotFoundError when the object (or version) is gone. */
export interface ObjectStore {
  /** Streams an object to a temporary file while hashing it: memory use does not grow with the object. */
  download(bucket: string, key: string, opts?: DownloadOptions): Promise<DownloadedObject>;
  /** The whole object in memory: for OCR results and the local OCR engine, not for uploads being checked. */
  getBytes(bucket: string, key: string, versionId?: string): Promise<Buffer>;
  getText(bucket: string, key: string): Promise<string>;
  getJson<T>(bucket: string, key: string): Promise<T>;
  /** The object's bytes as they arrive, for objects too large to hold whole (a 3,000-page OCR result). */
  getStream(bucket: string, key: string): Promise<AsyncIterable<Uint8Array>>;
  putJson(bucket: string, key: string, value: unknown): Promise<void>;
  putText(bucket: string, key: string, text: string): Promise<void>;
  /**
   * Writes an object from chunks as they are produced, never holding it whole (a multipart upload in S3).
   * If `body` throws, nothing is written (an upload begun is aborted) and the error is rethrown.
   */
  putStream(bucket: string, key: string, body: AsyncIterable<string>, contentType: string): Promise<void>;
}

/** What the records API needs of object storage to hand out scans and page images. */
export interface ObjectLinks {
  exists(bucket: string, key: string): Promise<boolean>;
  getBytes(bucket: string, key: string, versionId?: string): Promise<Buffer>;
  putBytes(bucket: string, key: string, bytes: Uint8Array, contentType: string): Promise<void>;
  /** A URL anyone holding it may GET the object (version) with, until it expires. */
  presignGet(bucket: string, key: string, opts: PresignOptions): Promise<string>;
}

export interface PresignOptions {
  versionId?: string;
  expiresInSeconds: number;
  /** Content-Type and Content-Disposition the download is answered with. */
  contentType?: string;
  downloadName?: string;
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
