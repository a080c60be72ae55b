import { isClockSkewError, isServerError, isThrottlingError, isTransientError } from "@smithy/core/retry";
import type { ReasonCode } from "../domain/status";
import { isChartbridgeError } from "../errors";

/**
 * What a pipeline step does with an error it cannot handle itself. One policy for every step:
 * - `retry`: the error propagates, the message goes back to the queue (and, after its retries, to the
 *   dead-letter queue and its alarm). For what may succeed later without anyone changing the document:
 *   throttling, timeouts, network errors, clock skew and 5xx (the SDK's own classifiers, `@smithy/core/retry`),
 *   our errors that say `retryable` (a concurrent writer won the record), and errors of the deployment rather
 *   than the document (permissions, credentials, KMS keys, a missing table or bucket): an operator fixes
 *   those, then a redrive completes the documents.
 * - `reject-input`: the document itself is refused for good (REJECTED with a reason the vendor can act on).
 *   Only before OCR has started; later the record can no longer be REJECTED, so the step fails it instead.
 * - `fail-record`: anything else fails the same way on every attempt (our code throwing on this document's
 *   OCR output, a response we cannot interpret, a request AWS refuses for this document): FAILED with the
 *   step's reason code, instead of the message going round to the dead-letter queue.
 */
export type FailureDecision =
  | { action: "retry"; errorName: string }
  | { action: "fail-record"; status: "FAILED"; reasonCode: ReasonCode; errorName: string }
  | { action: "reject-input"; status: "REJECTED"; reasonCode: ReasonCode; errorName: string };

export type PipelineStep = "ocr-start" | "ocr-complete";

/** The FAILED reason each step records. */
const FAILED_REASON: Record<PipelineStep, ReasonCode> = {
  "ocr-start": "OCR_START_FAILED",
  "ocr-complete": "PROCESSING_ERROR",
};

type NamedDecision = "retry" | "fail-record" | { reject: ReasonCode };

/**
 * AWS errors (by name) the SDK's classifiers do not settle. The KMS errors are the deployment's, not the
 * document's: a key the function or Textract may not use fails every document alike until it is fixed.
 */
export const NAMED_AWS_ERRORS: Readonly<Record<string, NamedDecision>> = {
  // The deployment: permissions, credentials, keys, missing resources.
  AccessDenied: "retry",
  AccessDeniedException: "retry",
  CredentialsProviderError: "retry",
  ExpiredToken: "retry",
  ExpiredTokenException: "retry",
  InvalidAccessKeyId: "retry",
  InvalidClientTokenId: "retry",
  InvalidSignatureException: "retry",
  SignatureDoesNotMatch: "retry",
  UnrecognizedClientException: "retry",
  InvalidKMSKeyException: "retry",
  KMSAccessDeniedException: "retry",
  KMSDisabledException: "retry",
  KMSInvalidStateException: "retry",
  KMSNotFoundException: "retry",
  KMSOptInRequired: "retry",
  ResourceNotFoundException: "retry",
  NoSuchBucket: "retry",
  // The document: Textract refuses it whatever we do.
  UnsupportedDocumentException: { reject: "UNSUPPORTED_TYPE" },
  BadDocumentException: { reject: "UNREADABLE" },
  DocumentTooLargeException: { reject: "TOO_LARGE" },
  // Our request cannot succeed for this document (its object version is unreadable to Textract, an item
  // too large for DynamoDB, a job Textract no longer knows), or it was aborted on purpose.
  InvalidS3ObjectException: "fail-record",
  InvalidParameterException: "fail-record",
  InvalidJobIdException: "fail-record",
  ValidationException: "fail-record",
  AbortError: "fail-record",
};

/** Decides what `step` does with `err`. Pure. */
export function decideFailure(err: unknown, step: PipelineStep): FailureDecision {
  const errorName = err instanceof Error ? err.name : typeof err;
  const decision = classify(err, 0);
  if (decision === "retry") return { action: "retry", errorName };
  if (decision !== "fail-record" && step === "ocr-start") {
    return { action: "reject-input", status: "REJECTED", reasonCode: decision.reject, errorName };
  }
  return { action: "fail-record", status: "FAILED", reasonCode: FAILED_REASON[step], errorName };
}

function classify(err: unknown, depth: number): NamedDecision {
  if (typeof err !== "object" || err === null) return "fail-record";
  if (isChartbridgeError(err)) return err.retryable ? "retry" : "fail-record";
  const e = err as SdkLikeError;
  const named =
    typeof e.name === "string" && Object.hasOwn(NAMED_AWS_ERRORS, e.name)
      ? NAMED_AWS_ERRORS[e.name]
      : undefined;
  if (named !== undefined) return named;
  if (isThrottlingError(e) || isTransientError(e) || isServerError(e) || isClockSkewError(e)) return "retry";
  if (e.$fault === "server") return "retry";
  // Wrapped errors (a library's error around a socket error) are decided by what they wrap.
  return e.cause !== undefined && depth < 5 ? classify(e.cause, depth + 1) : "fail-record";
}

/** The shape the SDK classifiers read (an SdkError's name, $metadata, $retryable, code, cause). */
type SdkLikeError = Parameters<typeof isTransientError>[0] & { $fault?: unknown; cause?: unknown };
