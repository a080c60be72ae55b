/**
 * How the pipeline's queues and event sources are sized from the Textract budget. Plain functions (no CDK
 * imports), shared by the CDK app and the throughput bench, which simulates the same settings.
 */

/**
 * The ingest function's SQS maxConcurrency (and reserved concurrency). The throughput governor, not this,
 * paces Textract; ingest's concurrency decides how fast a burst is validated (an S3 read and a MuPDF
 * inspection per upload, a fraction of a second to seconds). Four invocations per Start… per second keep
 * validation well ahead of Textract, so a burst's backlog of unvalidated messages clears quickly: SQS gives a
 * parked message no priority over that backlog, and one delivered late misses its turn. SQS event sources
 * require maxConcurrency between 2 and 1000.
 */
export function ingestMaxConcurrency(tpsBudget: number): number {
  return Math.min(1000, Math.max(2, Math.ceil(4 * tpsBudget)));
}

/**
 * ocr-complete's SQS maxConcurrency: its reserved concurrency, but no more invocations than the Get… budget
 * serves per second. Each result page waits for its turn on that budget inside the handler, so with about
 * one invocation per Get… per second the waits stay around a second; more invocations would only wait
 * longer, while the notifications wait in the queue (unreceived, so not counted as receives).
 */
export function ocrCompleteMaxConcurrency(reserved: number, getTps: number): number {
  return Math.min(1000, Math.max(2, Math.min(reserved, Math.ceil(getTps))));
}

/**
 * The ingest queue's maxReceiveCount. Every receive counts, parked or not: a document is received about
 * twice by design (validate and reserve; start on its turn, or when woken with a job slot), once more per
 * throttled or failed Start… retry or busy gate, and once per hour it waits in line beyond the first (a park
 * lasts an hour; the wake normally comes first). 10 leaves room for those and for three or four genuine
 * failures (12 minutes apart, the visibility timeout) before the dead-letter queue.
 */
export const INGEST_MAX_RECEIVE_COUNT = 10;
