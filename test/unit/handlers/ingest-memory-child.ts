/**
 * Runs the ingest handler over one SQS batch of five large uploads, S3 mocked to stream generated bodies, and
 * prints what was recorded and the process's peak resident memory as one JSON line. Spawned by
 * ingest-memory.test.ts in its own Node process with a heap ceiling, so its memory is measured alone.
 */
import { Readable } from "node:stream";
import { GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { StartDocumentTextDetectionCommand, TextractClient } from "@aws-sdk/client-textract";
import { DynamoDBDocumentClient, GetCommand, PutCommand, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { createIngestHandler } from "../../../functions/ingest/handler";
import type { ChartRecord } from "../../../shared/domain/chart-record";
import { context, s3Notification, sqsEvent, testDeps } from "./fakes";
import { BATCH } from "./ingest-memory-batch";

/** Stops the process as a Lambda would once resident memory passes the ceiling (checked between chunks). */
const ceiling = Number(process.env.RSS_CEILING_BYTES);
const watchdog = setInterval(() => {
  if (process.memoryUsage.rss() > ceiling) {
    process.stdout.write(`${JSON.stringify({ outOfMemory: true, rss: process.memoryUsage.rss() })}\n`);
    process.exit(137);
  }
}, 5);

const s3 = mockClient(S3Client);
const ddb = mockClient(DynamoDBDocumentClient);
const textract = mockClient(TextractClient);
s3.on(GetObjectCommand).callsFake((input: { Key: string }) => {
  const upload = BATCH.find((u) => u.key === input.Key)!;
  return { Body: Readable.from(upload.body()) as never, ETag: `"${upload.key}"` };
});
ddb.on(GetCommand).resolves({});
ddb.on(TransactWriteCommand).resolves({});
ddb.on(PutCommand).resolves({});
textract.on(StartDocumentTextDetectionCommand).resolves({ JobId: "job-1" });

const handler = createIngestHandler(() => testDeps());
const result = await handler(sqsEvent(...BATCH.map((u) => s3Notification(u.key, u.key))), context);
clearInterval(watchdog);

const records = ddb
  .commandCalls(PutCommand)
  .map((call) => call.args[0].input.Item as unknown as ChartRecord)
  .map((r) => ({ key: r.source.key, status: r.status, reasonCode: r.statusReason }));
process.stdout.write(
  `${JSON.stringify({ result, records, peakRss: process.resourceUsage().maxRSS * 1024 })}\n`,
);
