import { describe, expect, it } from "vitest";
import { parseOcrNotification } from "../../../shared/events/ocr-notification";

const completion = {
  JobId: "8f4a3b7c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a",
  Status: "SUCCEEDED",
  API: "StartDocumentTextDetection",
  JobTag: "doc_0123456789abcdef0123456789abcdef",
  Timestamp: 1714557600000,
  DocumentLocation: { S3ObjectName: "acme/batch-1/chart.pdf", S3Bucket: "chart-scans" },
};

function snsWrapped(message: unknown): string {
  return JSON.stringify({
    Type: "Notification",
    MessageId: "22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324",
    TopicArn: "arn:aws:sns:us-east-1:111122223333:textract-complete",
    Message: typeof message === "string" ? message : JSON.stringify(message),
    Timestamp: "2024-05-01T10:00:00.000Z",
    SignatureVersion: "1",
  });
}

describe("parseOcrNotification", () => {
  it("unwraps a Textract completion delivered through SNS", () => {
    expect(parseOcrNotification(snsWrapped(completion))).toEqual(completion);
  });

  it("accepts a raw Textract completion (raw message delivery)", () => {
    expect(parseOcrNotification(JSON.stringify(completion))).toEqual(completion);
  });

  it("accepts a FAILED job without a JobTag", () => {
    const { JobTag: _tag, ...noTag } = completion;
    const failed = { ...noTag, Status: "FAILED" };
    const parsed = parseOcrNotification(snsWrapped(failed));
    expect(parsed.Status).toBe("FAILED");
    expect(parsed.JobTag).toBeUndefined();
    expect(parsed.DocumentLocation).toEqual(completion.DocumentLocation);
  });

  it.each([
    ["a body that is not JSON", "nope"],
    ["an SNS envelope whose Message is not JSON", snsWrapped("not json at all")],
    ["an unknown Status", JSON.stringify({ ...completion, Status: "IN_PROGRESS" })],
    ["an empty JobId", JSON.stringify({ ...completion, JobId: "" })],
    ["a missing DocumentLocation", JSON.stringify({ ...completion, DocumentLocation: undefined })],
    ["a string Timestamp", snsWrapped({ ...completion, Timestamp: "1714557600000" })],
    ["an S3 upload event", JSON.stringify({ Records: [] })],
  ])("throws for %s", (_what, body) => {
    expect(() => parseOcrNotification(body)).toThrow();
  });
});
