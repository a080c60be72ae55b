/**
 * A vendor's delivery: the manifest the vendor declared and, per file, what became of it. A batch holds
 * file names, sizes, hashes, states, reason codes and record ids: what a vendor and the hospital need to sign
 * off a delivery, never anything read from a chart.
 *
 *   batch:  OPEN ──close (vendor, or the deadline)──▶ CLOSED ──every file final──▶ COMPLETED
 *   file:   AWAITING_UPLOAD ──object arrives──▶ PROCESSING ──record final──▶ INDEXED | NEEDS_REVIEW |
 *           REJECTED | DUPLICATE | FAILED;  AWAITING_UPLOAD in a closed batch is MISSING.
 */
import { createHash } from "node:crypto";
import type { ChartRecord } from "../domain/chart-record";
import { isTerminal, TERMINAL_STATUSES, type DocumentStatus, type ReasonCode } from "../domain/status";

export type BatchStatus = "OPEN" | "CLOSED" | "COMPLETED";

/**
 * What is stored per file: awaited, in the pipeline, or the record's resting state. MISSING is not stored: it
 * is an AWAITING_UPLOAD file of a closed batch.
 */
export const STORED_FILE_STATES = ["AWAITING_UPLOAD", "PROCESSING", ...TERMINAL_STATUSES] as const;
export type StoredFileState = (typeof STORED_FILE_STATES)[number];

/** What a vendor sees per file. */
export const FILE_STATES = [...STORED_FILE_STATES, "MISSING"] as const;
export type FileState = (typeof FILE_STATES)[number];

export interface Batch {
  id: string;
  vendor: string;
  /** The vendor's batch name: the second segment of every key, `<vendor>/<name>/<file>`. */
  name: string;
  /** The vendor's own reference for the delivery (box or job number), as declared. */
  reference?: string;
  status: BatchStatus;
  /** Hex SHA-256 of the manifest in canonical form: a repeated create with the same manifest is the same batch. */
  manifestSha256: string;
  /** Files declared in the manifest. */
  expectedFiles: number;
  /** Files that arrived without a manifest entry. */
  unexpectedFiles: number;
  /** Bytes the manifest declares. */
  expectedBytes: number;
  /** Files per stored state (manifest entries and unexpected arrivals). */
  counts: Record<StoredFileState, number>;
  createdBy: string;
  createdAt: string;
  /** The batch is closed then if nobody closed it before: entries never uploaded become MISSING. */
  closesAt: string;
  closedAt?: string;
  completedAt?: string;
  updatedAt: string;
}

export interface BatchFile {
  batchId: string;
  /** The name in the manifest: the object key is `<vendor>/<batch name>/<name>`. */
  name: string;
  /** False for a file that arrived without a manifest entry (UNEXPECTED). */
  expected: boolean;
  /** As declared (expected files) or as received (unexpected ones). */
  size?: number;
  sha256?: string;
  pages?: number;
  reference?: string;
  state: StoredFileState;
  reasonCode?: ReasonCode;
  /** The record of the latest upload of this name, and its version when last seen. */
  documentId?: string;
  recordVersion?: number;
  /** When that record was created: a later upload of the same name replaces an earlier one here. */
  recordCreatedAt?: string;
  /** The record and, for a split scan, every part's record. */
  recordIds: string[];
  receivedAt?: string;
  finishedAt?: string;
  updatedAt: string;
  /** Bumped by every write: a write is conditional on the revision it read. */
  rev?: number;
}

/** Reason codes of the batch itself (a record's own reason codes are in shared/domain/status.ts). */
export const BATCH_REASON_CODES = {
  UNEXPECTED: "The file arrived under the batch's prefix without a manifest entry; it was processed anyway.",
  MISSING: "The manifest lists the file, but it had not been uploaded when the batch was closed.",
} as const;

/** Batch ids come from vendor and name, so a repeated create (a resumed upload) finds the same batch. */
export function batchIdFor(vendor: string, name: string): string {
  return `bat_${createHash("sha256").update(`${vendor}\n${name}`).digest("hex").slice(0, 32)}`;
}

export function isBatchId(value: string): boolean {
  return /^bat_[0-9a-f]{32}$/.test(value);
}

/** The object key a manifest entry is uploaded to. */
export function batchObjectKey(vendor: string, batchName: string, fileName: string): string {
  return `${vendor}/${batchName}/${fileName}`;
}

/** `<vendor>/<batch>/<file name…>` → its parts; undefined for keys outside any batch. */
export function batchFileOfKey(
  key: string,
): { vendor: string; batchName: string; fileName: string } | undefined {
  const [vendor, batchName, ...rest] = key.split("/");
  if (!vendor || !batchName || rest.length === 0 || rest.some((s) => s === "")) return undefined;
  return { vendor, batchName, fileName: rest.join("/") };
}

/** A file's state as its upload's record stands. */
export function fileStateOf(status: DocumentStatus): StoredFileState {
  return isTerminal(status) ? status : "PROCESSING";
}

export function isFinalFileState(state: StoredFileState, batchStatus: BatchStatus): boolean {
  if (state === "AWAITING_UPLOAD") return batchStatus !== "OPEN";
  return state !== "PROCESSING";
}

/** What a vendor sees: AWAITING_UPLOAD turns MISSING when the batch closes. */
export function visibleFileState(state: StoredFileState, batchStatus: BatchStatus): FileState {
  return state === "AWAITING_UPLOAD" && batchStatus !== "OPEN" ? "MISSING" : state;
}

/** The reason a vendor sees for a file: MISSING for a file never uploaded to a closed batch, else its record's. */
export function fileReasonCode(
  file: Pick<BatchFile, "state" | "reasonCode">,
  batchStatus: BatchStatus,
): ReasonCode | "MISSING" | undefined {
  if (visibleFileState(file.state, batchStatus) === "MISSING") return "MISSING";
  return file.reasonCode;
}

/** Marks beside the outcome: UNEXPECTED for a file that arrived without a manifest entry. */
export function fileFlags(file: Pick<BatchFile, "expected">): (keyof typeof BATCH_REASON_CODES)[] {
  return file.expected ? [] : ["UNEXPECTED"];
}

export const emptyCounts = (): Record<StoredFileState, number> =>
  Object.fromEntries(STORED_FILE_STATES.map((s) => [s, 0])) as Record<StoredFileState, number>;

/** Counts as a vendor reads them: MISSING split out of AWAITING_UPLOAD once the batch is closed. */
export function visibleCounts(batch: Pick<Batch, "counts" | "status">): Record<FileState, number> {
  const counts: Record<FileState, number> = { ...batch.counts, MISSING: 0 };
  if (batch.status !== "OPEN") {
    counts.MISSING = counts.AWAITING_UPLOAD;
    counts.AWAITING_UPLOAD = 0;
  }
  return counts;
}

/** Every file is final: nothing awaited in an open batch, nothing in the pipeline. */
export function allFilesFinal(batch: Pick<Batch, "counts" | "status">): boolean {
  return batch.status !== "OPEN" && batch.counts.PROCESSING === 0;
}

/** The record ids a file's record stands for: its own and, on part 1 of a split scan, every part's. */
export function recordIdsOf(record: ChartRecord): string[] {
  return record.split?.partIds?.length ? [...record.split.partIds] : [record.id];
}

/** True for the records that speak for an uploaded file (not parts 2… of a split scan). */
export function isFileRecord(record: ChartRecord): boolean {
  return !record.split || record.split.part === 1;
}
