/**
 * The one error vocabulary of chartbridge. Every error we raise on purpose extends this class and says:
 * - `name`: the class name, written out, because minified Lambda bundles rename classes;
 * - `code`: a stable machine-readable name (API clients, logs, metrics and tests match on it, never on text);
 * - `retryable`: whether the same step may succeed on a later attempt without anyone changing the input;
 * - `loggable`: whether `message` may be logged. Messages are written by us and never contain caller input
 *   or PHI, so this is true unless a subclass says otherwise; safeError then logs the name and code only.
 * What may vary per occurrence (an id, a library's own text) goes in fields or `cause`, which are never
 * logged or returned. Errors of other origins (the AWS SDK, libraries) are classified by the failure policy.
 */
export abstract class ChartbridgeError extends Error {
  abstract override readonly name: string;
  abstract readonly code: string;
  abstract readonly retryable: boolean;
  readonly loggable: boolean = true;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export function isChartbridgeError(err: unknown): err is ChartbridgeError {
  return err instanceof ChartbridgeError;
}
