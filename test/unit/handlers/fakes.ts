import { fakeSigner, listingOf } from "../../support/in-memory-batches";
import { InMemoryChangeFeed } from "../../support/in-memory-change-feed";
import { Readable } from "node:stream";
import { GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { TextractClient } from "@aws-sdk/client-textract";
import { DynamoDBDocumentClient, GetCommand, PutCommand, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import type { ChartRecord } from "../../../shared/domain/chart-record";
import { Logger } from "@aws-lambda-powertools/logger";
import type { Context } from "aws-lambda";
import { loadConfig } from "../../../shared/config";
import { createPipelineDeps, type LocalPipelineDeps } from "../../../local/runtime/pipeline-deps";
import type { OcrEngine } from "../../../shared/ocr/ocr-engine";
import type { SearchIndex } from "../../../shared/search/search-index";
import { FakePageImages, FakePageRanges, MRN_SYSTEM } from "../../support/api-harness";
import { InMemoryExportQueue, InMemoryExportStore } from "../../support/in-memory-exports";
import { InMemoryPatientDirectory } from "../../support/in-memory-patient-directory";
import {
  InMemoryAuditLog,
  InMemoryJobQueue,
  InMemoryJobStore,
  InMemoryObjectLinks,
} from "../../support/in-memory-ports";

export const context = {
  functionName: "test",
  awsRequestId: "req-1",
  getRemainingTimeInMillis: () => 60_000,
} as Context;

export function silentLogger(): Logger {
  return new Logger({ serviceName: "test", logLevel: "SILENT" });
}

/** Pipeline deps over mocked AWS clients (aws-sdk-client-mock intercepts every client instance). */
export function testDeps(overrides: { ocr?: OcrEngine; search?: SearchIndex } = {}): LocalPipelineDeps {
  const config = loadConfig({
    AWS_REGION: "us-east-1",
    TABLE_NAME: "records",
    RESULTS_BUCKET: "results",
    UPLOAD_BUCKET: "uploads",
    OCR_ENGINE: "textract",
    TEXTRACT_SNS_TOPIC_ARN: "arn:aws:sns:us-east-1:123456789012:textract",
    TEXTRACT_ROLE_ARN: "arn:aws:iam::123456789012:role/textract",
    SEARCH_ENGINE: "opensearch",
    SEARCH_ENDPOINT: "https://search.example.internal",
  });
  return { ...createPipelineDeps(config, silentLogger(), overrides), now: () => "2026-11-25T12:00:00.000Z" };
}

/** The api Lambda's deps: the pipeline's ports plus an in-memory audit trail (`audit.events`). */
export function testApiDeps(overrides: { search?: SearchIndex; audit?: InMemoryAuditLog } = {}) {
  return {
    ...testDeps(overrides),
    audit: overrides.audit ?? new InMemoryAuditLog(),
    storage: new InMemoryObjectLinks(),
    pageImages: new FakePageImages(),
    pageRanges: new FakePageRanges(),
    patients: new InMemoryPatientDirectory(),
    fhir: { mrnSystem: MRN_SYSTEM },
    exports: new InMemoryExportStore(),
    exportQueue: new InMemoryExportQueue(),
    jobs: new InMemoryJobStore(),
    jobQueue: new InMemoryJobQueue(),
    changes: new InMemoryChangeFeed(),
    signer: fakeSigner,
    listing: listingOf(() => []),
  };
}

export function s3Body(bytes: Uint8Array) {
  return Readable.from([Buffer.from(bytes)]) as never;
}

export function sqsEvent(...bodies: unknown[]) {
  return {
    Records: bodies.map((body, i) => ({
      messageId: `m${i + 1}`,
      receiptHandle: `r${i + 1}`,
      body: typeof body === "string" ? body : JSON.stringify(body),
      attributes: {} as never,
      messageAttributes: {},
      md5OfBody: "",
      eventSource: "aws:sqs",
      eventSourceARN: "arn:aws:sqs:us-east-1:123456789012:q",
      awsRegion: "us-east-1",
    })),
  };
}

export function s3Notification(key: string, etag = "abc123") {
  return {
    Records: [
      {
        eventName: "ObjectCreated:Put",
        s3: { bucket: { name: "uploads" }, object: { key, size: 10, eTag: etag } },
      },
    ],
  };
}

/** A valid 8×8 white PNG: passes intake validation. */
export const TINY_PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAgAAAAICAAAAADhZOFXAAAADklEQVR4nGP4DwUMlDEA98A/wbI0QbsAAAAASUVORK5CYII=",
  "base64",
);

export const RECORD_ID = "doc_0123456789abcdef0123456789abcdef";

/** A chart record as the table stores it (keys included), with overrides. */
export function recordItem(overrides: Record<string, unknown> = {}) {
  return {
    pk: `DOC#${RECORD_ID}`,
    sk: "RECORD",
    entity: "ChartRecord",
    id: RECORD_ID,
    sha256: "ab".repeat(32),
    source: { bucket: "uploads", key: "acme/b/chart.png", size: 100 },
    fields: {},
    diagnoses: [],
    medications: [],
    allergies: [],
    status: "OCR_PENDING",
    history: [],
    version: 2,
    createdAt: "2026-11-25T11:00:00.000Z",
    updatedAt: "2026-11-25T11:00:00.000Z",
    ...overrides,
  };
}

/**
 * aws-sdk-client-mock on the clients ingest calls; `reset()` (in a beforeEach) makes every upload a TINY_PNG
 * that reads, registers and saves. `putItems()` lists the records written, in order.
 */
export function mockIngestClients() {
  const s3 = mockClient(S3Client);
  const ddb = mockClient(DynamoDBDocumentClient);
  const textract = mockClient(TextractClient);
  const reset = () => {
    s3.reset();
    ddb.reset();
    textract.reset();
    ddb.on(GetCommand).resolves({});
    ddb.on(TransactWriteCommand).resolves({});
    ddb.on(PutCommand).resolves({});
    s3.on(GetObjectCommand).callsFake(() => ({ Body: s3Body(TINY_PNG), ETag: '"abc123"' }));
  };
  const putItems = () =>
    ddb.commandCalls(PutCommand).map((c) => c.args[0].input.Item as unknown as ChartRecord);
  return { s3, ddb, textract, reset, putItems };
}
