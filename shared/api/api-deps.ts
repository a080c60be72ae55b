import type { AuditLog } from "../audit/audit-log";
import type { ChangeFeedStore } from "../events/change-feed";
import type { BatchStore, UploadListing, UploadSigner } from "../batches/batch-store";
import type { JobQueue, JobStore } from "../jobs/reprocess-job";
import type { Logger, ObjectLinks, ObjectStore, RecordStore } from "../pipeline/ports";
import type { PageImageRenderer } from "./page-images";
import type { SearchIndex } from "../search/search-index";

/** The ports the records API calls: production wiring in functions/api/deps.ts, local in local/runtime. */
export interface ApiDeps {
  records: Pick<RecordStore, "get" | "save" | "listNeedingReview">;
  /** Identity fields below this confidence send a record to NEEDS_REVIEW (config REVIEW_THRESHOLD). */
  reviewThreshold: number;
  search: Pick<SearchIndex, "search">;
  audit: AuditLog;
  /** Scans and page images, handed out as short-lived URLs. */
  storage: ObjectLinks;
  /** Stored OCR output (reprocessing reads it and writes the plain text again). */
  objects: Pick<ObjectStore, "getStream" | "putText">;
  pageImages: PageImageRenderer;
  /** Bulk reprocess jobs, and the queue their chunks go on. */
  jobs: JobStore;
  jobQueue: JobQueue;
  /** Where page images are kept, next to the OCR output. */
  resultsBucket: string;
  /** Vendor batches, the presigned PUTs their files are uploaded with, and what the bucket holds. */
  batches: BatchStore;
  signer: UploadSigner;
  listing: UploadListing;
  /** Every record change in order (GET /changes). */
  changes: Pick<ChangeFeedStore, "list">;
  /** Logged with ids only. */
  logger: Logger;
  /** ISO timestamp of now (tests pass a clock). */
  now(): string;
}
