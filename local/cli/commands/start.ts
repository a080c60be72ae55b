import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { LocalStack, type ActivityEvent } from "../../runtime/local-stack";
import { LOCAL_S3_CREDENTIALS } from "../../services/s3-local";
import { readRuntimeInfo } from "../../runtime/runtime-file";
import { collectFiles } from "../collect-files";
import { packageRoot } from "../package-root";
import { ensureWebBuild, webDistDir } from "../../../web/scripts/web-build";
import { parseOcrEngine } from "../../../shared/adapters/local-ocr/recognizer-pools";
import { formatOutcomes, uploadFiles, waitForOutcomes } from "../upload-and-wait";

export interface StartOptions {
  dataDir: string;
  port: number;
  workers?: number;
  samples: boolean;
  verbose: boolean;
}

const SAMPLES_DIR = join(packageRoot(), "samples/charts");

/** `chartbridge start`: run the local pipeline until Ctrl-C; on a first start, ingest the bundled samples. */
export async function startCommand(opts: StartOptions): Promise<void> {
  const running = readRuntimeInfo(opts.dataDir);
  if (running)
    throw new Error(
      `A chartbridge stack (pid ${running.pid}) already uses ${opts.dataDir}: ${running.apiUrl}`,
    );

  console.log(`Starting chartbridge (data in ${opts.dataDir}) …`);
  // The web app is rebuilt only when its sources changed; without it the API still serves.
  const webApp = await ensureWebBuild(packageRoot()).then(
    (state) => {
      if (state === "built") console.log("Built the web app (web/dist).");
      return { distDir: webDistDir(packageRoot()) };
    },
    (err: unknown) => {
      console.error(`The web app could not be built, so only the API is served: ${(err as Error).message}`);
      return undefined;
    },
  );
  // Activity lines would break a progress bar's line: while one is drawn, it shows the progress instead.
  let progressBarShown = false;
  const stack = await LocalStack.start({
    dataDir: opts.dataDir,
    apiPort: opts.port,
    ocrWorkers: opts.workers,
    ocrEngine: parseOcrEngine(process.env.CHARTBRIDGE_OCR_ENGINE),
    logLevel: opts.verbose ? "INFO" : "WARN",
    ...(webApp ? { webApp } : {}),
    onActivity: (event) => {
      if (!progressBarShown) console.log(activityLine(event));
    },
  });

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping chartbridge …`);
    stack.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGHUP", () => shutdown("SIGHUP"));

  const { accessKeyId, secretAccessKey } = LOCAL_S3_CREDENTIALS;
  const s3Endpoint = stack.config.S3_ENDPOINT!;
  const bucket = stack.config.UPLOAD_BUCKET;
  const dataDirArg = opts.dataDir === resolve(".chartbridge") ? "" : ` --data-dir ${opts.dataDir}`;
  const appUrl = stack.apiUrl.replace("127.0.0.1", "localhost") + "/";
  console.log(`${webApp ? `Web app:        ${appUrl}   (sign in as records staff, admin or vendor)\n` : ""}API:            ${stack.apiUrl}   (bearer tokens: npx chartbridge token${dataDirArg} --help; routes: /openapi.json)
S3 endpoint:    ${s3Endpoint}   (path-style, region ${stack.config.AWS_REGION})
Upload bucket:  s3://${bucket}   (keys: <vendor>/<batch>/<file>)
OCR:            ${stack.ocrEngine.engine === "native" ? "native Tesseract" : "tesseract.js (install tesseract-ocr for about twice the speed)"}, ${stack.ocrEngine.workers} page(s) at once
S3 credentials: access key ${accessKeyId}, secret key ${secretAccessKey}
  e.g. AWS_ACCESS_KEY_ID=${accessKeyId} AWS_SECRET_ACCESS_KEY=${secretAccessKey} AWS_REGION=${stack.config.AWS_REGION} \\
       aws --endpoint-url ${s3Endpoint} s3 cp scan.pdf s3://${bucket}/vendor/batch-1/`);
  if (stack.requeuedUploads > 0)
    console.log(`\nResuming: ${stack.requeuedUploads} upload(s) without a record were queued again.`);
  const deadLetters = stack.ingestQueue.deadLetters.length + stack.ocrQueue.deadLetters.length;
  if (deadLetters > 0)
    console.log(
      `\n${deadLetters} message(s) were given up on in an earlier run; they are kept in ${opts.dataDir}/queues/*/dead ` +
        `and counted in GET /health.`,
    );

  if (stack.tableCreated && opts.samples && existsSync(SAMPLES_DIR)) {
    const files = collectFiles([SAMPLES_DIR]);
    console.log(
      `\nFirst start: ingesting ${files.length} bundled sample charts (local OCR, ~1–2 s a page) …`,
    );
    progressBarShown = process.stdout.isTTY === true;
    const uploads = await uploadFiles(stack.s3, stack.config.UPLOAD_BUCKET, files, "samples/bundled");
    const outcomes = await waitForOutcomes(uploads, (id) => stack.records.get(id), {
      timeoutMs: 600_000,
      progress: progressBarShown,
    });
    progressBarShown = false;
    console.log(formatOutcomes(outcomes));
  }

  console.log(`
${webApp ? `Open the web app: ${appUrl}\n` : ""}Search the charts:
  npx chartbridge search "<name or any word>"${dataDirArg}
  TOKEN=$(npx chartbridge token --user sam --group records-staff${dataDirArg})
  curl -H "Authorization: Bearer $TOKEN" '${stack.apiUrl}/search?q=discharge'
Ingest more scans:
  npx chartbridge ingest <files or folders>
Press Ctrl-C to stop.`);
}

/** Ids, statuses and reason codes only: keys and file names can carry patient names. */
export function activityLine(event: ActivityEvent): string {
  const time = new Date().toISOString().slice(11, 19);
  if (event.status === "PICKED_UP") return `${time}  ${event.documentId}  picked up`;
  return `${time}  ${event.documentId}  ${event.status}${event.reasonCode ? ` (${event.reasonCode})` : ""}`;
}
