import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { GetDocumentTextDetectionCommand, TextractClient } from "@aws-sdk/client-textract";
import { DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { createOcrCompleteHandler } from "../../../functions/ocr-complete/handler";
import type { ChartRecord } from "../../../shared/domain/chart-record";
import { context, RECORD_ID, recordItem, sqsEvent, testDeps } from "./fakes";

const s3 = mockClient(S3Client);
const ddb = mockClient(DynamoDBDocumentClient);
const textract = mockClient(TextractClient);

const ID = RECORD_ID;
const pending = recordItem({ ocr: { engine: "textract", jobId: "job-1", features: "text" } });

const notification = (status: string, jobId = "job-1") => ({
  Type: "Notification",
  Message: JSON.stringify({
    JobId: jobId,
    Status: status,
    API: "StartDocumentTextDetection",
    JobTag: ID,
    Timestamp: 1764072000000,
    DocumentLocation: { S3ObjectName: "acme/b/chart.png", S3Bucket: "uploads" },
  }),
});

function line(id: string, text: string, top: number, page = 1) {
  const words = text.split(" ").map((w, i) => ({
    Id: `${id}-w${i}`,
    BlockType: "WORD",
    Text: w,
    Confidence: 99,
    Page: page,
    Geometry: { BoundingBox: { Left: 0.1 + i * 0.1, Top: top, Width: 0.09, Height: 0.02 } },
  }));
  return [
    {
      Id: id,
      BlockType: "LINE",
      Text: text,
      Confidence: 99,
      Page: page,
      Geometry: { BoundingBox: { Left: 0.1, Top: top, Width: 0.6, Height: 0.02 } },
      Relationships: [{ Type: "CHILD", Ids: words.map((w) => w.Id) }],
    },
    ...words,
  ];
}

const saved = () => ddb.commandCalls(PutCommand).map((c) => c.args[0].input.Item as unknown as ChartRecord);

describe("ocr-complete handler", () => {
  beforeEach(() => {
    s3.reset();
    ddb.reset();
    textract.reset();
    ddb.on(GetCommand).resolves({ Item: pending });
    ddb.on(PutCommand).resolves({});
    s3.on(PutObjectCommand).resolves({});
  });

  const handler = () => createOcrCompleteHandler(() => testDeps());

  it("fetches every result page, keeps the raw JSON, and records the extracted fields", async () => {
    const page1 = [
      {
        Id: "p1",
        BlockType: "PAGE",
        Page: 1,
        Geometry: { BoundingBox: { Left: 0, Top: 0, Width: 1, Height: 1 } },
      },
      ...line("l1", "DISCHARGE SUMMARY", 0.05),
      ...line("l2", "Patient Name: Maria Lopez", 0.1),
    ];
    const page2 = [...line("l3", "DOB: 03/14/1962", 0.15), ...line("l4", "MRN: 00451287", 0.2)];
    textract
      .on(GetDocumentTextDetectionCommand, { JobId: "job-1", NextToken: undefined })
      .resolves({
        JobStatus: "SUCCEEDED",
        DocumentMetadata: { Pages: 1 },
        Blocks: page1 as never,
        NextToken: "t2",
      })
      .on(GetDocumentTextDetectionCommand, { JobId: "job-1", NextToken: "t2" })
      .resolves({ JobStatus: "SUCCEEDED", DocumentMetadata: { Pages: 1 }, Blocks: page2 as never });

    const result = await handler()(sqsEvent(notification("SUCCEEDED")), context);
    expect(result.batchItemFailures).toEqual([]);
    expect(textract.commandCalls(GetDocumentTextDetectionCommand)).toHaveLength(2);
    const raw = s3
      .commandCalls(PutObjectCommand)
      .find((c) => c.args[0].input.Key === `ocr/${ID}/textract.json`);
    expect(JSON.parse(raw!.args[0].input.Body as string).Blocks).toHaveLength(page1.length + page2.length);
    const record = saved().at(-1)!;
    expect(["EXTRACTED", "NEEDS_REVIEW"]).toContain(record.status);
    expect(record.fields.mrn?.value).toBe("00451287");
    expect(record.fields.dateOfBirth?.value).toBe("1962-03-14");
    expect(record.documentType).toBe("discharge_summary");
    expect(record.version).toBe(3);
    expect(ddb.commandCalls(PutCommand).at(-1)!.args[0].input.ConditionExpression).toBe("#v = :expected");
  });

  it("files a scanned stack of two patients as two records, part 1 keeping the upload's id", async () => {
    const pageBlock = (n: number) => ({
      Id: `p${n}`,
      BlockType: "PAGE",
      Page: n,
      Geometry: { BoundingBox: { Left: 0, Top: 0, Width: 1, Height: 1 } },
    });
    const blocks = [
      pageBlock(1),
      ...line("a1", "PROGRESS NOTE", 0.05, 1),
      ...line("a2", "Patient Name: Maria Lopez", 0.1, 1),
      ...line("a3", "DOB: 03/14/1962 MRN: 00451287", 0.14, 1),
      pageBlock(2),
      ...line("b1", "LABORATORY REPORT", 0.05, 2),
      ...line("b2", "Patient Name: Owen Becker", 0.1, 2),
      ...line("b3", "DOB: 07/02/1948 MRN: 00999123", 0.14, 2),
    ];
    textract
      .on(GetDocumentTextDetectionCommand)
      .resolves({ JobStatus: "SUCCEEDED", DocumentMetadata: { Pages: 2 }, Blocks: blocks as never });
    const result = await handler()(sqsEvent(notification("SUCCEEDED")), context);
    expect(result.batchItemFailures).toEqual([]);

    const puts = ddb.commandCalls(PutCommand).map((c) => c.args[0].input);
    const created = puts.find((p) => p.ConditionExpression === "attribute_not_exists(pk)")!
      .Item as unknown as ChartRecord;
    const upload = puts.find((p) => p.ConditionExpression === "#v = :expected")!
      .Item as unknown as ChartRecord;
    expect(upload.id).toBe(ID);
    expect(upload.fields.mrn?.value).toBe("00451287");
    expect(upload.split).toMatchObject({ part: 1, of: 2, pages: [1, 1], partIds: [ID, created.id] });
    expect(created.id).not.toBe(ID);
    expect(created.fields.mrn?.value).toBe("00999123");
    expect(created.fields.patientName?.value).toBe("Owen Becker");
    expect(created.documentType).toBe("lab_report");
    expect(created.split).toMatchObject({ fileRecordId: ID, part: 2, of: 2, pages: [2, 2] });
    expect(created.history.map((h) => h.to).slice(0, 2)).toEqual(["RECEIVED", "OCR_PENDING"]);
    // Part records are written before the upload's own record, so a crash in between is retried safely.
    expect(
      puts.indexOf(puts.find((p) => p.ConditionExpression === "attribute_not_exists(pk)")!),
    ).toBeLessThan(puts.indexOf(puts.find((p) => p.ConditionExpression === "#v = :expected")!));
    const texts = s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input.Key);
    expect(texts).toContain(`ocr/${created.id}/text.txt`);
  });

  it("marks the record FAILED with OCR_FAILED when the job failed", async () => {
    await handler()(sqsEvent(notification("FAILED")), context);
    const record = saved().at(-1)!;
    expect(record.status).toBe("FAILED");
    expect(record.statusReason).toBe("OCR_FAILED");
    expect(textract.commandCalls(GetDocumentTextDetectionCommand)).toHaveLength(0);
  });

  it("ignores a notification for another job or an already-processed record", async () => {
    await handler()(sqsEvent(notification("SUCCEEDED", "some-other-job")), context);
    ddb.on(GetCommand).resolves({ Item: { ...pending, status: "INDEXED" } });
    await handler()(sqsEvent(notification("SUCCEEDED")), context);
    expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
  });

  it("sends a record with no text at all to NEEDS_REVIEW with NO_TEXT_FOUND", async () => {
    textract
      .on(GetDocumentTextDetectionCommand)
      .resolves({ JobStatus: "SUCCEEDED", DocumentMetadata: { Pages: 1 }, Blocks: [] });
    await handler()(sqsEvent(notification("SUCCEEDED")), context);
    const record = saved().at(-1)!;
    expect(record.status).toBe("NEEDS_REVIEW");
    expect(record.statusReason).toBe("NO_TEXT_FOUND");
  });

  it("retries the message when results cannot be fetched yet", async () => {
    textract
      .on(GetDocumentTextDetectionCommand)
      .rejects(Object.assign(new Error("throttled"), { name: "ThrottlingException" }));
    const result = await handler()(sqsEvent(notification("SUCCEEDED")), context);
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: "m1" }]);
    expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
  });
});
