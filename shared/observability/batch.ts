import type { Logger } from "../pipeline/ports";
import { safeError } from "./logger";

/** Wraps a per-record handler so a failure is logged (without PHI) before Powertools reports it as failed. */
export function loggedRecordHandler<R>(
  logger: Logger,
  what: string,
  handle: (record: R) => Promise<unknown>,
): (record: R) => Promise<unknown> {
  return async (record) => {
    try {
      return await handle(record);
    } catch (err) {
      logger.error(`${what} failed; the message will be retried`, safeError(err));
      throw err;
    }
  };
}
