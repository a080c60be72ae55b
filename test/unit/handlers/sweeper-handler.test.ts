import { listingOf } from "../../support/in-memory-batches";
import {
  GetDocumentTextDetectionCommand,
  StartDocumentTextDetectionCommand,
  TextractClient,
} from "@aws-sdk/client-textract";
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import type { Context } from "aws-lambda";
import { beforeEach, describe, expect, it } from "vitest";
import { createSweeperHandler } from "../../../functions/sweeper/handler";
import { createOcrPipelineDeps } from "../../../functions/wiring/ocr-pipeline-deps";
import { loadConfig, sweepSettings } from "../../../shared/config";
import type { ChartRecord } from "../../../shared/domain/chart-record";
import { context, RECORD_ID, recordItem, silentLogger } from "./fakes";

const ddb = mockClient(DynamoDBDocumentClient);
const textract = mockClient(TextractClient);

const config = loadConfig({
  TABLE_NAME: "records",
  RESULTS_BUCKET: "results",
  OCR_ENGINE: "textract",
  TEXTRACT_SNS_TOPIC_ARN: "arn:aws:sns:us-east-1:123456789012:textract",
  TEXTRACT_ROLE_ARN: "arn:aws:iam::123456789012:role/textract",
  SWEEP_STUCK_AFTER_MINUTES: "30",
  SWEEP_MAX_ATTEMPTS: "2",
});
const NOW = "2026-11-25T12:00:00.000Z";
const STALE = "2026-11-25T11:00:00.000Z";

/** A scheduled invocation with the function's whole timeout ahead. */
const invocation = { ...context, getRemainingTimeInMillis: () => 10 * 60_000 } as Context;

const handler = () =>
  createSweeperHandler(
    () => ({
      ...createOcrPipelineDeps(config, silentLogger()),
      now: () => NOW,
      listing: listingOf(() => []),
    }),
    () => sweepSettings(config),
  );

/** The stuck record the by-status index returns for `status` (keys only), and the table holds. */
function stuck(status: string, item: Record<string, unknown>) {
  ddb.on(QueryCommand).callsFake((input: { ExpressionAttributeValues: Record<string, string> }) =>
    input.ExpressionAttributeValues[":status"] === `STATUS#${status}`
      ? {
          Items: [
            {
              pk: `DOC#${RECORD_ID}`,
              sk: "RECORD",
              statusPk: `STATUS#${status}`,
              statusSk: `${STALE}#${RECORD_ID}`,
            },
          ],
        }
      : { Items: [] },
  );
  ddb.on(GetCommand).resolves({ Item: recordItem({ status, updatedAt: STALE, ...item }) });
}

const saved = () => ddb.commandCalls(PutCommand).map((c) => c.args[0].input.Item as unknown as ChartRecord);

describe("sweeper handler", () => {
  beforeEach(() => {
    ddb.reset();
    textract.reset();
    ddb.on(PutCommand).resolves({});
  });

  it("queries the sparse by-status index for records last written before the timeout", async () => {
    ddb.on(QueryCommand).resolves({ Items: [] });
    const report = await handler()({}, invocation);
    const queries = ddb.commandCalls(QueryCommand).map((c) => c.args[0].input);
    expect(
      queries.map((q) => q.ExpressionAttributeValues?.[":status"] ?? q.ExpressionAttributeValues?.[":pk"]),
    ).toEqual([
      "STATUS#RECEIVED",
      "STATUS#OCR_PENDING",
      "STATUS#EXTRACTED",
      // Then the open batches past their deadline, and the closed ones not yet completed.
      "BATCHES#OPEN",
      "BATCHES#UNFINISHED",
    ]);
    expect(queries[0]).toMatchObject({
      IndexName: "byStatus",
      ExpressionAttributeValues: { ":before": "2026-11-25T11:30:00.000Z" },
      Limit: 100,
    });
    expect(report).toMatchObject({ examined: 0, complete: true, batchesClosed: 0 });
  });

  it("re-polls the Textract job of a stuck OCR_PENDING record and counts the attempt", async () => {
    stuck("OCR_PENDING", {
      ocr: { engine: "textract", jobId: "job-7", jobKey: RECORD_ID, startedAt: STALE },
    });
    textract.on(GetDocumentTextDetectionCommand).resolves({ JobStatus: "IN_PROGRESS" });
    textract.on(StartDocumentTextDetectionCommand).resolves({ JobId: "job-7" });

    const report = await handler()({}, invocation);

    expect(report.actions.waiting).toBe(1);
    expect(textract.commandCalls(GetDocumentTextDetectionCommand)[0]!.args[0].input.JobId).toBe("job-7");
    // The start repeated under the job's own token: Textract answers with the same job.
    expect(
      textract.commandCalls(StartDocumentTextDetectionCommand)[0]!.args[0].input.ClientRequestToken,
    ).toBe(RECORD_ID);
    expect(saved()).toMatchObject([{ status: "OCR_PENDING", sweep: { status: "OCR_PENDING", attempts: 1 } }]);
    expect(ddb.commandCalls(PutCommand)[0]!.args[0].input.ConditionExpression).toBe("#v = :expected");
  });

  it("fails a record stuck in OCR_PENDING with OCR_TIMEOUT once its attempts are used", async () => {
    stuck("OCR_PENDING", {
      ocr: { engine: "textract", jobId: "job-7", jobKey: RECORD_ID, startedAt: STALE },
      sweep: { status: "OCR_PENDING", attempts: 2 },
    });

    await handler()({}, invocation);

    expect(textract.commandCalls(GetDocumentTextDetectionCommand)).toHaveLength(0);
    expect(saved()).toMatchObject([{ status: "FAILED", statusReason: "OCR_TIMEOUT" }]);
  });

  it("starts Textract for a record stuck in RECEIVED, with its job key as client request token", async () => {
    stuck("RECEIVED", { ocr: undefined });
    textract.on(StartDocumentTextDetectionCommand).resolves({ JobId: "job-9" });

    const report = await handler()({}, invocation);

    expect(report.actions.redriven).toBe(1);
    const start = textract.commandCalls(StartDocumentTextDetectionCommand)[0]!.args[0].input;
    expect(start).toMatchObject({ ClientRequestToken: RECORD_ID, JobTag: RECORD_ID });
    expect(saved().at(-1)).toMatchObject({ status: "OCR_PENDING", ocr: { jobId: "job-9" } });
  });

  it("takes up no record when the invocation is nearly out of time", async () => {
    stuck("EXTRACTED", {});
    const report = await handler()({}, { ...context, getRemainingTimeInMillis: () => 60_000 } as Context);
    expect(report).toMatchObject({ examined: 0, complete: false });
    expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
  });
});
