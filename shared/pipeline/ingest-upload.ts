import { newRecord, revise, transition, type ChartRecord } from "../domain/chart-record";
import { documentIdFor } from "../domain/document-id";
import { ocrJobKey } from "../domain/ocr-job-key";
import { VersionConflictError } from "../errors";
import { type UploadedObject, vendorAndBatch } from "../events/upload-event";
import { decideFailure } from "./failure-policy";
import { checkAgainstManifest } from "../batches/check-manifest";
import type { ValidationResult } from "../intake/validate-upload";
import type { OcrFeatureSet } from "../ocr/ocr-engine";
import type { OcrPipelineDeps } from "./pipeline-deps";

/** Textract's async limit for PDF/TIFF; anything larger is rejected without downloading all of it. */
const MAX_UPLOAD_BYTES = 500 * 1024 * 1024;

/**
 * Intake validation runs MuPDF, whose module compiles a 10 MB WebAssembly binary when it is evaluated. It is
 * imported on first use, so the ingest Lambda's initialization (and invocations that never validate, such as
 * redelivered events for documents already registered) does not pay for it; the bundle still contains it.
 */
const loadValidation = () => import("../intake/validate-upload");

export type IngestOutcome =
  | { documentId: string; status: "OCR_PENDING" | "REJECTED" | "DUPLICATE" | "FAILED" }
  | { documentId: string; status: "UNCHANGED" };

/**
 * Takes in one uploaded object: fingerprint, check against its batch manifest, validate, register idempotently,
 * start OCR.
 * Safe to run any number of times for the same event: the record id comes from the object's identity.
 */
export async function ingestUpload(upload: UploadedObject, deps: OcrPipelineDeps): Promise<IngestOutcome> {
  const id = documentIdFor(upload);
  const existing = await deps.records.get(id);
  if (existing && isAwaitingOcrStart(existing)) return startOcr(existing, deps);
  if (existing) return { documentId: id, status: "UNCHANGED" };

  // The object goes to a temporary file and is validated from there: memory use does not grow with its size.
  const object = await deps.objects.download(upload.bucket, upload.key, {
    versionId: upload.versionId,
    maxBytes: MAX_UPLOAD_BYTES,
  });
  let validation: ValidationResult;
  try {
    // A batch upload must be the bytes its manifest declares: anything else was corrupted on the way.
    const verdict = object.truncatedAt
      ? undefined
      : await checkAgainstManifest(upload.key, object, deps.batches);
    validation = object.truncatedAt
      ? { ok: false, reasonCode: "TOO_LARGE", detail: `bytes>${MAX_UPLOAD_BYTES}` }
      : verdict?.kind === "mismatch"
        ? { ok: false, reasonCode: "CHECKSUM_MISMATCH", detail: `differs=${verdict.detail}` }
        : (await loadValidation()).validateUploadFile(object.path);
  } finally {
    await object.dispose();
  }
  const now = deps.now();
  const base = newRecord({
    id,
    sha256: object.sha256,
    // A truncated download's hash is of the first bytes only: not the file's.
    ...(object.truncatedAt ? {} : { sha1: object.sha1 }),
    now,
    source: {
      bucket: upload.bucket,
      key: upload.key,
      versionId: upload.versionId,
      etag: upload.etag?.replaceAll('"', ""),
      size: object.size,
      contentType: object.contentType,
      ...vendorAndBatch(upload.key),
    },
  });

  if (!validation.ok) {
    const rejected = transition(base, "REJECTED", {
      now,
      reasonCode: validation.reasonCode,
      detail: validation.detail,
    });
    await deps.records.createIfAbsent(rejected);
    deps.logger.info("Upload rejected", { documentId: id, reasonCode: validation.reasonCode });
    return { documentId: id, status: "REJECTED" };
  }

  const record: ChartRecord = { ...base, fileType: validation.fileType, pageCount: validation.pageCount };
  const registered = await deps.records.register(record);
  if (registered.outcome === "exists") {
    return isAwaitingOcrStart(registered.record)
      ? startOcr(registered.record, deps)
      : { documentId: id, status: "UNCHANGED" };
  }
  if (registered.outcome === "duplicate-content") {
    const duplicate = {
      ...transition(record, "DUPLICATE", { now, reasonCode: "DUPLICATE_CONTENT" }),
      duplicateOf: registered.originalId,
    };
    await deps.records.createIfAbsent(duplicate);
    deps.logger.info("Upload is a duplicate", { documentId: id, duplicateOf: registered.originalId });
    return { documentId: id, status: "DUPLICATE" };
  }
  return startOcr(record, deps);
}

