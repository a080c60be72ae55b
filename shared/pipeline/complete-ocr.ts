import { newRecord, transition, type ChartRecord, type OcrReference } from "../domain/chart-record";
import { partDocumentId } from "../domain/document-id";
import { documentIdOfJobKey } from "../domain/ocr-job-key";
import { ChartbridgeError } from "../errors";
import { extractPart, needsReview, pageRange, plainText, splitDocuments, type DocModel } from "../extraction";
import type { OcrCompletionNotification } from "../ocr/ocr-engine";
import { OCR_COMPLETION_FAILED_MESSAGE, OCR_JOB_FAILED_MESSAGE } from "../observability/log-messages";
import type { OcrPipelineDeps, PipelineDeps } from "./pipeline-deps";
import { readOcrResult } from "./read-ocr-result";
import { decideFailure } from "./failure-policy";
import { withHumanCorrections } from "../domain/field-corrections";

export type CompleteOcrOutcome = { documentId: string; status: ChartRecord["status"] | "IGNORED" };

export const ocrResultKey = (id: string) => `ocr/${id}/textract.json`;
export const ocrTextKey = (id: string) => `ocr/${id}/text.txt`;

/** Where a completion was when it failed, for the FAILED record's detail and the log line. */
type CompletionStep = "fetch" | "store" | "extraction" | "save";

/**
 * Handles an OCR job's completion: keep the raw result, extract fields, and move the record to EXTRACTED,
 * NEEDS_REVIEW or FAILED. Re-delivered or stale notifications change nothing. The failure policy
 * (decideFailure) settles errors: those worth retrying (throttling, network, AWS 5xx, a concurrent write, the
 * deployment's permissions) propagate, so the message is retried; any other error fails the same way on
 * every delivery, so the record is marked FAILED with PROCESSING_ERROR (the step and the error's class name,
 * never its message) instead of staying OCR_PENDING while the message goes round to the dead-letter queue.
 */
