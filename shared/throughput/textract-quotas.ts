/**
 * Textract's quotas and the budget the throughput governor paces to. Quotas are per account and region, shared
 * by everything in the account that calls Textract: transactions per second for each Start…/Get… API, and
 * the number of asynchronous jobs in progress at once.
 */
import type { OcrFeatureSet } from "../ocr/ocr-engine";

export type TextractStartApi = "StartDocumentTextDetection" | "StartDocumentAnalysis";
export type TextractGetApi = "GetDocumentTextDetection" | "GetDocumentAnalysis";

/** The Start…/Get… pair a feature set calls: `text` detects text, `forms`/`queries` analyze the document. */
export function textractApisFor(features: OcrFeatureSet): { start: TextractStartApi; get: TextractGetApi } {
  return features === "text"
    ? { start: "StartDocumentTextDetection", get: "GetDocumentTextDetection" }
    : { start: "StartDocumentAnalysis", get: "GetDocumentAnalysis" };
}

export interface TextractQuotas {
  /** Start… calls per second. */
  startTps: number;
  /** Get… calls per second (every result page is one call). */
  getTps: number;
  /** Asynchronous jobs in progress at once. */
  maxJobs: number;
}

/** Regions whose default quotas are the large ones (AWS Service Quotas, Amazon Textract). */
const LARGE_QUOTA_REGIONS = new Set(["us-east-1", "us-west-2"]);

/**
 * The default quotas of a region: us-east-1 and us-west-2 allow StartDocumentTextDetection 15 TPS,
 * StartDocumentAnalysis 10, the Get… APIs 10 and 600 jobs in progress. Most other regions allow 100 jobs and
 * far fewer transactions (1–5 per second, by API and region), so elsewhere we assume the lowest: set the real
 * figures (TEXTRACT_START_TPS, TEXTRACT_GET_TPS, TEXTRACT_MAX_JOBS) from the account's Service Quotas.
 */
export function defaultTextractQuotas(region: string, features: OcrFeatureSet): TextractQuotas {
  if (!LARGE_QUOTA_REGIONS.has(region)) return { startTps: 1, getTps: 5, maxJobs: 100 };
  return { startTps: features === "text" ? 15 : 10, getTps: 10, maxJobs: 600 };
}

/** What the governor lets the pipeline use: the quotas less a safety margin. */
export type ThroughputBudget = TextractQuotas;

/**
 * The budget for `quotas` with `margin` (0–0.5) held back. The margin covers what pacing cannot see: clocks of
 * concurrent Lambdas a few milliseconds apart, a late message whose call lands next to an on-time one, and
 * other callers in the account. Rates stay fractional (13.5 per second is a call every 74 ms); the job budget
 * is a whole number of at least one.
 */
export function budgetOf(quotas: TextractQuotas, margin: number): ThroughputBudget {
  if (!(margin >= 0 && margin <= 0.5)) throw new RangeError("the quota margin must be between 0 and 0.5");
  const keep = 1 - margin;
  return {
    startTps: quotas.startTps * keep,
    getTps: quotas.getTps * keep,
    maxJobs: Math.max(1, Math.floor(quotas.maxJobs * keep)),
  };
}
