import { randomUUID } from "node:crypto";
import { mkdirSync } from "node:fs";
import type { Server } from "node:http";
import { join, resolve } from "node:path";
import { Logger } from "@aws-lambda-powertools/logger";
import type { LogLevel } from "@aws-lambda-powertools/logger/types";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { S3Client } from "@aws-sdk/client-s3";
import type { SQSEvent } from "aws-lambda";
import { createDocumentClient, createDynamoDbClient } from "../../shared/adapters/dynamodb/dynamodb-client";
import { EmbeddedSearchIndex } from "../../shared/adapters/embedded-search/embedded-search-index";
import { LocalOcrEngine } from "../../shared/adapters/local-ocr/local-ocr";
import { TesseractPool } from "../../shared/adapters/local-ocr/tesseract-pool";
import { RecordRepository } from "../../shared/adapters/dynamodb/record-repository";
import { createS3Client } from "../../shared/adapters/s3/s3-client";
import { loadConfig, type Config } from "../../shared/config";
import type { ChartRecord } from "../../shared/domain/chart-record";
import type { OcrCompletionNotification } from "../../shared/ocr/ocr-engine";
import { createPipelineDeps, type LocalPipelineDeps } from "./pipeline-deps";
import { indexRecordChange } from "../../shared/pipeline/index-record";
import { toSearchDocument } from "../../shared/search/to-search-document";
import { createApiHandler } from "../../functions/api/handler";
import { createIndexRecordsHandler } from "../../functions/index-records/handler";
import { createIngestHandler } from "../../functions/ingest/handler";
import { createOcrCompleteHandler } from "../../functions/ocr-complete/handler";
import {
  ensureRecordsTable,
  startDynamoDbLocal,
  waitForDynamoDb,
  type DynamoDbLocal,
} from "../services/dynamodb-local";
import { encodeKeyLikeS3, ensureBuckets, startS3Local, type S3Local } from "../services/s3-local";
import { startHttpApi } from "./http-api";
import { lambdaContext } from "./lambda-context";
import { LocalQueue } from "./local-queue";
import { freePort } from "./ports";
import { removeRuntimeInfo, writeRuntimeInfo } from "./runtime-file";
import { createStreamsClient, StreamPoller } from "./stream-poller";

export interface LocalStackOptions {
  /** Where DynamoDB Local, the local S3 and the search index persist. Default `.chartbridge`. */
  dataDir?: string;
  /** HTTP API port (default 4000; 0 = any free port). DynamoDB Local and the local S3 take the next two. */
  apiPort?: number;
  ocrWorkers?: number;
  logLevel?: LogLevel;
  /** Keep DynamoDB in memory (tests). */
  inMemoryDb?: boolean;
}

/**
 * The whole pipeline on one machine, wired the way AWS wires it: the local S3 plays S3 (object-created events →
 * an SQS-like queue → `ingest`), the local OCR engine plays Textract (completion → SNS-shaped message →
 * queue → `ocr-complete`), DynamoDB Local's stream is read through the Streams API (→ `index-records`), and
 * a loopback HTTP server plays API Gateway (→ `api`). The handlers are the same ones Lambda runs.
 */
export class LocalStack {
  readonly config: Config;
  readonly deps: LocalPipelineDeps;
  readonly records: RecordRepository;
  readonly s3: S3Client;
  readonly ingestQueue: LocalQueue;
  readonly ocrQueue: LocalQueue;
  readonly apiUrl: string;
  /** True when this start created the records table: a first start with an empty store. */
  tableCreated = false;
  private poller?: StreamPoller;
  private server?: Server;
  private stopping?: Promise<void>;