export async function completeOcr(
  notification: OcrCompletionNotification,
  deps: OcrPipelineDeps,
): Promise<CompleteOcrOutcome> {
  // Textract no longer counts the job against the account's concurrent jobs, whatever becomes of this
  // completion: its slot goes to the next document in line (keyed by the job key, so a redelivery releases
  // nothing twice), and a late duplicate of its upload will not take another.
  if (notification.JobTag) await deps.throughput?.jobEnded(notification.JobTag);
  const documentId = notification.JobTag ? documentIdOfJobKey(notification.JobTag) : "";
  const found = documentId ? await deps.records.get(documentId) : undefined;
  // Not waiting yet: the record is saved OCR_PENDING before its job starts, so only a record written by an
  // older ingest can be here. The message goes back to the queue until ingest has caught up.
  if (found?.status === "RECEIVED") throw new OcrCompletionTooEarlyError(documentId);
  if (!found || !isAwaitedCompletion(found, notification)) {
    deps.logger.info("OCR notification ignored", { documentId, jobStatus: notification.Status });
    return { documentId, status: "IGNORED" };
  }
  // The completion may arrive before ingest has recorded the job id; it is recorded here then.
  const record: ChartRecord & { ocr: OcrReference } = {
    ...found,
    ocr: { ...found.ocr, jobId: notification.JobId },
  };

  if (notification.Status === "FAILED" || notification.Status === "ERROR") {
    return failOcrJob(record, notification.JobId, notification.Status, undefined, deps);
  }

  let step: CompletionStep = "fetch";
  try {
    const features = (record.ocr.features as PipelineDeps["ocrFeatures"] | undefined) ?? deps.ocrFeatures;
    // Fetched page by page, stored raw as it comes and read into the document model (never held whole).
    const target = { bucket: deps.resultsBucket, key: ocrResultKey(documentId) };
    const result = await readOcrResult(deps, notification.JobId, features, target, (s) => (step = s));
    if (!("model" in result)) {
      step = "save";
      return await failOcrJob(record, notification.JobId, "FAILED", result.statusMessage, deps);
    }

    // Everything that interprets the OCR output runs before anything is written, so a document whose
    // extraction throws leaves no part records behind.
    step = "extraction";
    const now = deps.now();
    const documents = extractRecords(record, record.ocr, result.model, deps, now);

    // A scanned stack holds several documents: one record per logical document, part 1 keeping this id.
    // The other parts are written first (idempotently), the upload's own record last, so a retry after a
    // crash finds the upload still OCR_PENDING and completes the missing parts.
    step = "save";
    for (const [i, { record: next, text }] of [...documents.entries()].reverse()) {
      await deps.objects.putText(deps.resultsBucket, ocrTextKey(next.id), text);
      deps.logger.info("Document extracted", {
        documentId: next.id,
        documentType: next.documentType,
        fieldsFound: Object.keys(next.fields).length,
        review: next.status === "NEEDS_REVIEW" ? next.statusReason : undefined,
      });
      if (i === 0) await deps.records.save(next);
      else await deps.records.createIfAbsent(next);
    }
    const outcome = documents[0]!.record.status;
    deps.logger.info("Extraction finished", { documentId, status: outcome, documents: documents.length });
    return { documentId, status: outcome };
  } catch (err) {
    const failure = decideFailure(err, "ocr-complete");
    if (failure.action === "retry") throw err;
    const { errorName } = failure;
    await deps.records.save({
      ...transition(record, failure.status, {
        now: deps.now(),
        reasonCode: failure.reasonCode,
        detail: `step=${step} error=${errorName}`,
      }),
      // Keep where the raw OCR output is (when it was stored) so the failure can be reproduced.
      ...(step === "extraction" || step === "save"
        ? { ocr: { ...record.ocr, resultBucket: deps.resultsBucket, resultKey: ocrResultKey(documentId) } }
        : {}),
    });
    deps.logger.error(OCR_COMPLETION_FAILED_MESSAGE, {
      documentId,
      jobId: notification.JobId,
      step,
      errorName,
    });
    return { documentId, status: "FAILED" };
  }
}

/**
 * Whether the record waits for this job: OCR_PENDING with this job id, or (id not recorded yet) under the job
 * key the notification's JobTag carries. A late completion of an earlier attempt's job is not awaited.
 */
function isAwaitedCompletion(
  record: ChartRecord,
  notification: OcrCompletionNotification,
): record is ChartRecord & { ocr: OcrReference } {
  if (record.status !== "OCR_PENDING" || !record.ocr) return false;
  if (record.ocr.jobId) return record.ocr.jobId === notification.JobId;
  return record.ocr.jobKey !== undefined && record.ocr.jobKey === notification.JobTag;
}

/** A completion for a record that has not reached OCR_PENDING: retried (the message returns to the queue). */
export class OcrCompletionTooEarlyError extends ChartbridgeError {
  constructor(readonly documentId: string) {
    super(
      { name: "OcrCompletionTooEarlyError", code: "OCR_COMPLETION_TOO_EARLY", retryable: true },
      `OCR completion for ${documentId} arrived before the record was waiting for it`,
    );
  }
}

/** Records a Textract job that ended FAILED/ERROR: the record becomes FAILED (OCR_FAILED) and a WARN is logged. */
async function failOcrJob(
  record: ChartRecord,
  jobId: string,
  jobStatus: string,
  statusMessage: string | undefined,
  deps: OcrPipelineDeps,
): Promise<CompleteOcrOutcome> {
  await deps.records.save(
    transition(record, "FAILED", {
      now: deps.now(),
      reasonCode: "OCR_FAILED",
      detail: `status=${jobStatus}`,
    }),
  );
  // Counted by the OCR failure-rate alarm's log metric filter: keep the message fixed and the fields PHI-free.
  deps.logger.warn(OCR_JOB_FAILED_MESSAGE, {
    documentId: record.id,
    jobId,
    jobStatus,
    statusMessageCode: statusMessageCode(statusMessage),
  });
  return { documentId: record.id, status: "FAILED" };
}

