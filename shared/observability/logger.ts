import { Logger } from "@aws-lambda-powertools/logger";

/**
 * One logger per function. What may be logged: document ids, statuses, reason codes, counts, error names.
 * What may not: names, dates of birth, MRNs, OCR text, object keys (vendors put patient names in file names).
 */
export function createLogger(serviceName: string): Logger {
  return new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? serviceName });
}

/** Error details safe to log: the class name and our own message for errors we raise, never SDK payloads. */
export function safeError(err: unknown): { errorName: string; errorMessage?: string } {
  if (err instanceof Error) {
    const ours = [
      "VersionConflictError",
      "InvalidTransitionError",
      "ObjectNotFoundError",
      "UnrecognizedEventError",
    ];
    return ours.includes(err.name)
      ? { errorName: err.name, errorMessage: err.message }
      : { errorName: err.name };
  }
  return { errorName: typeof err };
}
