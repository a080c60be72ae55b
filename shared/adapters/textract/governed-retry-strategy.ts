import { StandardRetryStrategy } from "@smithy/core/retry";
import type { RetryErrorInfo, RetryStrategyV2, StandardRetryToken } from "@smithy/types";

/**
 * The SDK's standard retries (3 attempts, exponential backoff with jitter) for network errors, timeouts and
 * 5xx, and none for throttling, which the throughput governor owns. The adaptive mode the engine used before
 * (6 attempts) rate-limits each Lambda instance on its own, blind to the account-wide quota, and sleeps inside
 * the invocation for up to tens of seconds; with the governor, a throttled Start… is deferred keeping its job
 * slot and its place (its message parked a second or so) and a throttled Get… page is asked again at its
 * next paced turn, so every Lambda slows down together.
 */
export class GovernedRetryStrategy implements RetryStrategyV2 {
  private readonly standard = new StandardRetryStrategy(3);

  acquireInitialRetryToken(retryTokenScope: string): Promise<StandardRetryToken> {
    return this.standard.acquireInitialRetryToken(retryTokenScope);
  }

  async refreshRetryTokenForRetry(
    token: StandardRetryToken,
    errorInfo: RetryErrorInfo,
  ): Promise<StandardRetryToken> {
    // Refusing the token makes the SDK throw the throttling error itself to the caller.
    if (errorInfo.errorType === "THROTTLING")
      throw new Error("throttling is left to the throughput governor");
    return this.standard.refreshRetryTokenForRetry(token, errorInfo);
  }

  recordSuccess(token: StandardRetryToken): void {
    this.standard.recordSuccess(token);
  }
}