/**
 * Textract's StatusMessage is free text; only a code-shaped value (e.g. `INTERNAL_ERROR`) is logged, anything
 * else as OTHER, so nothing from the document can reach the logs through it.
 */
export function statusMessageCode(statusMessage: string | undefined): string | undefined {
  if (statusMessage === undefined || statusMessage === "") return undefined;
  return /^[A-Z][A-Z0-9_]{1,63}$/.test(statusMessage) ? statusMessage : "OTHER";
}

/**
 * Splits the OCR output into logical documents and extracts each into its record (index 0: the upload's own
 * record), with its plain text. Pure: writes nothing.
 */
function extractRecords(
  record: ChartRecord,
  ocr: OcrReference,
  model: DocModel,
  deps: OcrPipelineDeps,
  now: string,
): { record: ChartRecord; text: string }[] {
  const documentId = record.id;
  // One block model for splitting and every part's extraction.
  const ranges = splitDocuments(model);
  const parts =
    ranges.length > 1 ? ranges : [{ pages: [1, Math.max(1, model.pageCount)] as [number, number] }];
  const partIds = parts.map((_, i) => partDocumentId(documentId, i + 1));
  return parts.map((part, i) => {
    const id = partIds[i]!;
    const pages = parts.length > 1 ? part.pages : undefined;
    const split =
      parts.length > 1
        ? {
            fileRecordId: documentId,
            part: i + 1,
            of: parts.length,
            pages: part.pages,
            ...(i === 0 ? { partIds } : {}),
          }
        : undefined;
    const base =
      i === 0
        ? record
        : transition(
            {
              ...newRecord({
                id,
                sha256: record.sha256,
                source: record.source,
                fileType: record.fileType,
                now,
              }),
              history: [
                {
                  from: null,
                  to: "RECEIVED",
                  at: now,
                  detail: `split from ${documentId} pages ${part.pages.join("-")}`,
                },
              ],
            },
            "OCR_PENDING",
            { now },
          );
    return extractInto({ ...base, ocr, ...(split ? { split } : {}) }, model, pages, deps, now);
  });
}

/** Extracts one logical document into its record: fields, type, and the plain text kept beside the raw OCR output. */
function extractInto(
  record: ChartRecord,
  model: DocModel,
  pages: readonly [number, number] | undefined,
  deps: OcrPipelineDeps,
  now: string,
): { record: ChartRecord; text: string } {
  // A part of a split file is read in place (pages renumbered in the result), not copied out of the model.
  const text = plainText(model, pages);
  const read = extractPart(model, pages);
  // What a person corrected stays as they left it, whatever OCR reads this time.
  const extraction = { ...read, fields: withHumanCorrections(read.fields, record) };
  const lineCount = pageRange(model, pages).lines.length;
  const review =
    lineCount === 0
      ? { reasonCode: "NO_TEXT_FOUND" as const, fields: [] }
      : needsReview(extraction, deps.reviewThreshold);
  const extracted: ChartRecord = {
    ...record,
    documentType: extraction.documentType,
    pageCount: extraction.pageCount || record.pageCount,
    fields: extraction.fields,
    diagnoses: extraction.diagnoses,
    medications: extraction.medications,
    allergies: extraction.allergies,
    ocr: {
      ...record.ocr!,
      resultBucket: deps.resultsBucket,
      resultKey: ocrResultKey(record.split?.fileRecordId ?? record.id),
      textKey: ocrTextKey(record.id),
      lineCount,
    },
  };
  const next = review
    ? transition(extracted, "NEEDS_REVIEW", {
        now,
        reasonCode: review.reasonCode,
        detail: review.fields.length ? `fields=${review.fields.join(",")}` : undefined,
      })
    : transition(extracted, "EXTRACTED", { now });
  return { record: next, text };
}
