import { revise, transition, type ChartRecord } from "../domain/chart-record";
import { IN_FLIGHT_STATUSES, type InFlightStatus, type ReasonCode } from "../domain/status";
import { VersionConflictError } from "../errors";
import type { OcrFeatureSet } from "../ocr/ocr-engine";
import { safeError } from "../observability/logger";
import { isStartDeferred } from "../throughput/errors";
import { completeOcr } from "./complete-ocr";
import { startOcr } from "./ingest-upload";
import type { OcrPipelineDeps } from "./pipeline-deps";
import type { StaleRecordRef } from "./ports";

/** Textract keeps an asynchronous job's result this long; after it the job cannot be read any more. */
export const OCR_JOB_VALIDITY_MS = 7 * 24 * 60 * 60 * 1000;

export interface SweepSettings {
  /** A record left this long in RECEIVED, OCR_PENDING or EXTRACTED (no write at all) is stuck. */
  stuckAfterMs: number;
  /** Retries of a stuck record's step before the record is failed. */
  maxAttempts: number;
  /** At most this many records per state in one run; the rest are found by the next run. */
  batchSize: number;
}

export type SweepAction =
  /** RECEIVED: OCR started (ingest's last step, run again). */
  | "redriven"
  /** OCR_PENDING without a job id: the start was repeated under the same job key (same job if it exists). */
  | "resumed"
  /** OCR_PENDING whose job the engine no longer knows: a new job under the next attempt's key. */
  | "restarted"
  /** OCR_PENDING whose job is still running: checked again next run, failed once attempts run out. */
  | "waiting"
  /** OCR_PENDING whose job had finished (its completion was lost): completed now. */
  | "completed"
  /** EXTRACTED: rewritten, so the table stream hands it to the indexer again. */
  | "reindexed"
  /** OCR_PENDING without a job, waiting for Textract capacity (the throughput governor): not stuck. */
  | "queued"
  /** The retried start has to wait for Textract capacity: tried again next run. */
  | "deferred"
  /** Attempts exhausted or the OCR result expired: FAILED with STUCK_TIMEOUT / OCR_TIMEOUT. */
  | "failed"
  /** Moved on (or rewritten) since the query: not stuck any more. */
  | "skipped"
  /** The retry itself failed; the record stays where it is and is found again next run. */
  | "error";

export interface SweepReport {
  examined: number;
  actions: Record<SweepAction, number>;
  /** False when the run stopped early (`shouldContinue`); the next run picks up the rest. */
  complete: boolean;
}

/**
 * Finds records stuck in a state the pipeline should have moved them out of (a lost message, a crash
 * between two writes, a dead-lettered stream batch) and retries their step, or fails them with a reason
 * once `maxAttempts` retries did not help. Every retry is itself a write, so a record is retried at most
 * once per `stuckAfterMs`. Safe to run concurrently with the pipeline: every write is conditional on the
 * record's version, and a record that moved on meanwhile is left alone.
 */
export async function sweepStuckRecords(
  deps: OcrPipelineDeps,
  settings: SweepSettings,
  opts: { shouldContinue?: () => boolean } = {},
): Promise<SweepReport> {
  const report: SweepReport = { examined: 0, actions: emptyActions(), complete: true };
  await reclaimJobSlots(deps);
  const before = new Date(Date.parse(deps.now()) - settings.stuckAfterMs).toISOString();
  for (const status of IN_FLIGHT_STATUSES) {
    const refs = await deps.records.findByStatusOlderThan(status, before, settings.batchSize);
    for (const ref of refs) {
      if (opts.shouldContinue && !opts.shouldContinue()) {
        report.complete = false;
        break;
      }
      report.examined++;
      report.actions[await sweepRecord(ref, status, before, deps, settings)]++;
    }
  }
  deps.logger.info("Stuck records swept", { examined: report.examined, ...report.actions });
  return report;
}

async function sweepRecord(
  ref: StaleRecordRef,
  status: InFlightStatus,
  before: string,
  deps: OcrPipelineDeps,
  settings: SweepSettings,
): Promise<SweepAction> {
  try {
    const record = await deps.records.get(ref.id);
    // The index is eventually consistent: re-check against the record itself.
    if (!record || record.status !== status || record.updatedAt >= before) return "skipped";
    const attempts = record.sweep?.status === status ? record.sweep.attempts : 0;
    if (status === "OCR_PENDING" && ocrResultExpired(record, deps.now())) {
      return await failStuck(record, "OCR_TIMEOUT", `status=${status} job-expired`, deps);
    }
    if (await waitsForCapacity(record, deps)) return "queued";
    if (attempts >= settings.maxAttempts) {
      const reason = status === "OCR_PENDING" ? "OCR_TIMEOUT" : "STUCK_TIMEOUT";
      return await failStuck(record, reason, `status=${status} attempts=${attempts}`, deps);
    }
    // Counting the attempt is a write of its own: it restarts the record's clock, and for EXTRACTED it is
    // the retry (the new version reaches the indexer through the table stream).
    const counted = revise(record, { sweep: { status, attempts: attempts + 1 } }, deps.now());
    await deps.records.save(counted);
    const action = await retryStep(counted, status, deps);
    deps.logger.info("Stuck record retried", {
      documentId: record.id,
      status,
      action,
      attempt: attempts + 1,
    });
    return action;
  } catch (err) {
    if (err instanceof VersionConflictError) return "skipped";
    if (isStartDeferred(err)) return "deferred";
    deps.logger.error("Stuck record retry failed", { documentId: ref.id, status, ...safeError(err) });
    return "error";
  }
}

