import { Logger } from "@aws-lambda-powertools/logger";
import { isChartbridgeError } from "../errors";

/**
 * One logger per function. What may be logged: document ids, statuses, reason codes, counts, error names.
 * What may not: names, dates of birth, MRNs, OCR text, object keys (vendors put patient names in file names).
 */
export function createLogger(serviceName: string): Logger {
  return new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? serviceName });
}

/**
 * Error details safe to log. Our own errors (ChartbridgeError): the class name, the stable code and, when the
 * class says its message may be logged, the message. Anything else (SDK errors, library errors, TypeErrors
 * thrown on a document's content): the class name only, since their messages and payloads may quote input.
 */
export function safeError(err: unknown): { errorName: string; errorCode?: string; errorMessage?: string } {
  if (isChartbridgeError(err)) {
    return {
      errorName: err.name,
      errorCode: err.code,
      ...(err.loggable ? { errorMessage: err.message } : {}),
    };
  }
  return { errorName: err instanceof Error ? err.name : typeof err };
}
