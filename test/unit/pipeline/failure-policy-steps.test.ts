import { GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import {
  InvalidKMSKeyException,
  StartDocumentTextDetectionCommand,
  TextractClient,
  UnsupportedDocumentException,
} from "@aws-sdk/client-textract";
import { DynamoDBDocumentClient, GetCommand, PutCommand, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { createIngestHandler } from "../../../functions/ingest/handler";
import type { ChartRecord } from "../../../shared/domain/chart-record";
import { context, s3Body, s3Notification, sqsEvent, testDeps, TINY_PNG } from "../handlers/fakes";

const s3 = mockClient(S3Client);
const ddb = mockClient(DynamoDBDocumentClient);
const textract = mockClient(TextractClient);

const putItems = () =>
  ddb.commandCalls(PutCommand).map((c) => c.args[0].input.Item as unknown as ChartRecord);

/** Ingest's OCR start follows the one failure policy (the table is in failure-policy.test.ts). */
describe("ingest: what happens when OCR cannot be started", () => {
  beforeEach(() => {
    s3.reset();
    ddb.reset();
    textract.reset();
    ddb.on(GetCommand).resolves({});
    ddb.on(TransactWriteCommand).resolves({});
    ddb.on(PutCommand).resolves({});
    s3.on(GetObjectCommand).callsFake(() => ({ Body: s3Body(TINY_PNG), ETag: '"abc123"' }));
  });
  const handler = () => createIngestHandler(() => testDeps());

  it("retries the message and keeps the record RECEIVED when Textract may not use the KMS key", async () => {
    textract
      .on(StartDocumentTextDetectionCommand)
      .rejects(new InvalidKMSKeyException({ message: "key", $metadata: {} }));
    const result = await handler()(sqsEvent(s3Notification("acme/b/a.png")), context);
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: "m1" }]);
    expect(putItems().every((r) => r.status !== "FAILED")).toBe(true);
  });

  it("rejects a document Textract does not support, with a reason the vendor can act on", async () => {
    textract
      .on(StartDocumentTextDetectionCommand)
      .rejects(new UnsupportedDocumentException({ message: "no", $metadata: {} }));
    const result = await handler()(sqsEvent(s3Notification("acme/b/a.png")), context);
    expect(result.batchItemFailures).toEqual([]);
    const saved = putItems().at(-1)!;
    expect(saved.status).toBe("REJECTED");
    expect(saved.statusReason).toBe("UNSUPPORTED_TYPE");
    expect(saved.history.at(-1)?.detail).toBe("UnsupportedDocumentException");
  });
});
