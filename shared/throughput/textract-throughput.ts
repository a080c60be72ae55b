import type { StartDeferredError } from "./errors";

/**
 * What the pipeline's use cases ask of the throughput governor (shared/throughput/throughput-governor.ts):
 * `startOcr` admits each Start… call and reports how it went, `completeOcr` releases the job's slot and paces
 * its Get… calls, the sweeper reclaims what was lost. Every method is safe to repeat (redelivered messages).
 */
export interface TextractThroughput {
  /**
   * The same governor for the queued message being handled: a start that must wait parks this message
   * (ChangeMessageVisibility) until its turn instead of sleeping in the Lambda.
   */
  forMessage(message: QueuedMessage): TextractThroughput;
  /**
   * Resolves when the Start… call of job `jobKey` may go now (after a wait of at most about a second in the
   * handler). Otherwise throws StartDeferredError: the message has been parked until the job's turn (its
   * reservation) or until a job slot is handed to it, and is received again then.
   */
  admitStart(jobKey: string): Promise<void>;
  /** The Start… call returned a job: its slot is held until the job's completion releases it (or its lease ends). */
  startSucceeded(jobKey: string): Promise<void>;
  /**
   * The Start… call threw. A throttle (ThrottlingException, ProvisionedThroughputExceededException,
   * LimitExceededException) or a server error gives the deferral to throw: the job keeps its slot and is asked
   * again shortly, ahead of the queued work. Anything else gives the slot back and returns undefined.
   */
  startFailed(jobKey: string, err: unknown): Promise<StartDeferredError | undefined>;
  /**
   * The job ended (its completion is being handled) or will not start: its slot goes to the next document in
   * line. Idempotent: keyed by the job key, a second release finds nothing to release.
   */
  release(jobKey: string): Promise<void>;
  /** A job still running (the sweeper asked Textract): its slot's lease starts again. */
  renewLease(jobKey: string): Promise<void>;
  /** Whether job `jobKey` is waiting for Textract capacity (reserved or in line), so not stuck. */
  isQueued(jobKey: string): Promise<boolean>;
  /** Waits (in the handler, briefly) for the next Get… turn. */
  paceGet(): Promise<void>;
  /** A Get… call threw: true when it was a throttle or server error worth asking again (the pace is slowed). */
  getFailed(err: unknown): Promise<boolean>;
  /** Waits for a Start… turn without taking a job slot (repeating the start of a job that is running). */
  paceStart(): Promise<void>;
  /** Releases held slots whose lease ended (jobs whose completion never came). Returns how many. */
  reclaimExpired(): Promise<number>;
}

/** A message of the ingest queue, as the handler received it. */
export interface QueuedMessage {
  receiptHandle: string;
}
