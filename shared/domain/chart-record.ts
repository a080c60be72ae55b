import type { DocumentType } from "./document-types";
import type { Allergy, Diagnosis, ExtractedFields, FieldName, Medication } from "./fields";
import {
  canTransition,
  InvalidTransitionError,
  type DocumentStatus,
  type ReasonCode,
  type StatusTransition,
} from "./status";

export interface DocumentSource {
  bucket: string;
  key: string;
  versionId?: string;
  /** With the key and version, identifies the upload (unversioned buckets have only the ETag). */
  etag?: string;
  /** Vendor and batch come from the key layout `<vendor>/<batch>/<file>` when present. */
  vendor?: string;
  batch?: string;
  size: number;
  contentType?: string;
}

export interface OcrReference {
  engine: string;
  /**
   * Textract's job id. Unset between saving OCR_PENDING and the start call returning: the record waits for
   * its job before the job exists, so a completion can never arrive before the record expects it.
   */
  jobId?: string;
  /** The start request's idempotency token and job tag (see ocrJobKey): the job this record waits for. */
  jobKey?: string;
  /** 1 for the first job; a restart by the sweeper starts a new job under the next attempt's key. */
  attempt?: number;
  /** When the job was started: Textract keeps a job's result for 7 days. */
  startedAt?: string;
  features?: string;
  /** Raw Textract JSON (all result pages merged). */
  resultBucket?: string;
  resultKey?: string;
  /** Plain text in reading order, kept beside the raw JSON so DynamoDB items stay small. */
  textKey?: string;
  lineCount?: number;
}

export interface SplitPart {
  /** The record of the uploaded file (part 1). */
  fileRecordId: string;
  /** 1-based part number and count. */
  part: number;
  of: number;
  /** 1-based inclusive page range within the uploaded file. */
  pages: [number, number];
  /** On part 1 only: every part's record id, in order. */
  partIds?: string[];
}

/** One change a person made to a field: the record's correction history, oldest first. */
export interface FieldCorrection {
  field: FieldName;
  /** null: the field had no value / the correction removed it. */
  oldValue: string | null;
  newValue: string | null;
  by: { sub: string; name: string };
  at: string;
  reason: string;
  /** The record version the correction created. */
  version: number;
}

/** One scanned chart document as chartbridge stores it. */
export interface ChartRecord {
  id: string;
  /** Hex SHA-256 of the uploaded bytes: the fingerprint used to detect duplicates. */
  sha256: string;
  /**
   * Base64 SHA-1 of the uploaded bytes: what FHIR's Attachment.hash carries. Set at intake; records ingested
   * before it was kept lack it.
   */
  sha1?: string;
  source: DocumentSource;
  /** Sniffed from magic bytes, not from the file name. */
  fileType?: "pdf" | "tiff" | "png" | "jpeg";
  pageCount?: number;
  documentType?: DocumentType;
  fields: ExtractedFields;
  diagnoses: Diagnosis[];
  medications: Medication[];
  allergies: Allergy[];
  /** The OCR job, and where its raw output (Textract JSON) and plain text are kept. Text is PHI: never logged. */
  ocr?: OcrReference;
  status: DocumentStatus;
  statusReason?: ReasonCode;
  /**
   * Set when the uploaded file held several logical documents (a scanned stack): this record covers
   * `pages` of the file. Part 1 keeps the upload's record id; the others link back to it.
   */
  split?: SplitPart;
  /** Set on DUPLICATE records: the id of the record first ingested with these bytes. */
  duplicateOf?: string;
  history: StatusTransition[];
  /** Every correction a person made, oldest first. */
  corrections?: FieldCorrection[];
  /** Retries the sweeper made while the record was stuck in `status` (reset by the next status change). */
  sweep?: { status: DocumentStatus; attempts: number };
  /** Optimistic-concurrency version: every write increments it and checks the previous value. */
  version: number;
  createdAt: string;
  updatedAt: string;
}

export function newRecord(input: {
  id: string;
  sha256: string;
  sha1?: string;
  source: DocumentSource;
  fileType?: ChartRecord["fileType"];
  pageCount?: number;
  now: string;
}): ChartRecord {
  return {
    id: input.id,
    sha256: input.sha256,
    ...(input.sha1 ? { sha1: input.sha1 } : {}),
    source: input.source,
    fileType: input.fileType,
    pageCount: input.pageCount,
    fields: {},
    diagnoses: [],
    medications: [],
    allergies: [],
    status: "RECEIVED",
    history: [{ from: null, to: "RECEIVED", at: input.now }],
    version: 1,
    createdAt: input.now,
    updatedAt: input.now,
  };
}

/** Returns a copy of the record with `changes` applied and the version bumped, its status unchanged. */
export function revise(
  record: ChartRecord,
  changes: Partial<Omit<ChartRecord, "id" | "status" | "history" | "version">>,
  now: string,
): ChartRecord {
  return { ...record, ...changes, version: record.version + 1, updatedAt: now };
}

/** Returns a copy of the record moved to `to`, with the transition recorded and the version bumped. */
export function transition(
  record: ChartRecord,
  to: DocumentStatus,
  opts: { now: string; reasonCode?: ReasonCode; detail?: string },
): ChartRecord {
  if (!canTransition(record.status, to)) throw new InvalidTransitionError(record.status, to);
  const entry: StatusTransition = { from: record.status, to, at: opts.now };
  if (opts.reasonCode) entry.reasonCode = opts.reasonCode;
  if (opts.detail) entry.detail = opts.detail;
  return {
    ...record,
    status: to,
    statusReason: opts.reasonCode,
    history: [...record.history, entry],
    version: record.version + 1,
    updatedAt: opts.now,
  };
}
