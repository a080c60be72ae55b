import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { GetDocumentTextDetectionCommand, TextractClient } from "@aws-sdk/client-textract";
import { DynamoDBServiceException } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createOcrCompleteHandler } from "../../../functions/ocr-complete/handler";
import type { ChartRecord } from "../../../shared/domain/chart-record";
import {
  OCR_COMPLETION_FAILED_MESSAGE,
  OCR_JOB_FAILED_MESSAGE,
} from "../../../shared/observability/log-messages";
import { context, RECORD_ID, recordItem, sqsEvent, testDeps } from "./fakes";

// Extraction is pure code over the OCR output: a bug there throws the same way on every delivery.
const extraction = vi.hoisted(() => ({ failWith: undefined as Error | undefined }));
vi.mock("../../../shared/extraction/extract-part", async (importOriginal) => {
  const original = await importOriginal<typeof import("../../../shared/extraction/extract-part")>();
  return {
    ...original,
    extractPart: (...args: Parameters<typeof original.extractPart>) => {
      if (extraction.failWith) throw extraction.failWith;
      return original.extractPart(...args);
    },
  };
});

const s3 = mockClient(S3Client);
const ddb = mockClient(DynamoDBDocumentClient);
const textract = mockClient(TextractClient);

const ID = RECORD_ID;
const PATIENT = "Maria Lopez";
const pending = recordItem({ ocr: { engine: "textract", jobId: "job-1", features: "text" } });

const notification = (status: string) => ({
  Type: "Notification",
  Message: JSON.stringify({
    JobId: "job-1",
    Status: status,
    API: "StartDocumentTextDetection",
    JobTag: ID,
    Timestamp: 1764072000000,
    DocumentLocation: { S3ObjectName: "acme/b/Lopez Maria chart.png", S3Bucket: "uploads" },
  }),
});

const blocks = [
  {
    Id: "p1",
    BlockType: "PAGE",
    Page: 1,
    Geometry: { BoundingBox: { Left: 0, Top: 0, Width: 1, Height: 1 } },
  },
  {
    Id: "l1",
    BlockType: "LINE",
    Text: `Patient Name: ${PATIENT}`,
    Confidence: 99,
    Page: 1,
    Geometry: { BoundingBox: { Left: 0.1, Top: 0.1, Width: 0.6, Height: 0.02 } },
  },
];

const saved = () => ddb.commandCalls(PutCommand).map((c) => c.args[0].input.Item as unknown as ChartRecord);

/** Every line the handler logs, parsed: Powertools writes one JSON object per line to stdout/stderr. */
function captureLogs() {
  const lines: Record<string, unknown>[] = [];
  for (const stream of [process.stdout, process.stderr]) {
    vi.spyOn(stream, "write").mockImplementation((chunk: unknown) => {
      for (const line of String(chunk).split("\n")) {
        if (line.startsWith("{")) lines.push(JSON.parse(line) as Record<string, unknown>);
      }
      return true;
    });
  }
  return lines;
}