/** Registered but without a started OCR job: a delivery of its upload (re)starts OCR. */
function isAwaitingOcrStart(record: ChartRecord): boolean {
  return (
    record.status === "RECEIVED" ||
    (record.status === "OCR_PENDING" && !!record.ocr?.jobKey && !record.ocr.jobId)
  );
}

/**
 * Starts OCR for a registered record, or resumes a start that did not finish. The record is saved
 * OCR_PENDING, with the job's key, before the job is started: a job that fails at once can publish its
 * completion before the start call returns, and that completion must find the record waiting for it. The
 * job id is recorded afterwards; if the completion has already moved the record on, there is nothing left
 * to record. Repeating this (a redelivered message, the sweeper) restarts nothing: the same key gives the
 * same job. With `restart`, a new job is started under the next attempt's key (the sweeper, when a job is gone).
 *
 * With a throughput governor (deps.throughput), the call waits for Textract capacity first: admitStart
 * returns when this job may start now, or throws StartDeferredError once the message is parked until its
 * turn (the record stays OCR_PENDING without a job id; the next delivery resumes here). A throttled or
 * failing call is deferred the same way, keeping its job slot; other failures give the slot back. A duplicate
 * delivery of the upload starts nothing (admitStart tells it the job ended or is another message's to start).
 */
export async function startOcr(
  record: ChartRecord,
  deps: OcrPipelineDeps,
  opts: { restart?: boolean } = {},
): Promise<IngestOutcome> {
  if (record.status === "OCR_PENDING" && record.ocr?.jobId && !opts.restart) {
    return { documentId: record.id, status: "UNCHANGED" };
  }
  const pending = await savePending(record, deps, opts.restart ?? false);
  const ocr = pending.ocr!;
  const jobKey = ocr.jobKey ?? pending.id;
  const admission = (await deps.throughput?.admitStart(jobKey)) ?? "start";
  if (admission !== "start") {
    // A duplicate delivery: the job already ended, or another message holds the document's place.
    deps.logger.info("OCR start left to another delivery", { documentId: pending.id, admission });
    return { documentId: pending.id, status: "UNCHANGED" };
  }
  const { bucket, key, versionId } = pending.source;
  let jobId: string;
  try {
    ({ jobId } = await deps.ocr.startJob({
      documentId: pending.id,
      jobKey: ocr.jobKey,
      bucket,
      key,
      versionId,
      features: (ocr.features as OcrFeatureSet | undefined) ?? deps.ocrFeatures,
    }));
  } catch (err) {
    const deferred = await deps.throughput?.startFailed(jobKey, err);
    if (deferred) throw deferred;
    const failure = decideFailure(err, "ocr-start");
    // Throttling, outages and the deployment's errors propagate: the message is retried and resumes this start.
    if (failure.action === "retry") throw err;
    const { status, reasonCode, errorName } = failure;
    await deps.records.save(transition(pending, status, { now: deps.now(), reasonCode, detail: errorName }));
    deps.logger.warn("OCR job could not be started", { documentId: pending.id, errorName, reasonCode });
    return { documentId: pending.id, status };
  }
  await deps.throughput?.startSucceeded(jobKey);
  await recordJobId(pending, jobId, deps);
  deps.logger.info("OCR started", { documentId: pending.id, engine: deps.ocr.name, attempt: ocr.attempt });
  return { documentId: pending.id, status: "OCR_PENDING" };
}

/** The record as it waits for its job: OCR_PENDING with the key of the job about to be started. */
async function savePending(
  record: ChartRecord,
  deps: OcrPipelineDeps,
  restart: boolean,
): Promise<ChartRecord> {
  const now = deps.now();
  const attempt = (record.ocr?.attempt ?? 0) + 1;
  const ocr = {
    engine: deps.ocr.name,
    jobKey: ocrJobKey(record.id, attempt),
    attempt,
    features: deps.ocrFeatures,
  };
  let pending: ChartRecord;
  if (record.status !== "OCR_PENDING") pending = { ...transition(record, "OCR_PENDING", { now }), ocr };
  else if (restart || !record.ocr?.jobKey) pending = revise(record, { ocr }, now);
  else return record;
  await deps.records.save(pending);
  return pending;
}

/** Records the started job's id, unless its completion got there first. */
async function recordJobId(pending: ChartRecord, jobId: string, deps: OcrPipelineDeps): Promise<void> {
  const now = deps.now();
  try {
    await deps.records.save(revise(pending, { ocr: { ...pending.ocr!, jobId, startedAt: now } }, now));
  } catch (err) {
    if (!(err instanceof VersionConflictError)) throw err;
    const current = await deps.records.get(pending.id);
    // Moved on by the completion, or the id recorded by another delivery of the same upload: done.
    if (current && (current.status !== "OCR_PENDING" || current.ocr?.jobId === jobId)) return;
    throw err;
  }
}
