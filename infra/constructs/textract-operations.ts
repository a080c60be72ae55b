import type { OcrFeatureSet } from "../../shared/ocr/ocr-engine";

/** The Textract operations the pipeline calls for a feature set: ingest starts jobs, ocr-complete reads them. */
export interface TextractOperations {
  readonly start: string;
  readonly get: string;
}

const OPERATIONS: Record<OcrFeatureSet, TextractOperations> = {
  text: { start: "StartDocumentTextDetection", get: "GetDocumentTextDetection" },
  forms: { start: "StartDocumentAnalysis", get: "GetDocumentAnalysis" },
  queries: { start: "StartDocumentAnalysis", get: "GetDocumentAnalysis" },
};

export function textractOperationsOf(features: OcrFeatureSet): TextractOperations {
  return OPERATIONS[features];
}

/** Both operations (the `Operation` dimension of AWS/Textract metrics), start first. */
export function textractOperationsFor(features: OcrFeatureSet): string[] {
  const { start, get } = OPERATIONS[features];
  return [start, get];
}
