/**
 * Fixed log messages that operations alarms match on (infra/constructs/operations-monitoring.ts builds metric
 * filters from them): change one here and the filter follows.
 */

/** Logged (WARN) for every Textract job that ends FAILED or ERROR; counted by the OCR failure-rate alarm. */
export const OCR_JOB_FAILED_MESSAGE = "Textract job failed";

/** Logged (ERROR) when a document's completion fails for good and its record is marked FAILED. */
export const OCR_COMPLETION_FAILED_MESSAGE = "OCR completion failed; record marked FAILED";
