/** When a failed queue message is tried again, and when it is given up on (dead-lettered). */
export interface RetryPolicy {
  /** Receives before a message is dead-lettered (SQS redrive policy's maxReceiveCount). */
  maxReceiveCount: number;
  /** Delay after the first failed receive; it doubles with each further failure. */
  baseDelayMs: number;
  /** No single delay grows beyond this. */
  maxDelayMs: number;
  /** Each delay is spread by ± this fraction, so messages that failed together do not retry together. */
  jitter: number;
}

/**
 * Long enough to outlive a restart of DynamoDB Local or a slow machine: about three and a half minutes of
 * retries (1, 2, 4, 8, 16 s, then 30 s apart) before a message is dead-lettered.
 */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxReceiveCount: 12,
  baseDelayMs: 1000,
  maxDelayMs: 30_000,
  jitter: 0.2,
};

/** The delay before the next receive of a message that has failed `receiveCount` times (≥ 1). */
export function retryDelayMs(receiveCount: number, policy: RetryPolicy, random = Math.random): number {
  const exponent = Math.max(0, receiveCount - 1);
  const capped = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** exponent);
  const spread = 1 + policy.jitter * (2 * random() - 1);
  return Math.max(0, Math.round(capped * spread));
}

/** How long a message that always fails is retried before it is dead-lettered, without jitter. */
export function retryWindowMs(policy: RetryPolicy): number {
  let total = 0;
  for (let n = 1; n < policy.maxReceiveCount; n++) total += retryDelayMs(n, { ...policy, jitter: 0 });
  return total;
}
