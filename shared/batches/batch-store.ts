/**
 * The ports batches need: where batches and their files are kept (DynamoDB in AWS and locally; in memory in
 * tests), how a vendor is handed an upload target, and what is in the bucket under a batch's prefix.
 */
import type { Batch, BatchFile } from "./batch";

export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

export interface BatchStore {
  get(id: string): Promise<Batch | undefined>;
  /**
   * Writes the batch and its manifest entries. When the batch exists, returns it unchanged (`created: false`)
   * after writing any entries a crashed create left unwritten: a repeated create completes the first one.
   */
  create(batch: Batch, files: BatchFile[]): Promise<{ created: boolean; batch: Batch }>;
  getFile(batchId: string, name: string): Promise<BatchFile | undefined>;
  /** Files in name order. */
  listFiles(batchId: string, opts: { limit: number; cursor?: string }): Promise<Page<BatchFile>>;
  /** A vendor's batches, newest first. */
  listByVendor(vendor: string, opts: { limit: number; cursor?: string }): Promise<Page<Batch>>;
  /**
   * Writes `next` in place of `previous` (as it was read; undefined: the file must not exist yet) and moves the
   * batch's counts with it, in one transaction. False when the file changed since it was read: re-read and
   * decide again.
   */
  replaceFile(next: BatchFile, previous: BatchFile | undefined): Promise<boolean>;
  /** OPEN → CLOSED. Returns the batch as it is afterwards (unchanged when it was no longer open). */
  close(id: string, now: string): Promise<Batch | undefined>;
  /** CLOSED with nothing in the pipeline → COMPLETED. True for the one call that completed it. */
  complete(id: string, now: string): Promise<boolean>;
  /** Ids of open batches whose deadline is before `before`, oldest deadline first. */
  listDue(before: string, limit: number): Promise<string[]>;
  /** Ids of closed batches not yet completed that were closed before `closedBefore`, at most `limit`. */
  listUnfinished(closedBefore: string, limit: number): Promise<string[]>;
}

/** Where and how one file is uploaded: a short-lived presigned PUT that S3 refuses unless the bytes match. */
export interface UploadTarget {
  name: string;
  method: "PUT";
  url: string;
  /** Headers the PUT must carry exactly as given (they are signed): the checksum and the encryption key. */
  headers: Record<string, string>;
  expiresAt: string;
}

export interface UploadSigner {
  presignPut(
    key: string,
    opts: { sha256Hex: string; size: number; expiresInSeconds: number },
  ): Promise<Omit<UploadTarget, "name" | "expiresAt">>;
}

/** The keys under a prefix of the upload bucket (the latest version of each). */
export interface UploadListing {
  listKeys(prefix: string): AsyncIterable<string>;
}
