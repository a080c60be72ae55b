/**
 * A vendor batch driven through the real local stack while faults are injected everywhere the pipeline meets
 * the outside world: DynamoDB and S3 throttling and 5xx (a proxy on the wire), Textract throttling, 5xx and
 * failed jobs (the OCR engine wrapped), duplicate and out-of-order deliveries of queue messages and stream
 * batches, and DynamoDB Local killed mid-run (the stack restarts it). Then it checks what "nothing lost,
 * nothing misfiled" means: every file final, no record twice, no stale search document, the batch report
 * accounting for every file, no dead letter. Used by the integration test and `npm run bench:faults`.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { issueLocalToken } from "../../../local/auth/local-tokens";
import { BatchClient, type BatchReport } from "../../../local/cli/batch-upload/batch-client";
import { putFile } from "../../../local/cli/batch-upload/put-file";
import { LocalStack } from "../../../local/runtime/local-stack";
import { mulberry32 } from "../../../samples/generator/chart-spec";
import { isTerminal } from "../../../shared/domain/status";
import { pngVariant } from "../png-variants";
import { FaultProxy } from "./fault-proxy";
import { FaultyOcrEngine } from "./faulty-ocr";

export interface FaultScenarioOptions {
  documents: number;
  seed?: number;
  /** Share of DynamoDB and S3 requests answered with throttling or a 5xx. */
  serviceFaultRate?: number;
  /** Share of queue messages and stream batches delivered twice. */
  duplicateRate?: number;
  ocr?: { startThrottle: number; startServerError: number; getThrottle: number; failedJob: number };
  /** Kill DynamoDB Local once this share of the files has been uploaded. */
  killDynamoAt?: number;
  timeoutMs?: number;
  log?: (line: string) => void;
}

export interface FaultTally {
  documents: number;
  injected: {
    dynamodbThrottle: number;
    dynamodbServerError: number;
    s3Throttle: number;
    s3ServerError: number;
    textractStartThrottle: number;
    textractStartServerError: number;
    textractGetThrottle: number;
    textractFailedJob: number;
    duplicateMessages: number;
    redeliveredStreamBatches: number;
    dynamodbRestarts: number;
  };
  outcome: {
    final: number;
    notFinal: number;
    /** Upload keys with more than one record (other than DUPLICATE records of the same bytes). */
    duplicated: number;
    /** Files the batch report does not account for. */
    lost: number;
    /** Records whose search document is older than the record (or missing). */
    staleSearch: number;
    deadLetters: number;
    byState: Record<string, number>;
  };
  seconds: number;
}

