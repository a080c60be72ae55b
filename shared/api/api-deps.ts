import type { AuditLog } from "../audit/audit-log";
import type { ChangeFeedStore } from "../events/change-feed";
import type { BatchStore, UploadListing, UploadSigner } from "../batches/batch-store";
import type { JobQueue, JobStore } from "../jobs/reprocess-job";
import type { Logger, ObjectLinks, ObjectStore, RecordStore } from "../pipeline/ports";
import type { PageImageRenderer, PageRangeExtractor } from "./page-images";
import type { PatientDirectory } from "../fhir/patient-directory";
import type { ExportQueue, ExportStore } from "../fhir/bulk-export/export-job";
import type { SearchIndex } from "../search/search-index";

export interface FhirSettings {
  /** The identifier system of the facility's MRNs (config FHIR_MRN_SYSTEM). */
  mrnSystem: string;
  /** The FHIR base URL clients call (config FHIR_BASE_URL); unset: from the request's host and stage. */
  baseUrl?: string;
}

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
  objects: Pick<ObjectStore, "getStream" | "putText" | "getJson">;
  pageImages: PageImageRenderer;
  /** The pages of one part of a split scan as a PDF of their own (what the FHIR API serves for a part). */
  pageRanges: PageRangeExtractor;
  /** FHIR Patient ids of MRNs. */
  patients: PatientDirectory;
  fhir: FhirSettings;
  /** FHIR bulk export jobs, and the queue kick-off puts them on. */
  exports: ExportStore;
  exportQueue: ExportQueue;
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