  private constructor(
    readonly dataDir: string,
    private readonly dynamo: DynamoDbLocal,
    private readonly s3Local: S3Local,
    private readonly dynamoClient: DynamoDBClient,
    private readonly ocrPool: TesseractPool,
    readonly search: EmbeddedSearchIndex,
    readonly ocr: LocalOcrEngine,
    config: Config,
    private readonly apiPort: number,
    readonly logger: Logger,
  ) {
    this.config = config;
    this.records = new RecordRepository(createDocumentClient(dynamoClient), config.TABLE_NAME);
    this.s3 = createS3Client(config);
    this.deps = createPipelineDeps(config, logger, { ocr, search });
    this.apiUrl = `http://127.0.0.1:${apiPort}`;

    const ingest = createIngestHandler(() => this.deps);
    const ocrComplete = createOcrCompleteHandler(() => this.deps);
    const onDeadLetter = (queue: string) => (m: { id: string; receiveCount: number }) =>
      logger.error("Message moved to dead-letter queue", {
        queue,
        messageId: m.id,
        receiveCount: m.receiveCount,
      });
    this.ingestQueue = new LocalQueue(
      "chartbridge-ingest",
      (event: SQSEvent) => ingest(event, lambdaContext("chartbridge-ingest")),
      { batchSize: 5, maxReceiveCount: 3, retryDelayMs: 1000, onDeadLetter: onDeadLetter("ingest") },
    );
    this.ocrQueue = new LocalQueue(
      "chartbridge-ocr-complete",
      (event: SQSEvent) => ocrComplete(event, lambdaContext("chartbridge-ocr-complete")),
      { batchSize: 5, maxReceiveCount: 3, retryDelayMs: 1000, onDeadLetter: onDeadLetter("ocr-complete") },
    );
  }

  static async start(options: LocalStackOptions = {}): Promise<LocalStack> {
    const dataDir = resolve(options.dataDir ?? ".chartbridge");
    mkdirSync(dataDir, { recursive: true });
    const apiPort = options.apiPort ?? 4000;
    const [dynamoPort, s3Port] =
      apiPort === 0 ? [await freePort(), await freePort()] : [apiPort + 1, apiPort + 2];
    const actualApiPort = apiPort === 0 ? await freePort() : apiPort;
    const logger = new Logger({ serviceName: "chartbridge-local", logLevel: options.logLevel ?? "WARN" });

    const dynamo = await startDynamoDbLocal({
      port: dynamoPort,
      dataDir: options.inMemoryDb ? undefined : join(dataDir, "dynamodb"),
    });
    const cleanup: (() => Promise<void>)[] = [() => dynamo.stop()];
    const killJavaOnExit = () => dynamo.process.kill("SIGKILL");
    process.once("exit", killJavaOnExit);
    try {
      const s3Local = await startS3Local({ directory: join(dataDir, "s3"), port: s3Port });
      cleanup.push(() => s3Local.stop());
      const config = loadConfig({
        ...process.env,
        AWS_REGION: "us-east-1",
        DYNAMODB_ENDPOINT: dynamo.endpoint,
        S3_ENDPOINT: s3Local.endpoint,
        OCR_ENGINE: "local",
        OCR_FEATURES: "text",
        SEARCH_ENGINE: "embedded",
      });
      const dynamoClient = createDynamoDbClient(config);
      await waitForDynamoDb(dynamoClient, dynamo.process);
      const s3 = createS3Client(config);
      await ensureBuckets(s3, [config.UPLOAD_BUCKET, config.RESULTS_BUCKET]);
      const { streamArn, created: tableCreated } = await ensureRecordsTable(dynamoClient, config.TABLE_NAME);

      const search = await EmbeddedSearchIndex.open({ file: join(dataDir, "search-index.json") });
      const ocrPool = new TesseractPool({ size: options.ocrWorkers });
      // The engine and the stack refer to each other: the engine reads uploads and publishes completions.
      const late: { stack?: LocalStack } = {};
      const ocr = new LocalOcrEngine({
        readObject: (bucket, key, versionId) => late.stack!.deps.objects.getBytes(bucket, key, versionId),
        onComplete: (notification) => late.stack!.publishOcrCompletion(notification),
        pool: ocrPool,
        // Class name only: a handler's error message could quote record contents.
        onError: (err, jobId) =>
          logger.error("Local OCR job failed after recognition", { jobId, errorName: (err as Error)?.name }),
      });
      const stack = new LocalStack(
        dataDir,
        dynamo,
        s3Local,
        dynamoClient,
        ocrPool,
        search,
        ocr,
        config,
        actualApiPort,
        logger,
      );
      late.stack = stack;
      stack.tableCreated = tableCreated;
      cleanup.length = 0;
      process.removeListener("exit", killJavaOnExit);
      stack.exitHook = killJavaOnExit;
      process.once("exit", killJavaOnExit);
      await stack.wire(streamArn, tableCreated);
      return stack;
    } catch (err) {
      for (const fn of cleanup.reverse()) await fn().catch(() => undefined);
      process.removeListener("exit", killJavaOnExit);
      throw err;
    }
  }

  private exitHook?: () => void;

  /** The DynamoDB Local Java process (it must not outlive the stack). */
  get dynamoDbPid(): number | undefined {
    return this.dynamo.process.pid;
  }

