import { DynamoDBServiceException } from "@aws-sdk/client-dynamodb";
import { describe, expect, it } from "vitest";
import { VersionConflictError } from "../../../shared/errors";
import { isRetryableError } from "../../../shared/pipeline/retryable-error";

const named = (name: string, extra: object = {}) => Object.assign(new Error("x"), { name }, extra);

describe("isRetryableError", () => {
  it.each([
    ["throttling", named("ThrottlingException")],
    ["DynamoDB throughput", named("ProvisionedThroughputExceededException")],
    ["Textract concurrent-job limit", named("LimitExceededException")],
    ["HTTP 429", named("SomethingNew", { $metadata: { httpStatusCode: 429 } })],
    ["HTTP 503", named("SomethingNew", { $metadata: { httpStatusCode: 503 } })],
    ["a server fault", named("InternalServerError", { $fault: "server" })],
    ["a retryable trait", named("SomethingNew", { $retryable: {} })],
    ["a timeout", named("TimeoutError")],
    ["a reset socket", Object.assign(new Error("socket hang up"), { code: "ECONNRESET" })],
    ["a DNS failure", Object.assign(new Error("getaddrinfo"), { code: "EAI_AGAIN" })],
    [
      "a network error as the cause",
      new Error("request failed", { cause: Object.assign(new Error("x"), { code: "ETIMEDOUT" }) }),
    ],
    ["a concurrent write", new VersionConflictError("doc_1", 2)],
    ["missing permissions", named("AccessDeniedException")],
    ["a disabled KMS key", named("KMSDisabledException")],
    ["a missing table", named("ResourceNotFoundException")],
  ])("retries %s", (_what, err) => {
    expect(isRetryableError(err)).toBe(true);
  });

  it.each([
    ["a bug in our code", new TypeError("Cannot read properties of undefined")],
    ["a stack overflow on a pathological document", new RangeError("Maximum call stack size exceeded")],
    [
      "an item too large for DynamoDB",
      new DynamoDBServiceException({
        name: "ValidationException",
        $fault: "client",
        $metadata: { httpStatusCode: 400 },
      }),
    ],
    [
      "an unknown Textract job",
      named("InvalidJobIdException", { $fault: "client", $metadata: { httpStatusCode: 400 } }),
    ],
    ["an aborted request", named("AbortError")],
    ["a thrown string", "boom"],
    ["nothing", undefined],
  ])("does not retry %s", (_what, err) => {
    expect(isRetryableError(err)).toBe(false);
  });
});
