import type { TextractBlock } from "./textract-blocks";

/** The Textract feature sets: `text` = DetectDocumentText; the others = AnalyzeDocument with that feature. */
export const OCR_FEATURE_SETS = ["text", "forms", "queries"] as const;

/** Which Textract feature set to request. */
export type OcrFeatureSet = (typeof OCR_FEATURE_SETS)[number];

export interface StartOcrJobRequest {
  documentId: string;
  bucket: string;
  key: string;
  versionId?: string;
  features: OcrFeatureSet;
}

export type OcrJobStatus = "IN_PROGRESS" | "SUCCEEDED" | "FAILED" | "PARTIAL_SUCCESS";

/** One page of results as Textract's Get… APIs return them (at most 1,000 blocks each). */
export interface OcrResultPage {
  jobStatus: OcrJobStatus;
  statusMessage?: string;
  pageCount: number;
  blocks: TextractBlock[];
  nextToken?: string;
  modelVersion?: string;
  warnings?: { ErrorCode?: string; Pages?: number[] }[];
}

/**
 * The OCR port. Production: Amazon Textract async jobs that notify an SNS topic on completion. Local:
 * mupdf + tesseract.js in a worker pool, notifying through the local runtime. Both emit Textract blocks.
 */
export interface OcrEngine {
  readonly name: string;
  startJob(request: StartOcrJobRequest): Promise<{ jobId: string }>;
  getResultPage(jobId: string, features: OcrFeatureSet, nextToken?: string): Promise<OcrResultPage>;
}

/** The completion message Textract publishes to SNS (and the local engine imitates). */
export interface OcrCompletionNotification {
  JobId: string;
  Status: "SUCCEEDED" | "FAILED" | "ERROR" | "PARTIAL_SUCCESS";
  API: string;
  /** chartbridge sets JobTag to the document id. */
  JobTag?: string;
  Timestamp: number;
  DocumentLocation: { S3ObjectName: string; S3Bucket: string };
}
