import { ChartbridgeError } from "../errors/chartbridge-error";

/**
 * Why a Start… call waits:
 * - `start-rate`: the Start… TPS budget is taken until its turn (a reservation);
 * - `job-slot`: every job slot is taken; it waits in line and is woken when a job ends;
 * - `retry`: Textract throttled or failed the call; it is asked again soon, keeping its slot.
 */
export type DeferralReason = "start-rate" | "job-slot" | "retry";

/**
 * The OCR start has to wait for Textract capacity. Not a failure: with a queued message (`parked`), the
 * message has already been made invisible until its turn and is reported back to SQS as not done, so it is
 * received again then; nothing about it is logged as an error. Without one (the sweeper), nothing was
 * reserved and the caller tries again later.
 */
export class StartDeferredError extends ChartbridgeError {
  constructor(
    readonly reason: DeferralReason,
    /** When to try again, from now. */
    readonly retryAfterMs: number,
    /** Whether the message was parked (made invisible) until then. */
    readonly parked: boolean,
  ) {
    super(
      { name: "StartDeferredError", code: "OCR_START_DEFERRED", retryable: true },
      `OCR start deferred (${reason})`,
    );
  }
}

export function isStartDeferred(err: unknown): err is StartDeferredError {
  return err instanceof StartDeferredError;
}

/** The governor's conditional writes kept losing to concurrent writers (bounded retries ran out). */
export class ThroughputContentionError extends ChartbridgeError {
  constructor() {
    super({ name: "ThroughputContentionError", code: "THROUGHPUT_CONTENTION", retryable: true });
  }
}