export async function runFaultScenario(opts: FaultScenarioOptions): Promise<FaultTally> {
  const started = Date.now();
  const log = opts.log ?? (() => {});
  const random = mulberry32(opts.seed ?? 12);
  const rate = opts.serviceFaultRate ?? 0.05;
  const dynamoProxy = new FaultProxy({ service: "dynamodb", rate, random });
  const s3Proxy = new FaultProxy({ service: "s3", rate, random });
  const proxies = { dynamodb: await dynamoProxy.start(), s3: await s3Proxy.start() };
  dynamoProxy.enabled = s3Proxy.enabled = false;
  let faultyOcr: FaultyOcrEngine | undefined;
  const dataDir = mkdtempSync(join(tmpdir(), "chartbridge-faults-"));
  const folder = mkdtempSync(join(tmpdir(), "chartbridge-faults-files-"));
  let stack: LocalStack | undefined;
  try {
    stack = await LocalStack.start({
      dataDir,
      apiPort: 0,
      ocrWorkers: 2,
      logLevel: "CRITICAL", // the failures retried along the way are the point
      retry: { baseDelayMs: 200, maxDelayMs: 3000, maxReceiveCount: 100 },
      faults: {
        endpoint: (service, endpoint) => {
          (service === "dynamodb" ? dynamoProxy : s3Proxy).target = new URL(endpoint);
          return proxies[service];
        },
        ocr: (engine) =>
          (faultyOcr = new FaultyOcrEngine(
            engine,
            opts.ocr ?? { startThrottle: 0.1, startServerError: 0.05, getThrottle: 0.05, failedJob: 0.03 },
            random,
          )),
        duplicateDeliveries: opts.duplicateRate ?? 0.1,
        random,
      },
    });
    const s = stack;
    dynamoProxy.enabled = s3Proxy.enabled = true;

    // The delivery: tiny distinct PNGs (fast to OCR; no text, so NEEDS_REVIEW) under one batch.
    const files = Array.from({ length: opts.documents }, (_, i) => {
      const name = `chart-${String(i).padStart(4, "0")}.png`;
      const bytes = pngVariant(`fault-${opts.seed ?? 12}-${i}`);
      writeFileSync(join(folder, name), bytes);
      return { name, bytes, sha256: createHash("sha256").update(bytes).digest("hex") };
    });
    const vendor = { user: "chaos-uploader", groups: ["vendor" as const], vendor: "chaos" };
    const client = new BatchClient(s.apiUrl, () => issueLocalToken(dataDir, vendor, { ttlSeconds: 300 }), 12);
    const created = await client.create({
      name: "chaos-1",
      files: files.map(({ name, bytes, sha256 }) => ({ name, size: bytes.length, sha256 })),
    });
    const batchId = created.batch.id;
    const killAt = Math.floor(files.length * (opts.killDynamoAt ?? 0.33));
    let restarts = 0;
    for (let i = 0; i < files.length; i += 100) {
      const window = files.slice(i, i + 100);
      const { targets } = await client.targets(
        batchId,
        window.map((f) => f.name),
      );
      for (const [j, target] of targets.entries()) {
        if (i + j === killAt && s.dynamoDbPid) {
          log(`killing DynamoDB Local (pid ${s.dynamoDbPid}) after ${killAt} uploads`);
          process.kill(s.dynamoDbPid, "SIGKILL");
          restarts += 1;
        }
        await putFile(join(folder, target.name), window[j]!.bytes.length, target, () => {}, 8);
      }
    }
    log(`uploaded ${files.length} files; closing the batch`);
    await client.close(batchId);

    const deadline = Date.now() + (opts.timeoutMs ?? 600_000);
    for (;;) {
      const view = await client.get(batchId, { limit: 1 });
      if (view.batch.status === "COMPLETED") break;
      if (Date.now() > deadline) {
        log(`timed out; counts ${JSON.stringify(view.batch.counts)}`);
        break;
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
    // Faults off: let the last deliveries (held-back duplicates, redeliveries) run out before checking.
    dynamoProxy.enabled = s3Proxy.enabled = false;
    if (faultyOcr) faultyOcr.enabled = false;
    await Promise.all([s.ingestQueue.idle(), s.ocrQueue.idle()]);
    await new Promise((r) => setTimeout(r, 3000));
    const report: BatchReport = await client.report(batchId);

    // Every record of the batch, straight from the table.
    const records = [];
    for await (const r of s.records.scanAll()) if (r.source.vendor === "chaos") records.push(r);
    const byKey = new Map<string, number>();
    for (const r of records)
      if (r.status !== "DUPLICATE" && !r.split?.fileRecordId)
        byKey.set(r.source.key, (byKey.get(r.source.key) ?? 0) + 1);
    const staleSearch = records.filter(
      (r) =>
        r.status !== "REJECTED" &&
        r.status !== "DUPLICATE" &&
        r.status !== "FAILED" &&
        (s.search.indexedVersion(r.id) ?? -1) < r.version,
    ).length;
    // Every file was uploaded: each must have reached a final outcome (MISSING would mean an upload was lost).
    const unsettled = new Set(["AWAITING_UPLOAD", "PROCESSING", "MISSING"]);
    const accounted = new Set(report.files.filter((f) => !unsettled.has(f.state)).map((f) => f.name));
    const byState: Record<string, number> = {};
    for (const f of report.files) byState[f.state] = (byState[f.state] ?? 0) + 1;
    return {
      documents: files.length,
      injected: {
        dynamodbThrottle: dynamoProxy.injected.throttle,
        dynamodbServerError: dynamoProxy.injected["server-error"],
        s3Throttle: s3Proxy.injected.throttle,
        s3ServerError: s3Proxy.injected["server-error"],
        textractStartThrottle: faultyOcr?.injected.startThrottle ?? 0,
        textractStartServerError: faultyOcr?.injected.startServerError ?? 0,
        textractGetThrottle: faultyOcr?.injected.getThrottle ?? 0,
        textractFailedJob: faultyOcr?.injected.failedJob ?? 0,
        duplicateMessages: s.ingestQueue.duplicated + s.ocrQueue.duplicated,
        redeliveredStreamBatches: (s.poller?.redelivered ?? 0) + (s.eventsPoller?.redelivered ?? 0),
        dynamodbRestarts: restarts,
      },
      outcome: {
        final: records.filter((r) => isTerminal(r.status)).length,
        notFinal: records.filter((r) => !isTerminal(r.status)).length,
        duplicated: [...byKey.values()].filter((n) => n > 1).length,
        lost: files.filter((f) => !accounted.has(f.name)).length,
        staleSearch,
        deadLetters: s.ingestQueue.deadLetters.length + s.ocrQueue.deadLetters.length,
        byState,
      },
      seconds: (Date.now() - started) / 1000,
    };
  } finally {
    await stack?.stop().catch(() => undefined);
    await dynamoProxy.stop();
    await s3Proxy.stop();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(folder, { recursive: true, force: true });
  }
}
