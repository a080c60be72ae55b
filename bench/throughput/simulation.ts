/**
 * The throughput simulation: a burst of uploads through the real pipeline — the ingest and ocr-complete Lambda
 * handlers (functions/…), ingestUpload/startOcr, completeOcr, the sweeper and the throughput governor — over
 * in-memory ports, an SQS simulation and a Textract stand-in, in virtual time. Every service adds the latency
 * of the one it stands in for, so concurrent Lambdas interleave (and race on the governor's conditional
 * writes) as they would in AWS. Nothing in the report is assumed: it is counted during the run.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { createIngestHandler } from "../../functions/ingest/handler";
import { createOcrCompleteHandler } from "../../functions/ocr-complete/handler";
import type { WithLambdaLogger } from "../../functions/wiring/lambda-deps";
import {
  INGEST_MAX_RECEIVE_COUNT,
  ingestMaxConcurrency,
  ocrCompleteMaxConcurrency,
} from "../../infra/pipeline-sizing";
import { lambdaContext } from "../../local/runtime/lambda-context";
import type { ChartRecord } from "../../shared/domain/chart-record";
import { isTerminal } from "../../shared/domain/status";
import type { OcrPipelineDeps } from "../../shared/pipeline/pipeline-deps";
import { sweepStuckRecords, type SweepSettings } from "../../shared/pipeline/sweep-stuck-records";
import type { ItemChange } from "../../shared/throughput/ports";
import {
  budgetOf,
  type TextractQuotas,
  type ThroughputBudget,
} from "../../shared/throughput/textract-quotas";
import { DEFAULT_GOVERNOR_SETTINGS, ThroughputGovernor } from "../../shared/throughput/throughput-governor";
import { blankPdf } from "../../test/support/blank-pdf";
import { InMemoryObjectStore, InMemoryRecordStore } from "../../test/support/in-memory-ports";
import { InMemoryThroughputStore } from "../../test/support/in-memory-throughput-store";
import { InMemoryBatchStore } from "../../test/support/in-memory-batches";
import { SimEventSource, SimQueue } from "./sqs-simulation";
import { TextractStandIn } from "./textract-stand-in";
import { seededRandom, VirtualClock } from "./virtual-clock";
import { getCallsFor, workload, type SimDocument } from "./workload";

export interface SimulationSettings {
  documents: number;
  seed: number;
  /** Uploads arrive evenly over this long. */
  burstMs: number;
  /** What the stand-in enforces (Textract's quotas). */
  quotas: TextractQuotas;
  /** What the governor holds back (TEXTRACT_QUOTA_MARGIN). */
  margin: number;
  /** False: the pipeline calls Textract without the governor (TEXTRACT_GOVERNOR=off), for comparison. */
  governor: boolean;
  ingestConcurrency: number;
  ocrCompleteConcurrency: number;
  throttleRate: number;
  serverErrorRate: number;
  jobFailureRate: number;
  crashRate: number;
  ingestQueue: { visibilityTimeoutMs: number; maxReceiveCount: number };
  ocrCompleteQueue: { visibilityTimeoutMs: number; maxReceiveCount: number };
  sweepIntervalMs: number;
  sweep: SweepSettings;
  /** Give up (and count what is left as lost) after this much virtual time. */
  maxVirtualMs: number;
}

/**
 * us-east-1's default quotas for text detection, the CDK app's queue settings (ingest: 12-minute visibility,
 * INGEST_MAX_RECEIVE_COUNT; ocr-complete: 30 minutes, 5), and event sources sized as the CDK app sizes them
 * for those quotas (infra/pipeline-sizing.ts; ocr-complete's reserved concurrency as in prod, 20).
 */
export const DEFAULT_SIMULATION: Omit<SimulationSettings, "documents"> = {
  seed: 1,
  burstMs: 10_000,
  quotas: { startTps: 15, getTps: 10, maxJobs: 600 },
  margin: 0.1,
  governor: true,
  ingestConcurrency: ingestMaxConcurrency(15),
  ocrCompleteConcurrency: ocrCompleteMaxConcurrency(20, 10),
  throttleRate: 0.01,
  serverErrorRate: 0.005,
  jobFailureRate: 0.002,
  crashRate: 0.002,
  ingestQueue: { visibilityTimeoutMs: 720_000, maxReceiveCount: INGEST_MAX_RECEIVE_COUNT },
  ocrCompleteQueue: { visibilityTimeoutMs: 1_800_000, maxReceiveCount: 5 },
  sweepIntervalMs: 15 * 60_000,
  sweep: { stuckAfterMs: 30 * 60_000, maxAttempts: 3, batchSize: 100 },
  maxVirtualMs: 48 * 60 * 60_000,
};

