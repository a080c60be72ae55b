import { DynamoDBServiceException } from "@aws-sdk/client-dynamodb";
import {
  AccessDeniedException,
  BadDocumentException,
  DocumentTooLargeException,
  InternalServerError,
  InvalidJobIdException,
  InvalidKMSKeyException,
  InvalidS3ObjectException,
  LimitExceededException,
  ProvisionedThroughputExceededException,
  ThrottlingException,
  UnsupportedDocumentException,
} from "@aws-sdk/client-textract";
import { describe, expect, it } from "vitest";
import { InvalidTransitionError } from "../../../shared/domain/status";
import { ObjectNotFoundError, VersionConflictError } from "../../../shared/errors";
import { UnsupportedDocumentError } from "../../../shared/adapters/local-ocr/render-pages";
import { decideFailure, type PipelineStep } from "../../../shared/pipeline/failure-policy";

const meta = { message: "x", $metadata: {} };
const named = (name: string, extra: object = {}) => Object.assign(new Error("x"), { name }, extra);

/** What each step does with each kind of error: [what, error, at OCR start, at OCR completion]. */
const TABLE: [string, unknown, string, string][] = [
  // Ours: our retryable flag decides.
  ["a concurrent write (ours, retryable)", new VersionConflictError("doc_1", 2), "retry", "retry"],
  [
    "an invalid transition (ours)",
    new InvalidTransitionError("RECEIVED", "EXTRACTED"),
    "FAILED OCR_START_FAILED",
    "FAILED PROCESSING_ERROR",
  ],
  [
    "a vanished object (ours)",
    new ObjectNotFoundError("b", "k"),
    "FAILED OCR_START_FAILED",
    "FAILED PROCESSING_ERROR",
  ],
  [
    "a document mupdf cannot open (ours)",
    new UnsupportedDocumentError("cannot open"),
    "FAILED OCR_START_FAILED",
    "FAILED PROCESSING_ERROR",
  ],
  // Throttling.
  ["Textract throttling", new ThrottlingException(meta), "retry", "retry"],
  ["Textract throughput", new ProvisionedThroughputExceededException(meta), "retry", "retry"],
  ["Textract concurrent-job limit", new LimitExceededException(meta), "retry", "retry"],
  ["DynamoDB throughput", named("ProvisionedThroughputExceededException"), "retry", "retry"],
  ["HTTP 429", named("SomethingNew", { $metadata: { httpStatusCode: 429 } }), "retry", "retry"],
  // 5xx.
  ["HTTP 503", named("SomethingNew", { $metadata: { httpStatusCode: 503 } }), "retry", "retry"],
  ["a Textract server fault", new InternalServerError(meta), "retry", "retry"],
  ["a retryable trait", named("SomethingNew", { $retryable: {} }), "retry", "retry"],
  // Network.
  ["a timeout", named("TimeoutError"), "retry", "retry"],
  ["a reset socket", Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }), "retry", "retry"],
  ["a DNS failure", Object.assign(new Error("getaddrinfo"), { code: "EAI_AGAIN" }), "retry", "retry"],
  [
    "a network error as the cause",
    new Error("request failed", { cause: Object.assign(new Error("x"), { code: "ETIMEDOUT" }) }),
    "retry",
    "retry",
  ],
  // KMS and other errors of the deployment: the same in every step.
  ["a KMS key Textract may not use", new InvalidKMSKeyException(meta), "retry", "retry"],
  ["a disabled KMS key", named("KMSDisabledException"), "retry", "retry"],
  ["missing permissions", new AccessDeniedException(meta), "retry", "retry"],
  ["S3 access denied", named("AccessDenied"), "retry", "retry"],
  ["a missing table", named("ResourceNotFoundException"), "retry", "retry"],
  // The document: rejected before OCR starts, failed once its record is past RECEIVED.
  [
    "a document Textract does not support",
    new UnsupportedDocumentException(meta),
    "REJECTED UNSUPPORTED_TYPE",
    "FAILED PROCESSING_ERROR",
  ],
  ["a damaged document", new BadDocumentException(meta), "REJECTED UNREADABLE", "FAILED PROCESSING_ERROR"],
  [
    "a document too large for Textract",
    new DocumentTooLargeException(meta),
    "REJECTED TOO_LARGE",
    "FAILED PROCESSING_ERROR",
  ],
  [
    "an object Textract cannot read",
    new InvalidS3ObjectException(meta),
    "FAILED OCR_START_FAILED",
    "FAILED PROCESSING_ERROR",
  ],
  [
    "an unknown Textract job",
    new InvalidJobIdException(meta),
    "FAILED OCR_START_FAILED",
    "FAILED PROCESSING_ERROR",
  ],
  [
    "an item too large for DynamoDB",
    new DynamoDBServiceException({
      name: "ValidationException",
      $fault: "client",
      $metadata: { httpStatusCode: 400 },
    }),
    "FAILED OCR_START_FAILED",
    "FAILED PROCESSING_ERROR",
  ],
  // Unknown: fails the same way on every attempt.
  [
    "a bug in our code",
    new TypeError("Cannot read properties of undefined"),
    "FAILED OCR_START_FAILED",
    "FAILED PROCESSING_ERROR",
  ],
  [
    "a stack overflow",
    new RangeError("Maximum call stack size exceeded"),
    "FAILED OCR_START_FAILED",
    "FAILED PROCESSING_ERROR",
  ],
  ["an aborted request", named("AbortError"), "FAILED OCR_START_FAILED", "FAILED PROCESSING_ERROR"],
  [
    "an error named like an Object method",
    named("toString"),
    "FAILED OCR_START_FAILED",
    "FAILED PROCESSING_ERROR",
  ],
  ["a thrown string", "boom", "FAILED OCR_START_FAILED", "FAILED PROCESSING_ERROR"],
  ["nothing", undefined, "FAILED OCR_START_FAILED", "FAILED PROCESSING_ERROR"],
];

function outcome(err: unknown, step: PipelineStep): string {
  const d = decideFailure(err, step);
  return d.action === "retry" ? "retry" : `${d.status} ${d.reasonCode}`;
}

describe("failure policy", () => {
  it.each(TABLE)("%s: at OCR start %s… and at OCR completion", (_what, err, atStart, atCompletion) => {
    expect([outcome(err, "ocr-start"), outcome(err, "ocr-complete")]).toEqual([atStart, atCompletion]);
  });

  it("names the error by its class, never by its message", () => {
    const d = decideFailure(new TypeError("Patient Maria Lopez"), "ocr-complete");
    expect(d.errorName).toBe("TypeError");
    expect(JSON.stringify(d)).not.toContain("Lopez");
  });
});
