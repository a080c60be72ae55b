import type { OperationOutcome } from "@medplum/fhirtypes";

type IssueCode = NonNullable<OperationOutcome["issue"]>[number]["code"];

/** The FHIR issue code of an HTTP error status (FHIR's http guidance), `exception` for anything unlisted. */
const ISSUE_CODES: Record<number, IssueCode> = {
  400: "invalid",
  401: "login",
  403: "forbidden",
  404: "not-found",
  405: "not-supported",
  406: "not-supported",
  409: "conflict",
  410: "deleted",
  412: "conflict",
  422: "processing",
  428: "required",
  429: "throttled",
};

/**
 * An error answer as FHIR clients read it. The message is the API's own fixed text (it never repeats what the
 * caller sent), so it can go in `diagnostics` as it is.
 */
export function operationOutcome(statusCode: number, message: string): OperationOutcome {
  return {
    resourceType: "OperationOutcome",
    issue: [
      {
        severity: statusCode >= 500 ? "fatal" : "error",
        code: ISSUE_CODES[statusCode] ?? "exception",
        diagnostics: message,
      },
    ],
  };
}

/** An informational outcome (e.g. an empty `$export` status while the job runs). */
export function informational(message: string): OperationOutcome {
  return {
    resourceType: "OperationOutcome",
    issue: [{ severity: "information", code: "informational", diagnostics: message }],
  };
}