/** Once a second of virtual time: what was waiting for each quota. */
export interface Sample {
  second: number;
  /** Uploaded documents whose job has not started (and will: not settled without one). */
  awaitingStart: number;
  slotsHeld: number;
  /** Result pages of finished jobs not fetched yet, and how many jobs they belong to. */
  getsPending: number;
  jobsWithPagesPending: number;
  jobsRunning: number;
  inLine: number;
}

export interface SimulationOutcome {
  settings: SimulationSettings;
  budget: ThroughputBudget;
  documents: SimDocument[];
  samples: Sample[];
  /** Accepted calls per API, in virtual ms since the first upload. */
  calls: { start: number[]; get: number[] };
  refused: TextractStandIn["refused"];
  maxJobsRunning: number;
  statuses: Record<string, number>;
  lost: number;
  duplicated: number;
  deadLetters: { ingest: number; ocrComplete: number };
  /** Receives of each upload's ingest message. */
  ingestReceives: number[];
  ocrCompleteReceives: number[];
  deferrals: Record<string, number>;
  errorLogs: Record<string, number>;
  crashes: number;
  governorWrites: number;
  governorConflicts: number;
  /** First upload → last document in a final state (ms, virtual). */
  wallMs: number;
  /**
   * The least time the budget allows for this work (ms): the busiest of Start… calls, Get… calls and job time
   * at their budgets, and the longest single document (its job, then its result pages one after another).
   */
  idealMs: number;
  realMs: number;
}

/** Final statuses with the number of Textract jobs and extractions seen per record. */
class TrackedRecords extends InMemoryRecordStore {
  readonly settled = new Map<string, ChartRecord["status"]>();
  readonly extractions = new Map<string, number>();
  /** Settled without an OCR job (rejected, duplicate, or a start Textract refused for good). */
  settledWithoutJob = 0;
  lastSettledAt = 0;
  constructor(private readonly clock: VirtualClock) {
    super();
  }
  override async save(record: ChartRecord): Promise<void> {
    const before = this.records.get(record.id)?.status;
    await super.save(record);
    this.track(record, before);
  }
  override async createIfAbsent(record: ChartRecord): Promise<boolean> {
    const created = await super.createIfAbsent(record);
    if (created) this.track(record, undefined);
    return created;
  }
  private track(record: ChartRecord, before: ChartRecord["status"] | undefined): void {
    const extracted = record.status === "EXTRACTED" || record.status === "NEEDS_REVIEW";
    if (extracted && before !== record.status) {
      this.extractions.set(record.id, (this.extractions.get(record.id) ?? 0) + 1);
    }
    // EXTRACTED is as far as this simulation goes (no search indexer).
    if (isTerminal(record.status) || record.status === "EXTRACTED") {
      if (!this.settled.has(record.id)) {
        this.lastSettledAt = this.clock.nowMs();
        if (!record.ocr?.jobId) this.settledWithoutJob++;
      }
      this.settled.set(record.id, record.status);
    }
  }
}

/** `target` with every method answering after `latencyMs(method, args)` of virtual time. */
function withLatency<T extends object>(
  target: T,
  clock: VirtualClock,
  latencyMs: (method: string, args: unknown[]) => number,
): T {
  return new Proxy(target, {
    get(object, prop, receiver) {
      const value = Reflect.get(object, prop, receiver) as unknown;
      if (typeof value !== "function") return value;
      return async (...args: unknown[]) => {
        await clock.sleep(latencyMs(String(prop), args));
        return (value as (...a: unknown[]) => unknown).apply(object, args);
      };
    },
  });
}