async function retryStep(
  record: ChartRecord,
  status: InFlightStatus,
  deps: OcrPipelineDeps,
): Promise<SweepAction> {
  switch (status) {
    case "RECEIVED":
      await startOcr(record, deps);
      return "redriven";
    case "EXTRACTED":
      return "reindexed";
    case "OCR_PENDING":
      return recheckOcrJob(record, deps);
  }
}

/**
 * Asks the OCR engine about the record's job: finished → complete it (its completion was lost); unknown →
 * start a new one; running → repeat its start under the same key (idempotent), then wait.
 */
async function recheckOcrJob(record: ChartRecord, deps: OcrPipelineDeps): Promise<SweepAction> {
  const ocr = record.ocr;
  if (!ocr?.jobId) {
    await startOcr(record, deps);
    return "resumed";
  }
  const features = (ocr.features as OcrFeatureSet | undefined) ?? deps.ocrFeatures;
  let jobStatus: string;
  try {
    await deps.throughput?.paceGet();
    ({ jobStatus } = await deps.ocr.getResultPage(ocr.jobId, features));
  } catch (err) {
    if ((err as Error).name !== "InvalidJobIdException") throw err;
    // The old job is gone: its slot is free for the new one.
    if (ocr.jobKey) await deps.throughput?.release(ocr.jobKey);
    await startOcr(record, deps, { restart: true });
    return "restarted";
  }
  if (jobStatus === "IN_PROGRESS") {
    // Same key, same job: nothing for Textract; the local engine runs again a job its process lost.
    const { bucket, key, versionId } = record.source;
    await deps.throughput?.paceStart();
    await deps.ocr.startJob({ documentId: record.id, jobKey: ocr.jobKey, bucket, key, versionId, features });
    // Still running: its job slot is still in use.
    if (ocr.jobKey) await deps.throughput?.renewLease(ocr.jobKey);
    return "waiting";
  }
  await completeOcr(
    {
      JobId: ocr.jobId,
      Status: jobStatus === "SUCCEEDED" || jobStatus === "PARTIAL_SUCCESS" ? jobStatus : "FAILED",
      API: "sweeper",
      JobTag: ocr.jobKey ?? record.id,
      Timestamp: Date.parse(deps.now()),
      DocumentLocation: { S3Bucket: record.source.bucket, S3ObjectName: record.source.key },
    },
    deps,
  );
  return "completed";
}

async function failStuck(
  record: ChartRecord,
  reasonCode: ReasonCode,
  detail: string,
  deps: OcrPipelineDeps,
): Promise<SweepAction> {
  await deps.records.save(transition(record, "FAILED", { now: deps.now(), reasonCode, detail }));
  // A job given up on holds its Textract job slot no longer (or leaves the line it waited in).
  if (record.ocr?.jobKey) await deps.throughput?.jobEnded(record.ocr.jobKey);
  deps.logger.warn("Stuck record failed", { documentId: record.id, from: record.status, reasonCode });
  return "failed";
}

/** OCR_PENDING without a job id, reserved or in line for Textract capacity: waiting, not stuck. */
async function waitsForCapacity(record: ChartRecord, deps: OcrPipelineDeps): Promise<boolean> {
  if (record.status !== "OCR_PENDING" || record.ocr?.jobId || !record.ocr?.jobKey) return false;
  return (await deps.throughput?.isQueued(record.ocr.jobKey)) ?? false;
}

/** Slots of jobs whose completion never came go back to the line (the governor's leases). */
async function reclaimJobSlots(deps: OcrPipelineDeps): Promise<void> {
  try {
    await deps.throughput?.reclaimExpired();
  } catch (err) {
    deps.logger.error("Reclaiming Textract job slots failed", safeError(err));
  }
}

/** Whether the record's OCR job is older than Textract keeps results (job start, else entry to OCR_PENDING). */
function ocrResultExpired(record: ChartRecord, now: string): boolean {
  const started =
    record.ocr?.startedAt ?? record.history.findLast((h) => h.to === "OCR_PENDING")?.at ?? record.updatedAt;
  return Date.parse(now) - Date.parse(started) > OCR_JOB_VALIDITY_MS;
}

function emptyActions(): Record<SweepAction, number> {
  return {
    redriven: 0,
    resumed: 0,
    restarted: 0,
    waiting: 0,
    queued: 0,
    deferred: 0,
    completed: 0,
    reindexed: 0,
    failed: 0,
    skipped: 0,
    error: 0,
  };
}
