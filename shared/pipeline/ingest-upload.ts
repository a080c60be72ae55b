import { newRecord, transition, type ChartRecord } from "../domain/chart-record";
import { documentIdFor } from "../domain/document-id";
import { type UploadedObject, vendorAndBatch } from "../events/upload-event";
import { decideFailure } from "./failure-policy";
import type { ValidationResult } from "../intake/validate-upload";
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
 * Takes in one uploaded object: fingerprint, validate, register idempotently, start OCR.
 * Safe to run any number of times for the same event: the record id comes from the object's identity.
 */
export async function ingestUpload(upload: UploadedObject, deps: OcrPipelineDeps): Promise<IngestOutcome> {
  const id = documentIdFor(upload);
  const existing = await deps.records.get(id);
  if (existing && existing.status !== "RECEIVED") return { documentId: id, status: "UNCHANGED" };
  if (existing) return startOcr(existing, deps);

  // The object goes to a temporary file and is validated from there: memory use does not grow with its size.
  const object = await deps.objects.download(upload.bucket, upload.key, {
    versionId: upload.versionId,
    maxBytes: MAX_UPLOAD_BYTES,
  });
  let validation: ValidationResult;
  try {
    validation = object.truncatedAt
      ? { ok: false, reasonCode: "TOO_LARGE", detail: `bytes>${MAX_UPLOAD_BYTES}` }
      : (await loadValidation()).validateUploadFile(object.path);
  } finally {
    await object.dispose();
  }
  const now = deps.now();
  const base = newRecord({
    id,
    sha256: object.sha256,
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
    return registered.record.status === "RECEIVED"
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

async function startOcr(record: ChartRecord, deps: OcrPipelineDeps): Promise<IngestOutcome> {
  const { bucket, key, versionId } = record.source;
  let jobId: string;
  try {
    ({ jobId } = await deps.ocr.startJob({
      documentId: record.id,
      bucket,
      key,
      versionId,
      features: deps.ocrFeatures,
    }));
  } catch (err) {
    const failure = decideFailure(err, "ocr-start");
    // Throttling, outages and the deployment's errors propagate: the message is retried, the record stays RECEIVED.
    if (failure.action === "retry") throw err;
    const { status, reasonCode, errorName } = failure;
    await deps.records.save(transition(record, status, { now: deps.now(), reasonCode, detail: errorName }));
    deps.logger.warn("OCR job could not be started", { documentId: record.id, errorName, reasonCode });
    return { documentId: record.id, status };
  }
  const pending = {
    ...transition(record, "OCR_PENDING", { now: deps.now() }),
    ocr: { engine: deps.ocr.name, jobId, features: deps.ocrFeatures },
  };
  await deps.records.save(pending);
  deps.logger.info("OCR started", { documentId: record.id, engine: deps.ocr.name });
  return { documentId: record.id, status: "OCR_PENDING" };
}