export async function simulate(settings: SimulationSettings): Promise<SimulationOutcome> {
  // Intake loads MuPDF (WebAssembly) on first use, in real time the virtual clock cannot see: load it first.
  (await import("../../shared/intake/validate-upload")).validateUpload(blankPdf(1, "warm-up"));
  const startedReal = performance.now();
  const random = seededRandom(settings.seed);
  const between = (min: number, max: number) => min + random() * (max - min);
  const t0 = Date.parse("2026-12-01T08:00:00.000Z");
  const clock = new VirtualClock(t0);
  const documents = workload({ documents: settings.documents, burstMs: settings.burstMs }, random);
  const byKey = new Map(documents.map((d) => [d.key, d]));
  const budget = budgetOf(settings.quotas, settings.margin);

  // ── Ports, with the latency of what they stand in for ──────────────────────────────────────────────
  const records = new TrackedRecords(clock);
  const objectStore = new InMemoryObjectStore();
  const objects = withLatency(objectStore, clock, (method, args) =>
    // An upload is read from S3 and inspected (MuPDF) before it is registered: longer for more pages.
    method === "download" ? 150 + 25 * (byKey.get(args[1] as string)?.pages ?? 1) : between(15, 40),
  );
  const governorStore = new InMemoryThroughputStore();
  // Documents waiting in line (the line's entries), counted as they join and leave, for the samples.
  let linePlaces = 0;
  const storeWrite = governorStore.write.bind(governorStore);
  governorStore.write = async (changes) => {
    const written = await storeWrite(changes);
    if (written) {
      for (const c of changes) {
        if (c.key.startsWith("LINE#"))
          linePlaces += "remove" in c ? -1 : "put" in c && c.expect === "absent" ? 1 : 0;
      }
    }
    return written;
  };
  const governorStoreWithLatency = withLatency(governorStore, clock, (method, args) =>
    method === "write" && (args[0] as ItemChange[]).length > 1 ? between(8, 14) : between(3, 7),
  );
  const ingestQueue = new SimQueue(clock, { name: "ingest", ...settings.ingestQueue }, random);
  const ocrCompleteQueue = new SimQueue(
    clock,
    { name: "ocr-complete", ...settings.ocrCompleteQueue },
    random,
  );
  const textract = new TextractStandIn(
    clock,
    byKey,
    (notification) => ocrCompleteQueue.send(JSON.stringify(notification)),
    {
      quotas: settings.quotas,
      throttleRate: settings.throttleRate,
      serverErrorRate: settings.serverErrorRate,
      jobFailureRate: settings.jobFailureRate,
      callLatencyMs: () => between(60, 200),
      snsLatencyMs: () => between(100, 600),
    },
    random,
  );
  const { logger, deferrals, errorLogs } = countingLogger();
  const governor = new ThroughputGovernor(
    {
      store: governorStoreWithLatency,
      clock,
      visibility: withLatency(ingestQueue, clock, () => between(5, 15)),
      logger,
    },
    { ...DEFAULT_GOVERNOR_SETTINGS, budget, random },
  );
  const deps: WithLambdaLogger<OcrPipelineDeps> = {
    records: withLatency(records, clock, () => between(4, 9)),
    // Uploads outside any batch (the manifest check finds no batch and changes nothing).
    batches: new InMemoryBatchStore(),
    objects,
    ocr: textract,
    resultsBucket: "results",
    ocrFeatures: "text",
    reviewThreshold: 0.8,
    logger,
    now: clock.nowIso,
    ...(settings.governor ? { throughput: governor } : {}),
  };

  // ── Lambdas on their queues ───────────────────────────────────────────────────────────────────────
  const pollLatencyMs = () => between(20, 200);
  const ingestSource = new SimEventSource(
    clock,
    ingestQueue,
    () => {
      const ingest = createIngestHandler(() => deps);
      return async (event) => ingest(event, lambdaContext("ingest"));
    },
    {
      maxConcurrency: settings.ingestConcurrency,
      batchSize: 5,
      pollLatencyMs,
      crashRate: settings.crashRate,
    },
    random,
  );
  const ocrSource = new SimEventSource(
    clock,
    ocrCompleteQueue,
    () => {
      const ocrComplete = createOcrCompleteHandler(() => deps);
      return async (event) => ocrComplete(event, lambdaContext("ocr-complete"));
    },
    {
      maxConcurrency: settings.ocrCompleteConcurrency,
      batchSize: 1,
      pollLatencyMs,
      crashRate: settings.crashRate,
    },
    random,
  );

  // ── The burst: each upload's bytes in S3 and its Object Created event on the ingest queue ────────────
  let uploaded = 0;
  for (const doc of documents) {
    const bytes = blankPdf(doc.pages, doc.key);
    // Version ids (hence record ids and job keys) from the seed: the same seed gives the same run.
    const versionId = objectStore.put(
      "uploads",
      doc.key,
      bytes,
      "application/pdf",
      `v${settings.seed}-${doc.index}`,
    );
    clock.schedule(t0 + doc.uploadAtMs, () => {
      uploaded++;
      ingestQueue.send(JSON.stringify(objectCreated(doc.key, versionId)));
    });
  }

  // ── The sweeper's schedule, and a sample of the state every second ──────────────────────────────────
  const sweep = () =>
    clock.schedule(clock.nowMs() + settings.sweepIntervalMs, () => {
      clock.spawn(() => sweepStuckRecords(deps, settings.sweep).finally(sweep));
    });
  sweep();
  const samples: Sample[] = [];
  const sample = () => {
    const slots = governorStore.items.get("SLOTS")?.data as { held?: number } | undefined;
    samples.push({
      second: Math.round((clock.nowMs() - t0) / 1000),
      awaitingStart: Math.max(0, uploaded - textract.jobsPerDocument.size - records.settledWithoutJob),
      slotsHeld: slots?.held ?? 0,
      getsPending: textract.getsPending,
      jobsWithPagesPending: textract.jobsWithPagesPending,
      jobsRunning: textract.running,
      inLine: linePlaces,
    });
    clock.schedule(clock.nowMs() + 1000, sample);
  };
  clock.schedule(t0, sample);

  const allSettled = () =>
    records.settled.size >= settings.documents && ingestQueue.depth === 0 && ocrCompleteQueue.depth === 0;
  await clock.run({ stop: allSettled, untilMs: t0 + settings.maxVirtualMs });

  const statuses: Record<string, number> = {};
  for (const status of records.settled.values()) statuses[status] = (statuses[status] ?? 0) + 1;
  const duplicatedIds = new Set([
    ...[...textract.jobsPerDocument].filter(([, n]) => n > 1).map(([key]) => key),
    ...[...records.extractions].filter(([, n]) => n > 1).map(([id]) => id),
  ]);
  const uploadReceives = [...ingestQueue.receives.values()];
  const jobMs = documents.reduce((sum, d) => sum + d.jobMs, 0);
  const getCalls = documents.reduce((sum, d) => sum + getCallsFor(d), 0);
  return {
    settings,
    budget,
    documents,
    samples,
    calls: {
      start: textract.accepted.start.map((t) => t - t0),
      get: textract.accepted.get.map((t) => t - t0),
    },
    refused: textract.refused,
    maxJobsRunning: textract.maxRunning,
    statuses,
    lost: settings.documents - records.settled.size,
    duplicated: duplicatedIds.size,
    deadLetters: { ingest: ingestQueue.deadLetters.length, ocrComplete: ocrCompleteQueue.deadLetters.length },
    ingestReceives: uploadReceives,
    ocrCompleteReceives: [...ocrCompleteQueue.receives.values()],
    deferrals,
    errorLogs,
    crashes: ingestSource.crashes + ocrSource.crashes,
    governorWrites: governorStore.writes,
    governorConflicts: governorStore.conflicts,
    wallMs: records.lastSettledAt - t0,
    idealMs: Math.max(
      (settings.documents / budget.startTps) * 1000,
      (getCalls / budget.getTps) * 1000,
      jobMs / budget.maxJobs,
      ...documents.map((d) => d.jobMs + (getCallsFor(d) / budget.getTps) * 1000),
    ),
    realMs: performance.now() - startedReal,
  };
}