describe("ocr-complete handler: failures", () => {
  let logs: Record<string, unknown>[];
  beforeEach(() => {
    s3.reset();
    ddb.reset();
    textract.reset();
    extraction.failWith = undefined;
    ddb.on(GetCommand).resolves({ Item: pending });
    ddb.on(PutCommand).resolves({});
    s3.on(PutObjectCommand).resolves({});
    textract
      .on(GetDocumentTextDetectionCommand)
      .resolves({ JobStatus: "SUCCEEDED", DocumentMetadata: { Pages: 1 }, Blocks: blocks as never });
    logs = captureLogs();
  });
  afterEach(() => vi.restoreAllMocks());

  // A logger that writes (LOG_LEVEL INFO), unlike testDeps' silent one, so the lines can be checked.
  const handler = () =>
    createOcrCompleteHandler(() => {
      const deps = testDeps();
      deps.logger.setLogLevel("INFO");
      return deps;
    });

  const noPhi = (line: Record<string, unknown>) => {
    const text = JSON.stringify(line);
    expect(text).not.toContain("Lopez");
    expect(text).not.toContain("Maria");
    expect(text).not.toContain("chart.png");
  };

  describe("a Textract job that ends FAILED", () => {
    it("logs a fixed WARN with the job and document ids when the notification says FAILED or ERROR", async () => {
      for (const status of ["FAILED", "ERROR"]) {
        logs.length = 0;
        const result = await handler()(sqsEvent(notification(status)), context);
        expect(result.batchItemFailures).toEqual([]);
        const warn = logs.find((l) => l.level === "WARN");
        expect(warn).toMatchObject({
          level: "WARN",
          message: OCR_JOB_FAILED_MESSAGE,
          documentId: ID,
          jobId: "job-1",
          jobStatus: status,
        });
        expect(warn).toHaveProperty("service");
        noPhi(warn!);
      }
      expect(saved().map((r) => [r.status, r.statusReason])).toEqual([
        ["FAILED", "OCR_FAILED"],
        ["FAILED", "OCR_FAILED"],
      ]);
    });

    it("logs the WARN when the results say FAILED, with a code-shaped status message only", async () => {
      textract
        .on(GetDocumentTextDetectionCommand)
        .resolvesOnce({ JobStatus: "FAILED", StatusMessage: "INTERNAL_ERROR" })
        .resolvesOnce({ JobStatus: "FAILED", StatusMessage: `Could not read page of ${PATIENT}` });
      await handler()(sqsEvent(notification("SUCCEEDED")), context);
      await handler()(sqsEvent(notification("SUCCEEDED")), context);
      const warns = logs.filter((l) => l.message === OCR_JOB_FAILED_MESSAGE);
      expect(warns.map((w) => w.statusMessageCode)).toEqual(["INTERNAL_ERROR", "OTHER"]);
      expect(warns.every((w) => w.level === "WARN" && w.jobStatus === "FAILED")).toBe(true);
      warns.forEach(noPhi);
      expect(saved().every((r) => r.status === "FAILED" && r.statusReason === "OCR_FAILED")).toBe(true);
    });

    it("logs no failure for a job that succeeded", async () => {
      await handler()(sqsEvent(notification("SUCCEEDED")), context);
      expect(logs.some((l) => l.message === "Extraction finished")).toBe(true);
      expect(logs.filter((l) => l.level === "WARN" || l.level === "ERROR")).toEqual([]);
    });
  });

  describe("a deterministic failure while completing a document", () => {
    it("marks the record FAILED with PROCESSING_ERROR when extraction throws, and does not retry", async () => {
      extraction.failWith = new TypeError(`Cannot read properties of undefined (reading '${PATIENT}')`);
      const result = await handler()(sqsEvent(notification("SUCCEEDED")), context);

      expect(result.batchItemFailures).toEqual([]);
      const record = saved().at(-1)!;
      expect(record.status).toBe("FAILED");
      expect(record.statusReason).toBe("PROCESSING_ERROR");
      expect(record.version).toBe(3);
      expect(record.history.at(-1)).toMatchObject({
        from: "OCR_PENDING",
        to: "FAILED",
        reasonCode: "PROCESSING_ERROR",
        detail: "step=extraction error=TypeError",
      });
      // The raw OCR output was kept, and the record points at it so the failure can be reproduced.
      expect(s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input.Key)).toEqual([
        `ocr/${ID}/textract.json`,
      ]);
      expect(record.ocr).toMatchObject({
        jobId: "job-1",
        resultBucket: "results",
        resultKey: `ocr/${ID}/textract.json`,
      });
      // Nothing else was written: no part records, no text.
      expect(saved()).toHaveLength(1);
      expect(ddb.commandCalls(PutCommand)[0]!.args[0].input.ConditionExpression).toBe("#v = :expected");

      const error = logs.find((l) => l.level === "ERROR");
      expect(error).toMatchObject({
        message: OCR_COMPLETION_FAILED_MESSAGE,
        documentId: ID,
        jobId: "job-1",
        step: "extraction",
        errorName: "TypeError",
      });
      logs.forEach(noPhi);
    });

    it("marks the record FAILED when AWS rejects a write for this document (not a transient error)", async () => {
      ddb
        .on(PutCommand)
        .rejectsOnce(
          new DynamoDBServiceException({
            name: "ValidationException",
            $fault: "client",
            $metadata: { httpStatusCode: 400 },
            message: "Item size has exceeded the maximum allowed size",
          }),
        )
        .resolves({});
      const result = await handler()(sqsEvent(notification("SUCCEEDED")), context);
      expect(result.batchItemFailures).toEqual([]);
      const record = saved().at(-1)!;
      expect(record).toMatchObject({ status: "FAILED", statusReason: "PROCESSING_ERROR" });
      expect(record.history.at(-1)!.detail).toBe("step=save error=ValidationException");
    });

    it.each([
      [
        "throttling",
        Object.assign(new Error("Rate exceeded"), { name: "ProvisionedThroughputExceededException" }),
      ],
      [
        "an AWS 5xx",
        Object.assign(new Error("x"), {
          name: "InternalServerError",
          $fault: "server",
          $metadata: { httpStatusCode: 500 },
        }),
      ],
      ["a network error", Object.assign(new Error("socket hang up"), { code: "ECONNRESET" })],
      [
        "missing permissions",
        Object.assign(new Error("denied"), {
          name: "AccessDeniedException",
          $metadata: { httpStatusCode: 400 },
        }),
      ],
    ])("retries the message and leaves the record OCR_PENDING on %s", async (_what, err) => {
      textract.on(GetDocumentTextDetectionCommand).rejects(err);
      const result = await handler()(sqsEvent(notification("SUCCEEDED")), context);
      expect(result.batchItemFailures).toEqual([{ itemIdentifier: "m1" }]);
      expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
    });

    it("retries when the raw result cannot be stored yet (S3 5xx)", async () => {
      s3.on(PutObjectCommand).rejects(
        Object.assign(new Error("We encountered an internal error."), {
          name: "InternalError",
          $fault: "server",
        }),
      );
      const result = await handler()(sqsEvent(notification("SUCCEEDED")), context);
      expect(result.batchItemFailures).toEqual([{ itemIdentifier: "m1" }]);
      expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
    });

    it("retries when it cannot even record the failure", async () => {
      extraction.failWith = new RangeError("boom");
      ddb.on(PutCommand).rejects(Object.assign(new Error("slow down"), { name: "ThrottlingException" }));
      const result = await handler()(sqsEvent(notification("SUCCEEDED")), context);
      expect(result.batchItemFailures).toEqual([{ itemIdentifier: "m1" }]);
    });
  });
});