  private async wire(streamArn: string, freshTable: boolean): Promise<void> {
    // S3 object-created → ingest queue (only for the upload bucket, as the EventBridge rule filters).
    this.s3Local.server.on("event", (event) => {
      for (const record of event.Records) {
        if (!record.eventName.startsWith("ObjectCreated")) continue;
        if (record.s3.bucket.name !== this.config.UPLOAD_BUCKET) continue;
        this.ingestQueue.send(JSON.stringify({ Records: [record] }));
      }
    });

    await this.reconcile();

    const indexRecords = createIndexRecordsHandler(() => this.deps);
    this.poller = new StreamPoller(createStreamsClient(this.dynamo.endpoint, this.config.AWS_REGION), {
      streamArn,
      handler: (event) => indexRecords(event, lambdaContext("chartbridge-index-records")),
      startAt: freshTable ? "TRIM_HORIZON" : "LATEST",
      onRecordDropped: (seq) =>
        this.logger.error("Stream record skipped after retries", { sequenceNumber: seq }),
    });
    await this.poller.start();

    const api = createApiHandler(() => this.deps);
    this.server = await startHttpApi((event) => api(event, lambdaContext("chartbridge-api")), this.apiPort);
    writeRuntimeInfo(this.dataDir, {
      pid: process.pid,
      apiUrl: this.apiUrl,
      s3Endpoint: this.s3Local.endpoint,
      dynamoDbEndpoint: this.dynamo.endpoint,
      uploadBucket: this.config.UPLOAD_BUCKET,
      tableName: this.config.TABLE_NAME,
      startedAt: new Date().toISOString(),
    });
  }

  /**
   * After a restart, finish what the last run left unfinished: uploads never registered are re-delivered,
   * OCR jobs lost with the process are restarted, extracted records are indexed, and a missing or corrupt
   * search index is rebuilt from the records table.
   */
  private async reconcile(): Promise<void> {
    const rebuild = this.search.snapshotState !== "loaded";
    const docs = [];
    for await (const record of this.records.scanAll()) {
      if (record.status === "RECEIVED") this.ingestQueue.send(JSON.stringify(syntheticS3Event(record)));
      else if (record.status === "OCR_PENDING") await this.restartOcr(record);
      else if (record.status === "EXTRACTED") await indexRecordChange({ kind: "upsert", record }, this.deps);
      if (rebuild) docs.push(toSearchDocument(record, await this.textOf(record)));
    }
    if (rebuild) await this.search.rebuild(docs);
  }

  private async restartOcr(record: ChartRecord): Promise<void> {
    const { bucket, key, versionId } = record.source;
    await this.ocr.startJob({ documentId: record.id, bucket, key, versionId, features: "text" });
  }

  private async textOf(record: ChartRecord): Promise<string> {
    if (!record.ocr?.textKey || !record.ocr.resultBucket) return "";
    return this.deps.objects.getText(record.ocr.resultBucket, record.ocr.textKey).catch(() => "");
  }

  /** Textract publishes completion to SNS, which delivers to SQS wrapped in an SNS envelope. */
  private publishOcrCompletion(notification: OcrCompletionNotification): void {
    this.ocrQueue.send(
      JSON.stringify({
        Type: "Notification",
        MessageId: randomUUID(),
        TopicArn: "arn:aws:sns:local:000000000000:chartbridge-textract-completion",
        Message: JSON.stringify(notification),
        Timestamp: new Date().toISOString(),
      }),
    );
  }

  /** Stops everything this stack started, the Java process included. Safe to call twice. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      removeRuntimeInfo(this.dataDir);
      await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
      this.server?.closeAllConnections?.();
      this.poller?.stop();
      this.ingestQueue.stop();
      this.ocrQueue.stop();
      await this.ocrPool.terminate().catch(() => undefined);
      await this.search.close().catch(() => undefined);
      await this.s3Local.stop().catch(() => undefined);
      await this.dynamo.stop();
      if (this.exitHook) process.removeListener("exit", this.exitHook);
    })();
    return this.stopping;
  }
}

function syntheticS3Event(record: ChartRecord) {
  return {
    Records: [
      {
        eventName: "ObjectCreated:Put",
        s3: {
          bucket: { name: record.source.bucket },
          object: {
            key: encodeKeyLikeS3(record.source.key),
            size: record.source.size,
            versionId: record.source.versionId,
            eTag: record.source.etag,
          },
        },
      },
    ],
  };
}
