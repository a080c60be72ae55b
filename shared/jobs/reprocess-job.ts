/**
 * A bulk reprocess job: today's rules re-run on the stored OCR output of every record a search matched.
 * The API snapshots the matching record ids when the job is created (reprocessing changes records, so the
 * search itself would shift under a job that re-ran it), splits them into chunks and queues one message per
 * chunk; a worker processes each chunk and adds its outcome to the job once, however often the message is
 * delivered. The job holds ids and counts only: no PHI.
 */
import { ChartbridgeError } from "../errors/chartbridge-error";

export type JobStatus = "RUNNING" | "COMPLETED";

/** Why one record of a job was not reprocessed. */
export interface JobFailure {
  recordId: string;
  /** The error code (NOT_FOUND, INTERNAL, …): never a message, which could quote record content. */
  code: string;
}

export interface ReprocessJob {
  id: string;
  kind: "reprocess";
  status: JobStatus;
  /** Who asked: the caller's sub and user name. */
  requestedBy: { sub: string; name: string };
  /** Records the search matched when the job was created. */
  total: number;
  chunks: number;
  /** Records handled so far: reprocessed + skipped + failed. */
  processed: number;
  reprocessed: number;
  /** Not reprocessable (no stored OCR output, or a status such as REJECTED): left as they were. */
  skipped: number;
  failed: number;
  failures: JobFailure[];
  createdAt: string;
  updatedAt: string;
  completedAt?: string;
}

/** What one chunk did. */
export interface ChunkOutcome {
  reprocessed: number;
  skipped: number;
  failed: number;
  failures: JobFailure[];
}

/** One queued unit of work. */
export interface ReprocessChunk {
  jobId: string;
  chunk: number;
  recordIds: string[];
}

/** Records per queued message: a chunk finishes well inside one worker invocation. */
export const CHUNK_SIZE = 10;
/** Most records one bulk job may take; a wider search is refused with a request to narrow it. */
export const MAX_JOB_RECORDS = 2000;

/** A chunk's job is not in the store (yet): its message is delivered again. */
export class JobNotFoundError extends ChartbridgeError {
  constructor() {
    super({ name: "JobNotFoundError", code: "JOB_NOT_FOUND", retryable: true }, "reprocess job not found");
  }
}

/** The job store port. Production and local: the records table (job items beside the records). */
export interface JobStore {
  create(job: ReprocessJob): Promise<void>;
  get(id: string): Promise<ReprocessJob | undefined>;
  /**
   * Adds a chunk's outcome to the job, once: a chunk already recorded (a redelivered message) changes
   * nothing. The job becomes COMPLETED when every record is processed. Returns the job as it is after.
   */
  recordChunk(jobId: string, chunk: number, outcome: ChunkOutcome, now: string): Promise<ReprocessJob>;
}

/** The queue port the API puts chunks on. Production: SQS; local: the local stack's disk-backed queue. */
export interface JobQueue {
  send(chunks: readonly ReprocessChunk[]): Promise<void>;
}

/** Splits ids into chunks of CHUNK_SIZE for `jobId`, numbered from 0. */
export function chunksOf(jobId: string, recordIds: readonly string[]): ReprocessChunk[] {
  const chunks: ReprocessChunk[] = [];
  for (let i = 0; i < recordIds.length; i += CHUNK_SIZE)
    chunks.push({ jobId, chunk: chunks.length, recordIds: recordIds.slice(i, i + CHUNK_SIZE) });
  return chunks;
}

/** A new job for `total` records (one with none is complete at once). */
export function newReprocessJob(
  id: string,
  requestedBy: ReprocessJob["requestedBy"],
  total: number,
  now: string,
): ReprocessJob {
  return {
    id,
    kind: "reprocess",
    status: total === 0 ? "COMPLETED" : "RUNNING",
    requestedBy,
    total,
    chunks: Math.ceil(total / CHUNK_SIZE),
    processed: 0,
    reprocessed: 0,
    skipped: 0,
    failed: 0,
    failures: [],
    createdAt: now,
    updatedAt: now,
    ...(total === 0 ? { completedAt: now } : {}),
  };
}
