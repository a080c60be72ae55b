import { ChartbridgeError } from "../errors/chartbridge-error";

/**
 * The lifecycle of a chart document. Every uploaded object ends in one of the terminal or resting states;
 * nothing is silently dropped.
 *
 *   RECEIVED → OCR_PENDING → EXTRACTED → INDEXED
 *                         ↘ NEEDS_REVIEW (low-confidence identity fields)
 *   RECEIVED → REJECTED (bad input) | DUPLICATE (same bytes already ingested)
 *   OCR_PENDING → REJECTED (the OCR service refuses the document when its job is started)
 *   RECEIVED/OCR_PENDING/EXTRACTED → FAILED (processing error, or stuck beyond the sweeper's retries)
 */
export const STATUSES = [
  "RECEIVED",
  "OCR_PENDING",
  "EXTRACTED",
  "INDEXED",
  "NEEDS_REVIEW",
  "REJECTED",
  "DUPLICATE",
  "FAILED",
] as const;

export type DocumentStatus = (typeof STATUSES)[number];

const ALLOWED: Record<DocumentStatus, readonly DocumentStatus[]> = {
  RECEIVED: ["OCR_PENDING", "REJECTED", "DUPLICATE", "FAILED"],
  OCR_PENDING: ["EXTRACTED", "NEEDS_REVIEW", "FAILED", "REJECTED"],
  EXTRACTED: ["INDEXED", "NEEDS_REVIEW", "FAILED"],
  // A reviewer may re-open an indexed record; re-extraction moves it back through EXTRACTED.
  INDEXED: ["NEEDS_REVIEW", "EXTRACTED"],
  NEEDS_REVIEW: ["EXTRACTED", "INDEXED"],
  // FAILED documents may be retried from the start of OCR.
  FAILED: ["OCR_PENDING"],
  REJECTED: [],
  DUPLICATE: [],
};

/** Reason codes a vendor or records clerk sees for a REJECTED, DUPLICATE, FAILED or NEEDS_REVIEW document. */
export const REASON_CODES = {
  EMPTY_FILE: "The object has zero bytes.",
  UNSUPPORTED_TYPE: "The content is not a PDF, TIFF, PNG or JPEG file.",
  UNREADABLE: "The file is truncated or damaged and cannot be opened.",
  ENCRYPTED_PDF: "The PDF is password-protected; OCR cannot read it.",
  TOO_LARGE: "The file exceeds the size OCR accepts (images 10 MB, PDF/TIFF 500 MB).",
  TOO_MANY_PAGES: "The file has more than 3,000 pages.",
  IMAGE_TOO_LARGE: "A page is larger than 10,000 pixels on a side.",
  PAGE_TOO_LARGE: "A PDF page is larger than 40 inches on a side.",
  DUPLICATE_CONTENT: "The same bytes were already ingested under another key.",
  CHECKSUM_MISMATCH: "The bytes received do not match the size or SHA-256 the batch manifest declares.",
  OCR_FAILED: "The OCR job failed.",
  OCR_START_FAILED: "The OCR job could not be started.",
  NO_TEXT_FOUND: "OCR found no text on any page.",
  MISSING_IDENTITY: "A key identity field (patient name, date of birth or MRN) was not found.",
  LOW_CONFIDENCE_IDENTITY: "A key identity field was found with low confidence.",
  PROCESSING_ERROR: "An unexpected error occurred while processing the document.",
  OCR_TIMEOUT: "The OCR job did not finish after repeated checks, or its result expired before it was read.",
  STUCK_TIMEOUT: "The document stayed in a processing step after repeated retries.",
} as const;

export type ReasonCode = keyof typeof REASON_CODES;

export interface StatusTransition {
  from: DocumentStatus | null;
  to: DocumentStatus;
  at: string;
  reasonCode?: ReasonCode;
  /** Extra detail without PHI (e.g. "pages=3120"). */
  detail?: string;
}

/** A step tried to move a record along a transition the lifecycle does not allow: a bug, not bad input. */
export class InvalidTransitionError extends ChartbridgeError {
  constructor(
    readonly from: DocumentStatus,
    readonly to: DocumentStatus,
  ) {
    super(
      { name: "InvalidTransitionError", code: "INVALID_TRANSITION", retryable: false },
      `Invalid status transition ${from} → ${to}`,
    );
  }
}

export function canTransition(from: DocumentStatus, to: DocumentStatus): boolean {
  return ALLOWED[from].includes(to);
}

/**
 * Where the pipeline leaves a document: nothing further happens to it without a person (review, re-run).
 * Some of these states still allow transitions (a reviewer re-opens INDEXED, a retry restarts FAILED).
 */
export function isTerminal(status: DocumentStatus): status is TerminalStatus {
  return (TERMINAL_STATUSES as readonly DocumentStatus[]).includes(status);
}

export const TERMINAL_STATUSES = [
  "INDEXED",
  "NEEDS_REVIEW",
  "REJECTED",
  "DUPLICATE",
  "FAILED",
] as const satisfies readonly DocumentStatus[];
export type TerminalStatus = (typeof TERMINAL_STATUSES)[number];

/**
 * The states the pipeline moves a document out of by itself. A document that stays in one of them beyond a
 * timeout is stuck: the sweeper retries its step, then fails it (STUCK_TIMEOUT / OCR_TIMEOUT).
 */
export const IN_FLIGHT_STATUSES = [
  "RECEIVED",
  "OCR_PENDING",
  "EXTRACTED",
] as const satisfies readonly DocumentStatus[];

export type InFlightStatus = (typeof IN_FLIGHT_STATUSES)[number];

export function isInFlight(status: DocumentStatus): status is InFlightStatus {
  return (IN_FLIGHT_STATUSES as readonly DocumentStatus[]).includes(status);
}
