import { ConditionalCheckFailedException, TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import { GetObjectCommand, NoSuchKey } from "@aws-sdk/client-s3";
import {
  StartDocumentTextDetectionCommand,
  ThrottlingException,
  InvalidS3ObjectException,
} from "@aws-sdk/client-textract";
import { GetCommand, PutCommand, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createIngestHandler } from "../../../functions/ingest/handler";
import { context, s3Body, s3Notification, sqsEvent, testDeps, TINY_PNG, mockIngestClients } from "./fakes";

const { s3, ddb, textract, reset, putItems } = mockIngestClients();

describe("ingest handler", () => {
  beforeEach(() => {
    reset();
    textract.on(StartDocumentTextDetectionCommand).resolves({ JobId: "job-1" });
  });
  afterEach(() => s3.reset());

  const handler = () => createIngestHandler(() => testDeps());

  it("registers a new upload and starts OCR with the document id as client request token", async () => {
    const result = await handler()(sqsEvent(s3Notification("acme/batch-7/chart 1.png")), context);
    expect(result).toEqual({ batchItemFailures: [] });
    const start = textract.commandCalls(StartDocumentTextDetectionCommand)[0]!.args[0].input;
    expect(start.DocumentLocation?.S3Object).toMatchObject({
      Bucket: "uploads",
      Name: "acme/batch-7/chart 1.png",
    });
    expect(start.ClientRequestToken).toMatch(/^doc_[0-9a-f]{32}$/);
    expect(start.JobTag).toBe(start.ClientRequestToken);
    const saved = putItems().at(-1)!;
    expect(saved.status).toBe("OCR_PENDING");
    expect(saved.ocr?.jobId).toBe("job-1");
    expect(saved.source).toMatchObject({ vendor: "acme", batch: "batch-7", key: "acme/batch-7/chart 1.png" });
  });

  it("reports the message as failed when the object is missing, and writes nothing", async () => {
    s3.on(GetObjectCommand).rejects(new NoSuchKey({ message: "gone", $metadata: {} }));
    const result = await handler()(sqsEvent(s3Notification("acme/b/missing.png")), context);
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: "m1" }]);
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it("keeps the record waiting for its OCR start and retries the message when Textract throttles", async () => {
    textract
      .on(StartDocumentTextDetectionCommand)
      .rejects(new ThrottlingException({ message: "slow down", $metadata: {} }));
    const result = await handler()(
      sqsEvent(s3Notification("acme/b/a.png"), s3Notification("acme/b/b.png", "def")),
      context,
    );
    expect(result.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(["m1", "m2"]);
    expect(putItems().every((r) => r.status !== "FAILED")).toBe(true);
    // Saved OCR_PENDING with the job key before the start; no job id, so the retried message starts it.
    expect(putItems().map((r) => [r.status, r.ocr?.jobId])).toEqual([
      ["OCR_PENDING", undefined],
      ["OCR_PENDING", undefined],
    ]);
  });

  it("marks the record FAILED when Textract refuses the document for good", async () => {
    textract
      .on(StartDocumentTextDetectionCommand)
      .rejects(new InvalidS3ObjectException({ message: "bad", $metadata: {} }));
    const result = await handler()(sqsEvent(s3Notification("acme/b/a.png")), context);
    expect(result.batchItemFailures).toEqual([]);
    const saved = putItems().at(-1)!;
    expect(saved.status).toBe("FAILED");
    expect(saved.statusReason).toBe("OCR_START_FAILED");
  });

  it("fails only the message whose record changed concurrently (conditional check failure)", async () => {
    ddb.on(PutCommand).rejects(new ConditionalCheckFailedException({ message: "changed", $metadata: {} }));
    const result = await handler()(sqsEvent(s3Notification("acme/b/a.png")), context);
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: "m1" }]);
  });

  it("records the same bytes under a new key as DUPLICATE of the original", async () => {
    ddb.on(TransactWriteCommand).rejects(
      new TransactionCanceledException({
        message: "cancelled",
        $metadata: {},
        CancellationReasons: [{ Code: "None" }, { Code: "ConditionalCheckFailed" }],
      }),
    );
    ddb
      .on(GetCommand)
      .callsFake((input: { Key: { sk: string } }) =>
        input.Key.sk === "CONTENT" ? { Item: { originalId: "doc_00000000000000000000000000000001" } } : {},
      );
    const result = await handler()(sqsEvent(s3Notification("acme/b/copy.png")), context);
    expect(result.batchItemFailures).toEqual([]);
    const saved = putItems().at(-1)!;
    expect(saved.status).toBe("DUPLICATE");
    expect(saved.duplicateOf).toBe("doc_00000000000000000000000000000001");
    expect(textract.commandCalls(StartDocumentTextDetectionCommand)).toHaveLength(0);
  });

  it("rejects an empty object with EMPTY_FILE and never starts OCR", async () => {
    s3.on(GetObjectCommand).resolves({ Body: s3Body(new Uint8Array()), ETag: '"e"' });
    await handler()(sqsEvent(s3Notification("acme/b/empty.pdf")), context);
    const saved = putItems().at(-1)!;
    expect(saved.status).toBe("REJECTED");
    expect(saved.statusReason).toBe("EMPTY_FILE");
    expect(textract.commandCalls(StartDocumentTextDetectionCommand)).toHaveLength(0);
  });

  it("does nothing for a re-delivered event whose record is past RECEIVED", async () => {
    ddb
      .on(GetCommand)
      .resolves({ Item: { pk: "x", sk: "RECORD", id: "doc_x", status: "OCR_PENDING", version: 2 } });
    const result = await handler()(sqsEvent(s3Notification("acme/b/a.png")), context);
    expect(result.batchItemFailures).toEqual([]);
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(0);
    expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
  });

  it("fails a message that is not an upload event, without failing the others", async () => {
    const result = await handler()(sqsEvent("not json", s3Notification("acme/b/a.png")), context);
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: "m1" }]);
  });

  it("takes in a batch one upload at a time and leaves no temporary files behind", async () => {
    const scratch = mkdtempSync(join(tmpdir(), "ingest-handler-test-"));
    const previous = process.env.TMPDIR;
    process.env.TMPDIR = scratch;
    try {
      let downloading = 0;
      let mostAtOnce = 0;
      s3.on(GetObjectCommand).callsFake(() => {
        mostAtOnce = Math.max(mostAtOnce, ++downloading);
        const chunks = async function* () {
          try {
            await sleep(20);
            yield Buffer.from(TINY_PNG);
          } finally {
            downloading--;
          }
        };
        return { Body: Readable.from(chunks()) as never, ETag: '"abc"' };
      });
      const result = await handler()(
        sqsEvent(
          s3Notification("acme/b/a.png"),
          s3Notification("acme/b/b.png"),
          s3Notification("acme/b/c.png"),
        ),
        context,
      );
      expect(result.batchItemFailures).toEqual([]);
      expect(s3.commandCalls(GetObjectCommand)).toHaveLength(3);
      expect(mostAtOnce).toBe(1);
      expect(readdirSync(scratch)).toEqual([]);
    } finally {
      if (previous === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = previous;
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});
