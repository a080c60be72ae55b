import { VersionConflictError } from "../adapters/dynamodb/record-repository";

/**
 * Whether a failed pipeline step should be retried (the message goes back to the queue) rather than the
 * document being marked FAILED. Retried: what may succeed on a later attempt without anyone changing the
 * document: AWS throttling, timeouts, network errors and 5xx (the classes the SDK's own retry strategy
 * uses), a concurrent writer winning the record (the retry re-reads it), and errors of the environment rather
 * than the document (permissions, credentials, KMS, a missing table or bucket): those reach the dead-letter
 * queue and its alarm, and a redrive after the fix completes the documents. Everything else (our own code
 * throwing on this document's OCR output, a response we cannot interpret, a request AWS rejects as invalid
 * for this document) fails the same way on every attempt.
 */
export function isRetryableError(err: unknown, depth = 0): boolean {
  if (typeof err !== "object" || err === null) return false;
  const e = err as AwsLikeError;
  const name = e.name ?? "";
  if (err instanceof VersionConflictError) return true;
  if (name === "AbortError") return false;
  if (e.$retryable !== undefined || e.$fault === "server") return true;
  const status = e.$metadata?.httpStatusCode;
  if (status === 429 || (status !== undefined && status >= 500)) return true;
  if (THROTTLING.has(name) || TRANSIENT.has(name) || ENVIRONMENT.has(name) || name.startsWith("KMS"))
    return true;
  if (typeof e.code === "string" && NETWORK_CODES.has(e.code)) return true;
  return e.cause !== undefined && depth < 5 && isRetryableError(e.cause, depth + 1);
}

interface AwsLikeError {
  name?: string;
  code?: unknown;
  cause?: unknown;
  $retryable?: unknown;
  $fault?: unknown;
  $metadata?: { httpStatusCode?: number };
}

/** @smithy/service-error-classification's throttling codes. */
const THROTTLING = new Set([
  "BandwidthLimitExceeded",
  "EC2ThrottledException",
  "LimitExceededException",
  "PriorRequestNotComplete",
  "ProvisionedThroughputExceededException",
  "RequestLimitExceeded",
  "RequestThrottled",
  "RequestThrottledException",
  "SlowDown",
  "ThrottledException",
  "Throttling",
  "ThrottlingException",
  "TooManyRequestsException",
  "TransactionInProgressException",
]);

const TRANSIENT = new Set([
  "TimeoutError",
  "RequestTimeout",
  "RequestTimeoutException",
  "InternalServerError",
  "InternalFailure",
  "InternalError",
  "ServiceUnavailable",
  "ServiceUnavailableException",
  "RequestExpired",
  "RequestTimeTooSkewed",
]);

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

/** Node.js socket errors (@smithy/service-error-classification's timeout and network codes). */
const NETWORK_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
]);
