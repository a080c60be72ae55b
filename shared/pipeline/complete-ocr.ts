import { transition, type ChartRecord } from "../domain/chart-record";
import { extractDocument } from "../extraction/extract-document";
import { plainText } from "../extraction/plain-text";
import { needsReview } from "../extraction/review";
import type { OcrCompletionNotification } from "../ocr/ocr-engine";
import type { TextractBlock, TextractDocument } from "../ocr/textract-blocks";
import type { PipelineDeps } from "./pipeline-deps";

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
  deps: PipelineDeps,
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

  const text = plainText(result);
  await deps.objects.putJson(deps.resultsBucket, ocrResultKey(documentId), result);
  await deps.objects.putText(deps.resultsBucket, ocrTextKey(documentId), text);

  const extraction = extractDocument(result, { reviewThreshold: deps.reviewThreshold });
  const lineCount = result.Blocks.filter((b) => b.BlockType === "LINE").length;
  const review =
    lineCount === 0
      ? { reasonCode: "NO_TEXT_FOUND" as const, fields: [] }
      : needsReview(extraction, deps.reviewThreshold);
  const now = deps.now();
  const extracted: ChartRecord = {
    ...record,
    documentType: extraction.documentType,
    pageCount: extraction.pageCount || record.pageCount,
    fields: extraction.fields,
    diagnoses: extraction.diagnoses,
    medications: extraction.medications,
    allergies: extraction.allergies,
    ocr: {
      ...record.ocr,
      resultBucket: deps.resultsBucket,
      resultKey: ocrResultKey(documentId),
      textKey: ocrTextKey(documentId),
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
  await deps.records.save(next);
  deps.logger.info("Extraction finished", {
    documentId,
    status: next.status,
    documentType: next.documentType,
    fieldsFound: Object.keys(next.fields).length,
  });
  return { documentId, status: next.status };
}
