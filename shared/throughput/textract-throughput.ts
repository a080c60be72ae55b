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
   * Resolves `"start"` when the Start… call of job `jobKey` may go now (after a wait of at most about a second
   * in the handler). Otherwise throws StartDeferredError: the message has been parked until the job's turn (its
   * reservation) or until a job slot is handed to it, and is received again then. Resolves without admitting
   * when there is nothing for this delivery to start: `"ended"`, the job has already ended (its completion
   * was handled; this is a late duplicate), or `"duplicate"`, another message of the same upload holds the
   * document's place (reserved or in line) and will start it.
   */
  admitStart(jobKey: string): Promise<Admission>;
  /** The Start… call returned a job: its slot is held until the job's completion releases it (or its lease ends). */
  startSucceeded(jobKey: string): Promise<void>;
  /**
   * The Start… call threw. A throttle (ThrottlingException, ProvisionedThroughputExceededException,
   * LimitExceededException) or a server error gives the deferral to throw: the job keeps its slot and is asked
   * again shortly, ahead of the queued work. Anything else gives the slot back and returns undefined.
   */
  startFailed(jobKey: string, err: unknown): Promise<StartDeferredError | undefined>;
  /**
   * The job will not start now (it failed to, or it is restarted under a new key): its slot goes to the next
   * document in line. Idempotent: keyed by the job key, a second release finds nothing to release.
   */
  release(jobKey: string): Promise<void>;
  /**
   * The job ended (its completion is being handled, or it was given up): its slot goes to the next document
   * in line, and a late delivery of the same upload is told so (admitStart answers `"ended"`) instead of
   * taking a slot for a job that will never complete again. Idempotent.
   */
  jobEnded(jobKey: string): Promise<void>;
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

/** What admitStart decided: start now, or nothing to start (see admitStart). */
export type Admission = "start" | "ended" | "duplicate";

/** A message of the ingest queue, as the handler received it. */
export interface QueuedMessage {
  /** The same for every receive of one message; a duplicate delivery is another message. */
  messageId: string;
  /** This receive's handle (ChangeMessageVisibility). */
  receiptHandle: string;
}
