/**
 * The one error vocabulary of chartbridge. Every error we raise on purpose extends this class and says:
 * - `code`: a stable machine-readable name (API clients, logs, metrics and tests match on it, never on text);
 * - `retryable`: whether the same step may succeed on a later attempt without anyone changing the input;
 * - its `message` is written by us and never contains caller input or PHI, so it may be logged and returned.
 * Errors of other origins (the AWS SDK, libraries) are classified by the failure policy instead.
 */
export abstract class ChartbridgeError extends Error {
  abstract readonly code: string;
  abstract readonly retryable: boolean;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

export function isChartbridgeError(err: unknown): err is ChartbridgeError {
  return err instanceof ChartbridgeError;
}
