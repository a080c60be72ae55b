import { Logger } from "@aws-lambda-powertools/logger";
import { isChartbridgeError } from "../errors";

/**
 * One logger per function. What may be logged: document ids, statuses, reason codes, counts, error names.
 * What may not: names, dates of birth, MRNs, OCR text, object keys (vendors put patient names in file names).
 */
export function createLogger(serviceName: string): Logger {
  return new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? serviceName });
}

/** Error details safe to log: the class name and our own message for errors we raise, never SDK payloads. */
export function safeError(err: unknown): { errorName: string; errorCode?: string; errorMessage?: string } {
  if (isChartbridgeError(err)) return { errorName: err.name, errorCode: err.code, errorMessage: err.message };
  // Not migrated to ChartbridgeError yet; their messages are ours and carry no input.
  if (err instanceof Error && ["InvalidTransitionError", "UnrecognizedEventError"].includes(err.name)) {
    return { errorName: err.name, errorMessage: err.message };
  }
  return { errorName: err instanceof Error ? err.name : typeof err };
}
