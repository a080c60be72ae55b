/**
 * A FHIR Bulk Data export (`$export`): an asynchronous job that writes every filed chart's DocumentReference
 * and its patient's Patient as NDJSON files. The job holds ids, counts and object keys only; the patients it
 * disclosed (MRNs, record ids) are kept beside its files, and each is written to the audit trail as one
 * disclosure before the client is given the files' links.
 */
import { ChartbridgeError } from "../../errors/chartbridge-error";

export const EXPORT_TYPES = ["Patient", "DocumentReference"] as const;
export type ExportType = (typeof EXPORT_TYPES)[number];

export type ExportStatus = "RUNNING" | "COMPLETED" | "FAILED";

export interface ExportOutput {
  type: ExportType;
  /** The NDJSON file in the results bucket (under `exports/<id>/`). */
  key: string;
  count: number;
}

export interface ExportJob {
  id: string;
  status: ExportStatus;
  /** `system` (`/$export`) or `patient` (`/Patient/$export`): the same content here (every patient). */
  level: "system" | "patient";
  types: ExportType[];
  /** Only resources changed at or after this instant. */
  since?: string;
  /** The client that asked: only it may read the status and files. */
  requestedBy: { sub: string; name: string };
  /** The kick-off URL as the client sent it (the manifest's `request`), and the FHIR base links use. */
  request: string;
  baseUrl: string;
  /** When the export's snapshot began (the manifest's `transactionTime`). */
  transactionTime: string;
  createdAt: string;
  updatedAt: string;
  completedAt?: string;
  outputs: ExportOutput[];
  /** Patients whose charts the files hold: each is one disclosure, recorded before the links are given. */
  patients: number;
  /** Disclosures written to the audit trail so far (the status route writes them, a page per poll). */
  disclosuresRecorded: number;
  /** On FAILED: an error code, never a message. */
  errorCode?: string;
}

/** One patient the export disclosed: what the audit trail records for it. */
export interface ExportDisclosure {
  mrn: string;
  recordIds: string[];
}

/** The export job store port. Production and local: the records table. */
export interface ExportStore {
  create(job: ExportJob): Promise<void>;
  get(id: string): Promise<ExportJob | undefined>;
  /** Replaces the job, on the condition that it was last written at `expectedUpdatedAt`. */
  save(job: ExportJob, expectedUpdatedAt: string): Promise<void>;
}

/** Where kick-off puts a job for the worker. Production: the background jobs' SQS queue; locally its queue. */
export interface ExportQueue {
  send(jobId: string): Promise<void>;
}

/** The job changed since it was read (another poll recorded disclosures first): read it again. */
export class ExportConflictError extends ChartbridgeError {
  constructor() {
    super({ name: "ExportConflictError", code: "EXPORT_CONFLICT", retryable: true }, "export job changed");
  }
}

/**
 * Disclosures per page: the worker writes the per-patient disclosures (MRN and record ids) beside the files in
 * pages of this many, and each status poll records one page, reading that page only.
 */
export const DISCLOSURE_PAGE_SIZE = 100;
export const disclosurePageKey = (jobId: string, page: number) =>
  `${exportPrefix(jobId)}disclosures/${String(page).padStart(6, "0")}.json`;

export const isExportJobId = (id: string) =>
  /^exp_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id);
export const exportPrefix = (jobId: string) => `exports/${jobId}/`;