/** The EventBridge "Object Created" event S3 sends for an upload. */
function objectCreated(key: string, versionId: string) {
  return {
    source: "aws.s3",
    "detail-type": "Object Created",
    detail: { bucket: { name: "uploads" }, object: { key, size: 1, "version-id": versionId } },
  };
}

/**
 * A Powertools logger that prints nothing and counts: deferrals by reason (the handlers log them at debug),
 * errors and warnings by message and error code.
 */
function countingLogger() {
  const logger = new Logger({ serviceName: "bench-throughput", logLevel: "SILENT" });
  const deferrals: Record<string, number> = {};
  const errorLogs: Record<string, number> = {};
  const count = (into: Record<string, number>, key: string) => (into[key] = (into[key] ?? 0) + 1);
  const fieldsOf = (extra: unknown[]) =>
    Object.assign({}, ...extra.filter((e) => typeof e === "object")) as Record<string, unknown>;
  logger.debug = (message: unknown, ...extra: unknown[]) => {
    const fields = fieldsOf(extra);
    if (typeof message === "string" && message.endsWith("deferred")) count(deferrals, String(fields.reason));
  };
  logger.info = () => undefined;
  logger.warn = (message: unknown, ...extra: unknown[]) => {
    const fields = fieldsOf(extra);
    count(errorLogs, `warn: ${String(message)}${fields.errorName ? ` (${String(fields.errorName)})` : ""}`);
  };
  logger.error = (message: unknown, ...extra: unknown[]) => {
    const fields = fieldsOf(extra);
    count(errorLogs, `error: ${String(message)}${fields.errorName ? ` (${String(fields.errorName)})` : ""}`);
  };
  return { logger, deferrals, errorLogs };
}
