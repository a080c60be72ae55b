/**
 * Who retries what on the Textract client, through the SDK's real retry middleware (a fake HTTP handler
 * answers): with the throughput governor, a throttle comes straight back (the governor defers the call
 * keeping its place) while a 5xx is retried by the SDK; without it, the SDK's adaptive mode retries both.
 */
import { Readable } from "node:stream";
import { TextractClient } from "@aws-sdk/client-textract";
import { describe, expect, it } from "vitest";
import { TextractOcrEngine, textractRetries } from "../../../shared/adapters/textract/textract-ocr-engine";

type Answer = { status: number; type?: string; body?: object };

/** A Textract engine whose HTTP requests get `answers` in turn (AWS JSON 1.1), counting the requests. */
function engine(throttling: "governor" | "sdk", answers: Answer[]) {
  const requests: unknown[] = [];
  const requestHandler = {
    handle: async (request: unknown) => {
      requests.push(request);
      const answer = answers[Math.min(requests.length - 1, answers.length - 1)]!;
      const body = answer.type ? { __type: answer.type, message: "refused" } : (answer.body ?? {});
      return {
        response: {
          statusCode: answer.status,
          headers: {
            "content-type": "application/x-amz-json-1.1",
            ...(answer.type ? { "x-amzn-errortype": answer.type } : {}),
          },
          body: Readable.from([Buffer.from(JSON.stringify(body))]),
        },
      };
    },
  };
  const client = new TextractClient({
    region: "us-east-1",
    credentials: { accessKeyId: "a", secretAccessKey: "s" },
    requestHandler: requestHandler as never,
    ...textractRetries(throttling),
  });
  const ocr = new TextractOcrEngine({
    client,
    snsTopicArn: "arn:aws:sns:us-east-1:1:t",
    roleArn: "arn:aws:iam::1:role/r",
  });
  return {
    start: () => ocr.startJob({ documentId: "doc_1", bucket: "b", key: "k", features: "text" }),
    requests,
  };
}

describe("Textract client retries", () => {
  it("with the governor: hands a throttle back at once, without retrying it", async () => {
    const e = engine("governor", [
      { status: 400, type: "ThrottlingException" },
      { status: 200, body: { JobId: "j" } },
    ]);
    await expect(e.start()).rejects.toMatchObject({ name: "ThrottlingException" });
    expect(e.requests).toHaveLength(1);
  });

  it("with the governor: retries a server error (the SDK's standard mode)", async () => {
    const e = engine("governor", [
      { status: 500, type: "InternalServerError" },
      { status: 200, body: { JobId: "j" } },
    ]);
    await expect(e.start()).resolves.toEqual({ jobId: "j" });
    expect(e.requests).toHaveLength(2);
  });

  it("without the governor: the SDK retries throttles itself (adaptive mode)", async () => {
    const e = engine("sdk", [
      { status: 400, type: "ThrottlingException" },
      { status: 200, body: { JobId: "j" } },
    ]);
    await expect(e.start()).resolves.toEqual({ jobId: "j" });
    expect(e.requests).toHaveLength(2);
  });
});
