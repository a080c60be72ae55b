import { safeError } from "../../shared/observability/logger";
import { sweepStuckRecords } from "../../shared/pipeline/sweep-stuck-records";
import { randomUUID } from "node:crypto";
import { mkdirSync, rmSync } from "node:fs";
import type { Server } from "node:http";
import { availableParallelism } from "node:os";
import { join, resolve } from "node:path";
import { Logger } from "@aws-lambda-powertools/logger";
import type { LogLevel } from "@aws-lambda-powertools/logger/types";
import { ListTablesCommand, type DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { HeadBucketCommand, type S3Client } from "@aws-sdk/client-s3";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import type { DynamoDBStreamEvent, SQSEvent } from "aws-lambda";
import { createDocumentClient, createDynamoDbClient } from "../../shared/adapters/dynamodb/dynamodb-client";
import { SqliteSearchIndex } from "../../shared/adapters/sqlite-search/sqlite-search-index";
import { LocalOcrEngine } from "../../shared/adapters/local-ocr/local-ocr";
import {
  createOcrPool,
  type LocalOcrEngineName,
  type OcrPool,
} from "../../shared/adapters/local-ocr/recognizer-pools";
import { RecordRepository } from "../../shared/adapters/dynamodb/record-repository";
import { createS3Client } from "../../shared/adapters/s3/s3-client";
import { loadConfig, sweepSettings, type Config } from "../../shared/config";
import type { ChartRecord } from "../../shared/domain/chart-record";
import { documentIdFor } from "../../shared/domain/document-id";
import { isTerminal, type DocumentStatus } from "../../shared/domain/status";
import { parseUploadEvent, type UploadedObject } from "../../shared/events/upload-event";
import type { OcrCompletionNotification, OcrEngine } from "../../shared/ocr/ocr-engine";
import { createPipelineDeps, type LocalPipelineDeps } from "./pipeline-deps";
import { indexRecordChange } from "../../shared/pipeline/index-record";
import { toSearchDocument } from "../../shared/search/to-search-document";
import type { SearchDocument } from "../../shared/search/search-index";
import { createApiHandler } from "../../functions/api/handler";
import { ROUTES } from "../../shared/api/route-table";
import { ensureSigningKey, localTokenVerifier } from "../auth/local-tokens";
import { fhirSettings, type ApiHandlerDeps } from "../../functions/api/deps";
import { PatientDirectoryRepository } from "../../shared/adapters/dynamodb/patient-directory-repository";
import { ExportRepository } from "../../shared/adapters/dynamodb/export-repository";
import { exportMessage } from "../../shared/adapters/sqs/sqs-export-queue";
import { mupdfPageRanges } from "../../shared/adapters/local-ocr/page-range-pdf";
import { AuditLogRepository } from "../../shared/adapters/dynamodb/audit-log-repository";
import { mupdfPageImages } from "../../shared/adapters/local-ocr/page-image";
import { S3ObjectStore } from "../../shared/adapters/s3/object-store";
import { createIndexRecordsHandler } from "../../functions/index-records/handler";
import { createIngestHandler } from "../../functions/ingest/handler";
import { createOcrCompleteHandler } from "../../functions/ocr-complete/handler";
import {
  ensureAuditTable,
  ensureRecordsTable,
  startDynamoDbLocal,
  type DynamoDbLocal,
} from "../services/dynamodb-local";
import { ensureBuckets, startS3Local, type S3Local } from "../services/s3-local";
import { listObjectVersions } from "./bucket-listing";
import { startHttpApi, type DependencyState, type HealthReport } from "./http-api";
import { webAppHandler, type WebAppOptions } from "./web-app";
import { lambdaContext } from "./lambda-context";
import { LocalQueue } from "./local-queue";
import { JobRepository } from "../../shared/adapters/dynamodb/job-repository";
import { createReprocessWorkerHandler } from "../../functions/reprocess-worker/handler";
import { createRecordEventsHandler } from "../../functions/record-events/handler";
import { S3UploadsBucket } from "../../shared/adapters/s3/uploads-bucket";
import { BatchRepository } from "../../shared/adapters/dynamodb/batch-repository";
import { ChangeFeedRepository } from "../../shared/adapters/dynamodb/change-feed-repository";
import { batchFileOfKey, batchIdFor } from "../../shared/batches/batch";
import { closeDueBatches } from "../../shared/batches/close-batch";
import { retrackUnfinishedBatches } from "../../shared/batches/retrack-batch-files";
import { trackBatchFile } from "../../shared/batches/track-batch-file";
import { batchCompletedEvent } from "../../shared/events/domain-events";
import { LocalEventLog } from "./event-log";
import { FileMessageStore } from "./message-store";
import { assertPortsFree, freePorts } from "./ports";
import type { RetryPolicy } from "./retry-policy";
import { killStaleDynamoDb, removeRuntimeInfo, writeRuntimeInfo } from "./runtime-file";
import { createStreamsClient, StreamPoller } from "./stream-poller";

export interface LocalStackOptions {
  /** Where DynamoDB Local, the local S3, the queues and the search index persist. Default `.chartbridge`. */
  dataDir?: string;
  /** HTTP API port (default 4000; 0 = any free ports). DynamoDB Local and S3 take the next two. */
  apiPort?: number;
  /** OCR workers (pages recognized at once). Default: one per core, at most `MAX_DEFAULT_OCR_WORKERS`. */
  ocrWorkers?: number;
  /**
   * The local OCR engine: native Tesseract when installed, else tesseract.js ("auto", the default;
   * CHARTBRIDGE_OCR_ENGINE sets it for `npm start`).
   */
  ocrEngine?: LocalOcrEngineName | "auto";
  logLevel?: LogLevel;
  /** Keep DynamoDB in memory (tests). */
  inMemoryDb?: boolean;
  /** Queue retries (default: minutes of exponential backoff, enough to outlive a DynamoDB Local restart). */
  retry?: Partial<RetryPolicy>;
  /** Told, with ids only, when an upload is picked up and when a record reaches a final state. */
  onActivity?: (event: ActivityEvent) => void;
  /** Faults to inject (chaos tests, `npm run bench:faults`): see FaultInjection. */
  faults?: FaultInjection;
  /** Serve the built web app (web/dist) at `/` with local sign-in. Unset: the HTTP port serves the API only. */
  webApp?: Pick<WebAppOptions, "distDir" | "tokenTtlSeconds" | "idleTimeoutMinutes">;
}

/**
 * What a fault-injection run changes in the stack, nothing of which is on by default: the handlers reach
 * DynamoDB and S3 through `endpoint` (a proxy answering some requests with throttling and 5xx), the OCR engine
 * is wrapped (throttled and failing Textract), and queue messages and stream batches are delivered twice.
 */
export interface FaultInjection {
  endpoint?(service: "dynamodb" | "s3", endpoint: string): string;
  ocr?(engine: OcrEngine): OcrEngine;
  /** Share of queue messages and of stream batches delivered a second time, later. */
  duplicateDeliveries?: number;
  random?: () => number;
}

/** One line of progress for a terminal: ids, statuses and reason codes only (never keys or file names). */
export interface ActivityEvent {
  documentId: string;
  status: "PICKED_UP" | DocumentStatus;
  reasonCode?: string;
}

/**
 * Each tesseract worker keeps its own WebAssembly heap and model (about 100 MB, never given back), so one per
 * core made the stack's memory grow with the machine's core count.
 */
export const MAX_DEFAULT_OCR_WORKERS = 4;

/** The search index in the data dir (SQLite; rebuilt from the records table when missing or unreadable). */
export const SEARCH_INDEX_FILE = "search-index.sqlite";

export function defaultOcrWorkers(): number {
  return Math.min(availableParallelism(), MAX_DEFAULT_OCR_WORKERS);
}

/**
 * The throughput governor runs locally too, so a burst of uploads behaves as in AWS (messages parked in the
 * ingest queue, woken when a job ends), with budgets for the local engine rather than Textract's quotas: no
 * real TPS limit (10 starts per second paces without slowing anything), and jobs in progress capped at four
 * per OCR worker, which keeps the workers busy while waiting uploads stay in the disk-backed queue instead of
 * the engine's in-memory one (lost, and restarted, with the process). The environment overrides these.
 */
function localThroughput(ocrWorkers: number): Record<string, string> {
  return {
    TEXTRACT_GOVERNOR: "on",
    TEXTRACT_START_TPS: "10",
    TEXTRACT_GET_TPS: "50",
    TEXTRACT_MAX_JOBS: String(4 * ocrWorkers),
  };
}

/**
 * The whole pipeline on one machine, wired the way AWS wires it: a local S3 server (object-created events →
 * an SQS-like queue kept on disk → `ingest`), the local OCR engine plays Textract (completion → SNS-shaped
 * message → queue → `ocr-complete`), DynamoDB Local's stream is read through the Streams API
 * (→ `index-records`), and a loopback HTTP server plays API Gateway (→ `api`). The handlers are the same ones
 * Lambda runs. Whatever is killed when, a restart on the same data directory finishes every upload.
 */
export class LocalStack {
  readonly config: Config;
  readonly deps: LocalPipelineDeps;
  readonly records: RecordRepository;
  readonly s3: S3Client;
  readonly ingestQueue: LocalQueue;
  readonly ocrQueue: LocalQueue;
  /** Bulk reprocess chunks → the reprocess worker (an SQS queue and a Lambda in AWS). */
  readonly reprocessQueue: LocalQueue;
  private readonly patients: PatientDirectoryRepository;
  private readonly exports: ExportRepository;
  readonly jobs: JobRepository;
  /** Every record change in order (GET /changes), written by the events consumer of the stream. */
  readonly changes: ChangeFeedRepository;
  readonly apiUrl: string;
  /** Which local OCR engine recognizes pages, and how many at once. */
  get ocrEngine(): { engine: OcrPool["engine"]; workers: number } {
    return { engine: this.ocrPool.engine, workers: this.ocrPool.size };
  }
  /** True when this start created the records table: a first start with an empty store. */
  tableCreated = false;
  /** What the last start's reconciliation re-queued: uploads that had no record yet. */
  requeuedUploads = 0;
  /** Stream consumers, as Lambda event source mappings (public for fault-injection tallies). */
  poller?: StreamPoller;
  /** The second consumer of the stream (record-events in AWS): batch files and batch.completed. */
  eventsPoller?: StreamPoller;
  /** Domain events (EventBridge in AWS): `events.ndjson` in the data dir. */
  readonly events: LocalEventLog;
  /** Presigned batch uploads and batch prefix listings (the api and the deadline sweep). */
  private readonly uploads: S3UploadsBucket;
  private sweepTimer?: NodeJS.Timeout;
  private sweeping?: Promise<void>;
  private server?: Server;
  private stopping?: Promise<void>;
  private exitHook?: () => void;

  private constructor(
    readonly dataDir: string,
    private readonly dynamo: DynamoDbLocal,
    private readonly s3Local: S3Local,
    private readonly dynamoClient: DynamoDBClient,
    private readonly ocrPool: OcrPool,
    readonly search: SqliteSearchIndex,
    readonly ocr: LocalOcrEngine,
    config: Config,
    private readonly apiPort: number,
    readonly logger: Logger,
    private readonly options: LocalStackOptions,
  ) {
    this.config = config;
    this.records = new RecordRepository(createDocumentClient(dynamoClient), config.TABLE_NAME);
    this.s3 = createS3Client(config);
    this.deps = createPipelineDeps(config, logger, {
      ocr: options.faults?.ocr?.(ocr) ?? ocr,
      search,
      // The governor parks and wakes ingest messages in the local queue, as it does in SQS.
      ingestQueue: { change: async (handle, seconds) => this.ingestQueue.changeVisibility(handle, seconds) },
    });
    this.events = new LocalEventLog(dataDir);
    this.uploads = new S3UploadsBucket(this.s3, { bucket: config.UPLOAD_BUCKET });
    this.apiUrl = `http://127.0.0.1:${apiPort}`;

    const ingest = createIngestHandler(() => this.deps);
    const ocrComplete = createOcrCompleteHandler(() => this.deps);
    const onDeadLetter = (queue: string) => (m: { id: string; receiveCount: number }) =>
      logger.error("Message moved to dead-letter queue", {
        queue,
        messageId: m.id,
        receiveCount: m.receiveCount,
      });
    const queueDir = (name: string) => join(dataDir, "queues", name);
    const duplicates = {
      duplicateRate: options.faults?.duplicateDeliveries ?? 0,
      ...(options.faults?.random ? { random: options.faults.random } : {}),
    };
    this.ingestQueue = new LocalQueue(
      "chartbridge-ingest",
      (event: SQSEvent) => ingest(event, lambdaContext("chartbridge-ingest")),
      {
        batchSize: 5,
        retry: options.retry,
        store: new FileMessageStore(queueDir("ingest")),
        onDeadLetter: onDeadLetter("ingest"),
        ...duplicates,
        onReceive: (bodies) => this.reportPickedUp(bodies),
      },
    );
    const documents = createDocumentClient(dynamoClient);
    this.jobs = new JobRepository(documents, config.TABLE_NAME);
    this.changes = new ChangeFeedRepository(documents, config.TABLE_NAME);
    this.patients = new PatientDirectoryRepository(documents, config.TABLE_NAME);
    this.exports = new ExportRepository(documents, config.TABLE_NAME);
    const reprocessWorker = createReprocessWorkerHandler(() => ({
      records: this.deps.records,
      objects: this.deps.objects,
      reviewThreshold: this.config.REVIEW_THRESHOLD,
      now: () => new Date().toISOString(),
      jobs: this.jobs,
      exportDeps: {
        records: this.deps.records,
        objects: this.deps.objects,
        search: this.deps.search,
        patients: this.patients,
        exports: this.exports,
        resultsBucket: this.config.RESULTS_BUCKET,
        mrnSystem: this.config.FHIR_MRN_SYSTEM,
        now: () => new Date().toISOString(),
      },
      logger,
    }));
    this.reprocessQueue = new LocalQueue(
      "chartbridge-reprocess",
      (event: SQSEvent) => reprocessWorker(event, lambdaContext("chartbridge-reprocess-worker")),
      {
        batchSize: 5,
        retry: options.retry,
        store: new FileMessageStore(queueDir("reprocess")),
        onDeadLetter: onDeadLetter("reprocess"),
      },
    );
    this.ocrQueue = new LocalQueue(
      "chartbridge-ocr-complete",
      (event: SQSEvent) => ocrComplete(event, lambdaContext("chartbridge-ocr-complete")),
      {
        batchSize: 5,
        retry: options.retry,
        store: new FileMessageStore(queueDir("ocr-complete")),
        onDeadLetter: onDeadLetter("ocr-complete"),
        ...duplicates,
      },
    );
  }

  static async start(options: LocalStackOptions = {}): Promise<LocalStack> {
    const dataDir = resolve(options.dataDir ?? ".chartbridge");
    mkdirSync(dataDir, { recursive: true });
    const apiPort = options.apiPort ?? 4000;
    const [actualApiPort, dynamoPort, s3Port] =
      apiPort === 0 ? await freePorts(3) : [apiPort, apiPort + 1, apiPort + 2];
    const logger = new Logger({ serviceName: "chartbridge-local", logLevel: options.logLevel ?? "WARN" });

    // A stack killed without its children may have left DynamoDB Local holding a port: end that one first.
    await killStaleDynamoDb(dataDir);
    // Nothing starts unless every port is free, so a clash never leaves half a stack running.
    await assertPortsFree([
      { port: actualApiPort!, role: "HTTP API" },
      { port: dynamoPort!, role: "DynamoDB Local" },
      { port: s3Port!, role: "S3" },
    ]);

    const dynamo = await startDynamoDbLocal({
      port: dynamoPort!,
      dataDir: options.inMemoryDb ? undefined : join(dataDir, "dynamodb"),
      onStateChange: (state, detail) =>
        state === "down"
          ? logger.error("DynamoDB Local is down; restarts given up", detail)
          : logger.warn(`DynamoDB Local is ${state}`, detail),
    });
    const killJavaOnExit = () => dynamo.killNow();
    process.once("exit", killJavaOnExit);
    const cleanup: (() => Promise<void>)[] = [() => dynamo.stop()];
    let stack: LocalStack | undefined;
    try {
      const s3Local = await startS3Local({ directory: join(dataDir, "s3"), port: s3Port! });
      cleanup.push(() => s3Local.stop());
      const config = loadConfig({
        ...localThroughput(options.ocrWorkers ?? defaultOcrWorkers()),
        ...process.env,
        AWS_REGION: "us-east-1",
        DYNAMODB_ENDPOINT: options.faults?.endpoint?.("dynamodb", dynamo.endpoint) ?? dynamo.endpoint,
        S3_ENDPOINT: options.faults?.endpoint?.("s3", s3Local.endpoint) ?? s3Local.endpoint,
        OCR_ENGINE: "local",
        OCR_FEATURES: "text",
        SEARCH_ENGINE: "embedded",
      });
      const dynamoClient = createDynamoDbClient(config);
      const s3 = createS3Client(config);
      await ensureBuckets(s3, [config.UPLOAD_BUCKET, config.RESULTS_BUCKET]);
      const { streamArn, created: tableCreated } = await ensureRecordsTable(dynamoClient, config.TABLE_NAME);
      await ensureAuditTable(dynamoClient, config.AUDIT_TABLE_NAME);

      const search = SqliteSearchIndex.open({ file: join(dataDir, SEARCH_INDEX_FILE) });
      // The JSON snapshot of the index before SQLite: replaced (the new index is rebuilt from the records).
      rmSync(join(dataDir, "search-index.json"), { force: true });
      cleanup.push(() => search.close());
      const ocrPool = createOcrPool({
        size: options.ocrWorkers ?? defaultOcrWorkers(),
        engine: options.ocrEngine ?? "auto",
      });
      cleanup.push(() => ocrPool.terminate());
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
      stack = new LocalStack(
        dataDir,
        dynamo,
        s3Local,
        dynamoClient,
        ocrPool,
        search,
        ocr,
        config,
        actualApiPort!,
        logger,
        options,
      );
      late.stack = stack;
      stack.tableCreated = tableCreated;
      stack.exitHook = killJavaOnExit;
      await stack.wire(streamArn, tableCreated);
      return stack;
    } catch (err) {
      if (stack) await stack.stop().catch(() => undefined);
      else for (const fn of cleanup.reverse()) await fn().catch(() => undefined);
      process.removeListener("exit", killJavaOnExit);
      throw err;
    }
  }

  /** The DynamoDB Local Java process (it must not outlive the stack; it changes if DynamoDB is restarted). */
  get dynamoDbPid(): number | undefined {
    return this.dynamo.pid;
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
    const redelivery = {
      redeliverRate: this.options.faults?.duplicateDeliveries ?? 0,
      ...(this.options.faults?.random ? { random: this.options.faults.random } : {}),
    };
    this.poller = new StreamPoller(createStreamsClient(this.dynamo.endpoint, this.config.AWS_REGION), {
      ...redelivery,
      streamArn,
      handler: async (event) => {
        const response = await indexRecords(event, lambdaContext("chartbridge-index-records"));
        this.reportFinalStates(event);
        return response;
      },
      startAt: freshTable ? "TRIM_HORIZON" : "LATEST",
      onRecordDropped: (seq) =>
        this.logger.error("Stream record skipped after retries", { sequenceNumber: seq }),
    });
    await this.poller.start();
    const recordEvents = createRecordEventsHandler(() => ({
      batches: this.deps.batches,
      changes: this.changes,
      events: this.events,
      logger: this.logger,
      now: () => new Date().toISOString(),
    }));
    this.eventsPoller = new StreamPoller(createStreamsClient(this.dynamo.endpoint, this.config.AWS_REGION), {
      ...redelivery,
      streamArn,
      handler: (event) => recordEvents(event, lambdaContext("chartbridge-record-events")),
      startAt: freshTable ? "TRIM_HORIZON" : "LATEST",
      onRecordDropped: (seq) =>
        this.logger.error("Stream record skipped after retries", { sequenceNumber: seq }),
    });
    await this.eventsPoller.start();
    this.startSweeper();

    const uploads = this.uploads;
    const apiDeps: ApiHandlerDeps = {
      ...this.deps,
      signer: uploads,
      listing: uploads,
      audit: new AuditLogRepository(createDocumentClient(this.dynamoClient), this.config.AUDIT_TABLE_NAME),
      now: () => new Date().toISOString(),
      storage: new S3ObjectStore(this.s3),
      pageImages: mupdfPageImages,
      pageRanges: mupdfPageRanges,
      patients: this.patients,
      exports: this.exports,
      exportQueue: { send: async (jobId) => void this.reprocessQueue.send(exportMessage(jobId)) },
      fhir: fhirSettings(this.config),
      jobs: this.jobs,
      changes: this.changes,
      jobQueue: {
        send: async (chunks) => {
          for (const chunk of chunks) this.reprocessQueue.send(JSON.stringify(chunk));
        },
      },
    };
    const api = createApiHandler(() => apiDeps);
    await ensureSigningKey(this.dataDir);
    this.server = await startHttpApi((event) => api(event, lambdaContext("chartbridge-api")), this.apiPort, {
      health: () => this.health(),
      authenticate: localTokenVerifier(this.dataDir),
      publicPaths: new Set(ROUTES.filter((r) => r.access === "public").map((r) => r.path)),
      ...(this.options.webApp
        ? {
            app: webAppHandler({
              ...this.options.webApp,
              dataDir: this.dataDir,
              imageOrigins: [new URL(this.s3Local.endpoint).origin],
              reviewThreshold: this.config.REVIEW_THRESHOLD,
            }),
          }
        : {}),
    });
    writeRuntimeInfo(this.dataDir, {
      pid: process.pid,
      dynamoDbPid: this.dynamo.pid,
      apiUrl: this.apiUrl,
      s3Endpoint: this.s3Local.endpoint,
      dynamoDbEndpoint: this.dynamo.endpoint,
      uploadBucket: this.config.UPLOAD_BUCKET,
      tableName: this.config.TABLE_NAME,
      auditTableName: this.config.AUDIT_TABLE_NAME,
      startedAt: new Date().toISOString(),
    });
  }

  /**
   * After a restart, finish what the last run left unfinished: every upload in the bucket without a record
   * (its event was lost with the process) and every record still RECEIVED is queued for ingest, OCR jobs
   * lost with the process are restarted, extracted records are indexed, and a missing or corrupt search index
   * is rebuilt from the records table.
   */
  private async reconcile(): Promise<void> {
    const queued = new Set(
      this.ingestQueue.pendingBodies().flatMap((body) => {
        try {
          return parseUploadEvent(body).map((upload) => documentIdFor(upload));
        } catch {
          return [];
        }
      }),
    );
    const requeue = (upload: UploadedObject) => {
      this.ingestQueue.send(JSON.stringify(objectCreatedEvent(upload)));
      queued.add(documentIdFor(upload));
      this.requeuedUploads += 1;
    };

    // Data dirs from before the review queue: their NEEDS_REVIEW records join it.
    await this.records.backfillReviewKeys();
    const rebuild = this.search.needsRebuild;
    const batchStatus = new Map<string, string | undefined>();
    const known = new Set<string>();
    for await (const record of this.records.scanAll()) {
      known.add(record.id);
      if (record.status === "RECEIVED" && !queued.has(record.id)) requeue(record.source);
      else if (record.status === "OCR_PENDING") await this.restartOcr(record);
      else if (record.status === "EXTRACTED") await indexRecordChange({ kind: "upsert", record }, this.deps);
      await this.catchUpBatchFile(record, batchStatus);
    }
    await this.announceCompletedBatches();
    // A second read of the table, streamed into the index: holding every chart's text at once would not
    // fit a large archive, and this read sees what the loop above filed.
    if (rebuild) await this.search.rebuild(this.searchDocuments());

    const bucket = this.config.UPLOAD_BUCKET;
    for await (const object of listObjectVersions(this.s3, bucket)) {
      const upload = { bucket, ...object };
      const id = documentIdFor(upload);
      if (!known.has(id) && !queued.has(id)) requeue(upload);
    }
    if (this.requeuedUploads > 0)
      this.logger.warn("Uploads without a record were queued for ingest", { count: this.requeuedUploads });
  }

  /**
   * The stream is read from its latest point after a restart: a batch file whose record changed while the
   * stack was down catches up here (tracking is idempotent; completed batches are skipped).
   */
  private async catchUpBatchFile(record: ChartRecord, statusOf: Map<string, string | undefined>) {
    const where = batchFileOfKey(record.source.key);
    if (!where) return;
    const id = batchIdFor(where.vendor, where.batchName);
    if (!statusOf.has(id)) statusOf.set(id, (await this.deps.batches.get(id))?.status);
    const status = statusOf.get(id);
    if (status && status !== "COMPLETED") await trackBatchFile(record, { ...this.deps, logger: this.logger });
  }

  /** Completions stored while the stack was down are announced now (the event log keeps each id once). */
  private async announceCompletedBatches(): Promise<void> {
    const batches = new BatchRepository(createDocumentClient(this.dynamoClient), this.config.TABLE_NAME);
    for await (const batch of batches.scanCompleted())
      await this.events.publish([batchCompletedEvent(batch)]);
  }

  /** The local engine's jobs die with the process: start the record's job again under the same job key. */
  private async restartOcr(record: ChartRecord): Promise<void> {
    const { bucket, key, versionId } = record.source;
    const jobKey = record.ocr?.jobKey;
    await this.ocr.startJob({ documentId: record.id, bucket, key, versionId, features: "text", jobKey });
  }

  /**
   * The stuck-record sweeper on a timer, as the scheduled Lambda runs in AWS: one run at a time, waited for
   * at stop. Records the pipeline lost track of are retried or failed with a reason.
   */
  private startSweeper(): void {
    const intervalMs = this.config.SWEEP_INTERVAL_MINUTES * 60_000;
    this.sweepTimer = setInterval(() => void this.sweepOnce(), intervalMs);
    this.sweepTimer.unref();
  }

  /** Runs one sweep unless one is already running; failures are logged (by class) and retried next time. */
  sweepOnce(): Promise<void> {
    this.sweeping ??= sweepStuckRecords(this.deps, sweepSettings(this.config))
      .then(() => closeDueBatches({ ...this.deps, listing: this.uploads }))
      .then(() => retrackUnfinishedBatches(this.deps))
      .then(() => undefined)
      .catch((err: unknown) => this.logger.error("Stuck-record sweep failed", safeError(err)))
      .finally(() => (this.sweeping = undefined));
    return this.sweeping;
  }

  /** Every record as a search document, read from the table one page at a time. */
  private async *searchDocuments(): AsyncIterable<SearchDocument> {
    for await (const record of this.records.scanAll())
      yield toSearchDocument(record, await this.textOf(record));
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

  private reportPickedUp(bodies: string[]): void {
    const report = this.options.onActivity;
    if (!report) return;
    for (const body of bodies) {
      try {
        for (const upload of parseUploadEvent(body))
          report({ documentId: documentIdFor(upload), status: "PICKED_UP" });
      } catch {
        // Not an upload event: the ingest handler reports it.
      }
    }
  }

  /** A record's change to a final state, seen on the table's stream. */
  private reportFinalStates(event: DynamoDBStreamEvent): void {
    const report = this.options.onActivity;
    if (!report) return;
    for (const r of event.Records) {
      const image = (raw: unknown) => (raw ? unmarshall(raw as Record<string, AttributeValue>) : undefined);
      const now = image(r.dynamodb?.NewImage);
      const before = image(r.dynamodb?.OldImage);
      if (now?.entity !== "ChartRecord" || typeof now.id !== "string") continue;
      const status = now.status as DocumentStatus;
      if (!isTerminal(status) || before?.status === status) continue;
      report({ documentId: now.id, status, reasonCode: now.statusReason as string | undefined });
    }
  }

  /** Whether each service the pipeline needs answers, and how many messages were given up on. */
  async health(): Promise<HealthReport> {
    const probe = async (check: (signal: AbortSignal) => Promise<unknown>): Promise<DependencyState> => {
      try {
        await check(AbortSignal.timeout(2000));
        return "up";
      } catch {
        return "down";
      }
    };
    const dynamodb: DependencyState =
      this.dynamo.state !== "up"
        ? this.dynamo.state
        : await probe((abortSignal) =>
            this.dynamoClient.send(new ListTablesCommand({ Limit: 1 }), { abortSignal }),
          );
    const s3 = await probe((abortSignal) =>
      this.s3.send(new HeadBucketCommand({ Bucket: this.config.UPLOAD_BUCKET }), { abortSignal }),
    );
    const ocr: DependencyState = this.stopping ? "down" : "up";
    const dependencies = { dynamodb, s3, ocr };
    const ok = Object.values(dependencies).every((s) => s === "up");
    return {
      status: ok ? "ok" : "degraded",
      dependencies,
      deadLetters:
        this.ingestQueue.deadLetters.length +
        this.ocrQueue.deadLetters.length +
        this.reprocessQueue.deadLetters.length,
    };
  }

  /** Stops everything this stack started, the Java process included. Safe to call twice. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      removeRuntimeInfo(this.dataDir);
      await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
      this.server?.closeAllConnections?.();
      clearInterval(this.sweepTimer);
      await this.sweeping;
      await Promise.all([this.poller?.stop(), this.eventsPoller?.stop()]);
      this.ingestQueue.stop();
      this.ocrQueue.stop();
      this.reprocessQueue.stop();
      await this.ocrPool.terminate().catch(() => undefined);
      await this.search.close().catch(() => undefined);
      await this.s3Local.stop().catch(() => undefined);
      await this.dynamo.stop();
      if (this.exitHook) process.removeListener("exit", this.exitHook);
    })();
    return this.stopping;
  }
}

/** The EventBridge "Object Created" event S3 sends for an upload (keys are not URL-encoded there). */
function objectCreatedEvent(upload: UploadedObject) {
  return {
    source: "aws.s3",
    "detail-type": "Object Created",
    detail: {
      bucket: { name: upload.bucket },
      object: {
        key: upload.key,
        size: upload.size,
        etag: upload.etag,
        "version-id": upload.versionId,
      },
    },
  };
}
