import {
  InvalidKMSKeyException,
  StartDocumentTextDetectionCommand,
  UnsupportedDocumentException,
} from "@aws-sdk/client-textract";
import { beforeEach, describe, expect, it } from "vitest";
import { createIngestHandler } from "../../../functions/ingest/handler";
import { context, s3Notification, sqsEvent, testDeps, mockIngestClients } from "../handlers/fakes";

const { textract, reset, putItems } = mockIngestClients();

/** Ingest's OCR start follows the one failure policy (the table is in failure-policy.test.ts). */
describe("ingest: what happens when OCR cannot be started", () => {
  beforeEach(() => {
    reset();
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
