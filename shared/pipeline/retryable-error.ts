import { isClockSkewError, isServerError, isThrottlingError, isTransientError } from "@smithy/core/retry";
import { VersionConflictError } from "../errors";

/**
 * Whether a failed pipeline step should be retried (the message goes back to the queue) rather than the
 * document being marked FAILED. Retried: what may succeed on a later attempt without anyone changing the
 * document: AWS throttling, timeouts, network errors, clock skew and 5xx (the SDK's own retry classifiers,
 * `@smithy/core/retry`), a concurrent writer winning the record (the retry re-reads it), and errors of the
 * environment rather than the document (permissions, credentials, KMS, a missing table or bucket): those
 * reach the dead-letter queue and its alarm, and a redrive after the fix completes the documents. Everything
 * else (our own code throwing on this document's OCR output, a response we cannot interpret, a request AWS
 * rejects as invalid for this document) fails the same way on every attempt.
 */
export function isRetryableError(err: unknown, depth = 0): boolean {
  if (typeof err !== "object" || err === null) return false;
  if (err instanceof VersionConflictError) return true;
  const e = err as SdkLikeError;
  const name = typeof e.name === "string" ? e.name : "";
  if (name === "AbortError") return false;
  if (isThrottlingError(e) || isTransientError(e) || isServerError(e) || isClockSkewError(e)) return true;
  if (e.$fault === "server") return true;
  if (ENVIRONMENT.has(name) || name.startsWith("KMS")) return true;
  return e.cause !== undefined && depth < 5 && isRetryableError(e.cause, depth + 1);
}

/** The shape the SDK classifiers read (an SdkError's name, $metadata, $retryable, code, cause). */
type SdkLikeError = Parameters<typeof isTransientError>[0] & { $fault?: unknown; cause?: unknown };

/** The deployment, not the document: fixed by an operator, then the dead-letter queue is redriven. */
const ENVIRONMENT = new Set([
  "AccessDenied",
  "AccessDeniedException",
  "CredentialsProviderError",
  "ExpiredToken",
  "ExpiredTokenException",
  "InvalidAccessKeyId",
  "InvalidClientTokenId",
  "InvalidSignatureException",
  "SignatureDoesNotMatch",
  "UnrecognizedClientException",
  "InvalidKMSKeyException",
  "ResourceNotFoundException",
  "NoSuchBucket",
]);
