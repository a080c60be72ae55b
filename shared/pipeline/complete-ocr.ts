import { newRecord, transition, type ChartRecord } from "../domain/chart-record";
import { partDocumentId } from "../domain/document-id";
import { extractModel } from "../extraction/extract-document";
import { buildDocModel, type DocModel } from "../extraction/model/document-model";
import { plainText } from "../extraction/plain-text";
import { needsReview } from "../extraction/review";
import { splitModel, subModel } from "../extraction/split-document";
import type { OcrCompletionNotification } from "../ocr/ocr-engine";
import type { TextractBlock, TextractDocument } from "../ocr/textract-blocks";
import type { OcrPipelineDeps, PipelineDeps } from "./pipeline-deps";

export type CompleteOcrOutcome = { documentId: string; status: ChartRecord["status"] | "IGNORED" };

export const ocrResultKey = (id: string) => `ocr/${id}/textract.json`;
export const ocrTextKey = (id: string) => `ocr/${id}/text.txt`;

/** Fetches every result page of a job (Textract returns at most 1,000 blocks per call). */
export async function fetchOcrResult(
  deps: Pick<PipelineDeps, "ocr">,
  jobId: string,
  features: PipelineDeps["ocrFeatures"],
): Promise<TextractDocument & { JobStatus: string }> {
  const blocks: TextractBlock[] = [];
  let nextToken: string | undefined;
  let pages = 0;
  let status: string;
  let modelVersion: string | undefined;
  let statusMessage: string | undefined;
  do {
    const page = await deps.ocr.getResultPage(jobId, features, nextToken);
    blocks.push(...page.blocks);
    pages = Math.max(pages, page.pageCount);
    status = page.jobStatus;
    statusMessage = page.statusMessage ?? statusMessage;
    modelVersion = page.modelVersion ?? modelVersion;
    nextToken = page.nextToken;
  } while (nextToken);
  return {
    DocumentMetadata: { Pages: pages },
    Blocks: blocks,
    JobStatus: status!,
    StatusMessage: statusMessage,
    ...(features === "text" ? { DetectDocumentTextModelVersion: modelVersion } : { AnalyzeDocumentModelVersion: modelVersion }),
  };
}

/**
 * Handles an OCR job's completion: keep the raw result, extract fields, and move the record to EXTRACTED,
 * NEEDS_REVIEW or FAILED. Re-delivered or stale notifications change nothing.
 */
export async function completeOcr(
  notification: OcrCompletionNotification,
  deps: OcrPipelineDeps,
): Promise<CompleteOcrOutcome> {
  const documentId = notification.JobTag ?? "";
  const record = documentId ? await deps.records.get(documentId) : undefined;
  if (!record || record.status !== "OCR_PENDING" || record.ocr?.jobId !== notification.JobId) {
    deps.logger.info("OCR notification ignored", { documentId, jobStatus: notification.Status });
    return { documentId, status: "IGNORED" };
  }

  if (notification.Status === "FAILED" || notification.Status === "ERROR") {
    await deps.records.save(
      transition(record, "FAILED", { now: deps.now(), reasonCode: "OCR_FAILED", detail: `status=${notification.Status}` }),
    );
    return { documentId, status: "FAILED" };
  }

  const features = (record.ocr.features as PipelineDeps["ocrFeatures"] | undefined) ?? deps.ocrFeatures;
  const result = await fetchOcrResult(deps, notification.JobId, features);
  if (result.JobStatus === "FAILED") {
    await deps.records.save(
      transition(record, "FAILED", { now: deps.now(), reasonCode: "OCR_FAILED", detail: "status=FAILED" }),
    );
    return { documentId, status: "FAILED" };
  }

  await deps.objects.putJson(deps.resultsBucket, ocrResultKey(documentId), result);

  // A scanned stack holds several documents: one record per logical document, part 1 keeping this id.
  // The other parts are written first (idempotently), the upload's own record last, so a retry after a
  // crash finds the upload still OCR_PENDING and completes the missing parts.
  // One block model for splitting and every part's extraction (building it dominates extraction time).
  const model = buildDocModel(result);
  const ranges = splitModel(model);
  const parts = ranges.length > 1 ? ranges : [{ pages: [1, Math.max(1, result.DocumentMetadata.Pages)] as [number, number] }];
  const partIds = parts.map((_, i) => partDocumentId(documentId, i + 1));
  const now = deps.now();
  let outcome: ChartRecord["status"] = "EXTRACTED";
  for (const [i, part] of [...parts.entries()].reverse()) {
    const id = partIds[i]!;
    const sub = parts.length > 1 ? subModel(model, part.pages) : model;
    const split =
      parts.length > 1
        ? { fileRecordId: documentId, part: i + 1, of: parts.length, pages: part.pages, ...(i === 0 ? { partIds } : {}) }
        : undefined;
    const base =
      i === 0
        ? record
        : transition(
            {
              ...newRecord({ id, sha256: record.sha256, source: record.source, fileType: record.fileType, now }),
              history: [{ from: null, to: "RECEIVED", at: now, detail: `split from ${documentId} pages ${part.pages.join("-")}` }],
            },
            "OCR_PENDING",
            { now },
          );
    const next = await extractInto({ ...base, ocr: record.ocr, ...(split ? { split } : {}) }, sub, deps, now);
    if (i === 0) await deps.records.save(next);
    else await deps.records.createIfAbsent(next);
    if (i === 0) outcome = next.status;
  }
  deps.logger.info("Extraction finished", { documentId, status: outcome, documents: parts.length });
  return { documentId, status: outcome };
}

/** Extracts one logical document into its record: fields, type, plain text beside the raw OCR output. */
async function extractInto(
  record: ChartRecord,
  doc: DocModel,
  deps: OcrPipelineDeps,
  now: string,
): Promise<ChartRecord> {
  const text = plainText(doc);
  await deps.objects.putText(deps.resultsBucket, ocrTextKey(record.id), text);
  const extraction = extractModel(doc, { reviewThreshold: deps.reviewThreshold });
  const lineCount = doc.lines.length;
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
  deps.logger.info("Document extracted", {
    documentId: record.id,
    documentType: extracted.documentType,
    fieldsFound: Object.keys(extracted.fields).length,
    review: review?.reasonCode,
  });
  return review
    ? transition(extracted, "NEEDS_REVIEW", {
        now,
        reasonCode: review.reasonCode,
        detail: review.fields.length ? `fields=${review.fields.join(",")}` : undefined,
      })
    : transition(extracted, "EXTRACTED", { now });
}
