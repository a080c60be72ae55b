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
/** What a subclass declares once: its name, code, and how the failure policy and the logger treat it. */
export interface ErrorKind {
  readonly name: string;
  readonly code: string;
  readonly retryable: boolean;
  /** @default true */
  readonly loggable?: boolean;
}

export abstract class ChartbridgeError extends Error {
  readonly code: string;
  readonly retryable: boolean;
  readonly loggable: boolean;

  /** `message` defaults to the code: a message that is only the code is always safe to log. */
  constructor(kind: ErrorKind, message: string = kind.code, options?: { cause?: unknown }) {
    super(message, options);
    this.name = kind.name;
    this.code = kind.code;
    this.retryable = kind.retryable;
    this.loggable = kind.loggable ?? true;
  }
}

export function isChartbridgeError(err: unknown): err is ChartbridgeError {
  return err instanceof ChartbridgeError;
}
