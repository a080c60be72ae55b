/**
 * The records API's own errors and the one table that turns an error code into an HTTP answer. Messages are
 * fixed text naming the parameter and the rule it broke; they never repeat what the caller sent (paths and
 * parameters may carry patient names, MRNs or dates of birth).
 */
import { ChartbridgeError } from "../errors/chartbridge-error";

/** A request the API cannot answer as sent: `reason` names the parameter and why, never its value. */
export class BadRequestError extends ChartbridgeError {
  constructor(reason: string) {
    super({ name: "BadRequestError", code: "BAD_REQUEST", retryable: false }, reason);
  }
}

export class NotFoundError extends ChartbridgeError {
  constructor(what: "record" | "route") {
    super(
      { name: "NotFoundError", code: "NOT_FOUND", retryable: false },
      what === "record" ? "no record with this id" : "no such route; use /health, /search or /records/{id}",
    );
  }
}

export class MethodNotAllowedError extends ChartbridgeError {
  constructor() {
    super(
      { name: "MethodNotAllowedError", code: "METHOD_NOT_ALLOWED", retryable: false },
      "only GET is supported",
    );
  }
}

/** Error code → HTTP status and the `error` name the body carries. Codes not listed answer 500. */
export const HTTP_ERRORS: Readonly<Record<string, { statusCode: number; error: string }>> = {
  BAD_REQUEST: { statusCode: 400, error: "BadRequest" },
  INVALID_CURSOR: { statusCode: 400, error: "BadRequest" },
  NOT_FOUND: { statusCode: 404, error: "NotFound" },
  METHOD_NOT_ALLOWED: { statusCode: 405, error: "MethodNotAllowed" },
};

export interface ErrorBody {
  error: string;
  message: string;
}

/** What a caller sees for anything else: nothing about the cause. */
export const INTERNAL_ERROR_BODY: ErrorBody = {
  error: "InternalError",
  message: "The request could not be completed",
};

/** The HTTP answer for one of our errors listed in HTTP_ERRORS, else undefined (answered as a 500). */
export function httpErrorFor(err: unknown): { statusCode: number; body: ErrorBody } | undefined {
  if (!(err instanceof ChartbridgeError) || !Object.hasOwn(HTTP_ERRORS, err.code)) return undefined;
  const { statusCode, error } = HTTP_ERRORS[err.code]!;
  return { statusCode, body: { error, message: err.message } };
}
