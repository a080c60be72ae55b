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
  constructor(what: "record" | "route" | "job" | "page" | "batch" | "resource") {
    super(
      { name: "NotFoundError", code: "NOT_FOUND", retryable: false },
      what === "route" ? "no such route; see /openapi.json" : `no ${what} with this id`,
    );
  }
}

export class MethodNotAllowedError extends ChartbridgeError {
  constructor() {
    super(
      { name: "MethodNotAllowedError", code: "METHOD_NOT_ALLOWED", retryable: false },
      "this route does not support this method",
    );
  }
}

/** No verified identity reached the API (API Gateway answers this itself in AWS; the handler checks again). */
export class UnauthorizedError extends ChartbridgeError {
  constructor() {
    super(
      { name: "UnauthorizedError", code: "UNAUTHORIZED", retryable: false },
      "a valid bearer token is required",
    );
  }
}

/** The caller is known but its roles or scopes do not grant what the route needs. */
export class ForbiddenError extends ChartbridgeError {
  constructor(reason = "your roles do not allow this request") {
    super({ name: "ForbiddenError", code: "FORBIDDEN", retryable: false }, reason);
  }
}

/** The caller asked for a representation the route cannot give (FHIR `_format=xml`, a large Binary as JSON). */
export class NotAcceptableError extends ChartbridgeError {
  constructor(reason: string) {
    super({ name: "NotAcceptableError", code: "NOT_ACCEPTABLE", retryable: false }, reason);
  }
}

/** `If-Match` names a version that is no longer the record's current one: re-read and correct again. */
export class PreconditionFailedError extends ChartbridgeError {
  constructor() {
    super(
      { name: "PreconditionFailedError", code: "PRECONDITION_FAILED", retryable: false },
      "the record has changed since the version in If-Match; read it again",
    );
  }
}

/** A required precondition header (If-Match) is missing. */
export class PreconditionRequiredError extends ChartbridgeError {
  constructor(header: "If-Match") {
    super(
      { name: "PreconditionRequiredError", code: "PRECONDITION_REQUIRED", retryable: false },
      `the ${header} header with the record version is required`,
    );
  }
}

/** Error code → HTTP status and the `error` name the body carries. Codes not listed answer 500. */
export const HTTP_ERRORS: Readonly<Record<string, { statusCode: number; error: string }>> = {
  BAD_REQUEST: { statusCode: 400, error: "BadRequest" },
  INVALID_CURSOR: { statusCode: 400, error: "BadRequest" },
  INVALID_CORRECTION: { statusCode: 400, error: "BadRequest" },
  NOT_CORRECTABLE: { statusCode: 409, error: "Conflict" },
  NOT_REPROCESSABLE: { statusCode: 409, error: "Conflict" },
  BATCH_CONFLICT: { statusCode: 409, error: "Conflict" },
  BATCH_CLOSED: { statusCode: 409, error: "Conflict" },
  TOO_MANY_RECORDS: { statusCode: 400, error: "BadRequest" },
  UNAUTHORIZED: { statusCode: 401, error: "Unauthorized" },
  FORBIDDEN: { statusCode: 403, error: "Forbidden" },
  NOT_FOUND: { statusCode: 404, error: "NotFound" },
  METHOD_NOT_ALLOWED: { statusCode: 405, error: "MethodNotAllowed" },
  NOT_ACCEPTABLE: { statusCode: 406, error: "NotAcceptable" },
  PRECONDITION_FAILED: { statusCode: 412, error: "PreconditionFailed" },
  PRECONDITION_REQUIRED: { statusCode: 428, error: "PreconditionRequired" },
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
