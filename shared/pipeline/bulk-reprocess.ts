/**
 * Bulk reprocessing: a search's records re-extracted from their stored OCR output, as a job with progress.
 * `collectMatches` and `startReprocessJob` run in the API (snapshot the ids, create the job, queue its
 * chunks); `runReprocessChunk` runs in the worker, once per queued chunk. See shared/jobs/reprocess-job.ts.
 */
import { randomUUID } from "node:crypto";
import { ChartbridgeError } from "../errors/chartbridge-error";
import { VersionConflictError } from "../errors";
import {
  chunksOf,
  MAX_JOB_RECORDS,
  newReprocessJob,
  type ChunkOutcome,
  type JobQueue,
  type JobStore,
  type ReprocessChunk,
  type ReprocessJob,
} from "../jobs/reprocess-job";
import type { SearchIndex, SearchQuery } from "../search/search-index";
import { fileRecords, NotReprocessableError, reprocessFile, type ReprocessDeps } from "./reprocess-record";

/** The search matches more records than one job takes. */
export class TooManyRecordsError extends ChartbridgeError {
  constructor() {
    super(
      { name: "TooManyRecordsError", code: "TOO_MANY_RECORDS", retryable: false },
      `the search matches more than ${MAX_JOB_RECORDS} records; narrow it (by type, status or dates) and run several jobs`,
    );
  }
}

export type JobFilters = Omit<SearchQuery, "limit" | "cursor" | "sort">;

/** Ids (in search order) and MRNs of every record the filters match; TooManyRecordsError beyond the maximum. */
export async function collectMatches(
  filters: JobFilters,
  search: Pick<SearchIndex, "search">,
): Promise<{ recordIds: string[]; mrns: string[] }> {
  const ids = new Set<string>();
  const mrns = new Set<string>();
  let cursor: string | undefined;
  do {
    const page = await search.search({ ...filters, limit: 100, ...(cursor ? { cursor } : {}) });
    if (page.total > MAX_JOB_RECORDS) throw new TooManyRecordsError();
    for (const hit of page.hits) {
      ids.add(hit.id);
      if (hit.fields.mrn) mrns.add(hit.fields.mrn);
    }
    cursor = page.nextCursor;
  } while (cursor && ids.size <= MAX_JOB_RECORDS);
  if (ids.size > MAX_JOB_RECORDS) throw new TooManyRecordsError();
  return { recordIds: [...ids], mrns: [...mrns] };
}

export interface StartJobDeps {
  jobs: JobStore;
  jobQueue: JobQueue;
  now(): string;
}

/** Queue sends of this many chunks at a time (SQS takes 10 messages per batch). */
const SEND_BATCH = 10;

/**
 * Creates the job and queues its chunks. A batch of chunks the queue refuses is recorded as failed
 * (QUEUE_UNAVAILABLE), so the job still completes and says which records were not reprocessed.
 */
export async function startReprocessJob(
  recordIds: readonly string[],
  requestedBy: ReprocessJob["requestedBy"],
  deps: StartJobDeps,
): Promise<ReprocessJob> {
  const job = newReprocessJob(`job_${randomUUID()}`, requestedBy, recordIds.length, deps.now());
  await deps.jobs.create(job);
  const chunks = chunksOf(job.id, recordIds);
  let latest = job;
  for (let i = 0; i < chunks.length; i += SEND_BATCH) {
    const batch = chunks.slice(i, i + SEND_BATCH);
    try {
      await deps.jobQueue.send(batch);
    } catch {
      for (const chunk of batch)
        latest = await deps.jobs.recordChunk(job.id, chunk.chunk, unsent(chunk), deps.now());
    }
  }
  return latest;
}

function unsent(chunk: ReprocessChunk): ChunkOutcome {
  return {
    reprocessed: 0,
    skipped: 0,
    failed: chunk.recordIds.length,
    failures: chunk.recordIds.map((recordId) => ({ recordId, code: "QUEUE_UNAVAILABLE" })),
  };
}

export interface ChunkDeps extends ReprocessDeps {
  jobs: Pick<JobStore, "recordChunk">;
}

/** Concurrent chunks may touch parts of the same split file: a lost optimistic-lock race is retried. */
const MAX_CONFLICT_RETRIES = 3;

/**
 * Reprocesses a chunk's records one by one and adds the outcome to the job. A record that cannot be
 * reprocessed is skipped; one that fails is listed with its error code; neither stops the chunk, so the job
 * always completes. Only a failure to record the outcome throws (the message is then delivered again, and
 * reprocessing a record twice gives the same result).
 */
export async function runReprocessChunk(chunk: ReprocessChunk, deps: ChunkDeps): Promise<ReprocessJob> {
  const outcome: ChunkOutcome = { reprocessed: 0, skipped: 0, failed: 0, failures: [] };
  for (const recordId of chunk.recordIds) {
    const result = await reprocessOne(recordId, deps);
    if (result === "reprocessed") outcome.reprocessed += 1;
    else if (result === "skipped") outcome.skipped += 1;
    else {
      outcome.failed += 1;
      outcome.failures.push({ recordId, code: result.code });
    }
  }
  return deps.jobs.recordChunk(chunk.jobId, chunk.chunk, outcome, deps.now());
}

async function reprocessOne(
  recordId: string,
  deps: ReprocessDeps,
): Promise<"reprocessed" | "skipped" | { code: string }> {
  for (let attempt = 1; ; attempt++) {
    try {
      const record = await deps.records.get(recordId);
      if (!record) return { code: "NOT_FOUND" };
      await reprocessFile(await fileRecords(record, deps), deps);
      return "reprocessed";
    } catch (err) {
      if (err instanceof NotReprocessableError) return "skipped";
      if (err instanceof VersionConflictError && attempt < MAX_CONFLICT_RETRIES) continue;
      return { code: err instanceof ChartbridgeError ? err.code : "INTERNAL" };
    }
  }
}
