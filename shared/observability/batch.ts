import type { Logger } from "../pipeline/ports";
import { isStartDeferred } from "../throughput/errors";
import { safeError } from "./logger";

/**
 * Wraps a per-record handler so a failure is logged (without PHI) before Powertools reports it as failed.
 * A deferral (an OCR start waiting for Textract capacity, its message parked until then) is reported as
 * failed too, so SQS keeps the message, but it is no failure: logged at debug, never as an error.
 */
export function loggedRecordHandler<R>(
  logger: Logger,
  what: string,
  handle: (record: R) => Promise<unknown>,
): (record: R) => Promise<unknown> {
  return async (record) => {
    try {
      return await handle(record);
    } catch (err) {
      if (isStartDeferred(err)) {
        logger.debug(`${what} deferred`, { reason: err.reason, retryAfterMs: Math.round(err.retryAfterMs) });
      } else logger.error(`${what} failed; the message will be retried`, safeError(err));
      throw err;
    }
  };
}
