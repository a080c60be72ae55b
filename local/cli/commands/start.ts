import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { LocalStack } from "../../runtime/local-stack";
import { readRuntimeInfo } from "../../runtime/runtime-file";
import { collectFiles } from "../collect-files";
import { formatOutcomes, uploadFiles, waitForOutcomes } from "../upload-and-wait";

export interface StartOptions {
  dataDir: string;
  port: number;
  workers?: number;
  samples: boolean;
  verbose: boolean;
}

const SAMPLES_DIR = fileURLToPath(new URL("../../../samples/charts", import.meta.url));

/** `chartbridge start`: run the local pipeline until Ctrl-C; on a first start, ingest the bundled samples. */
export async function startCommand(opts: StartOptions): Promise<void> {
  const running = readRuntimeInfo(opts.dataDir);
  if (running)
    throw new Error(
      `A chartbridge stack (pid ${running.pid}) already uses ${opts.dataDir}: ${running.apiUrl}`,
    );

  console.log(`Starting chartbridge (data in ${opts.dataDir}) …`);
  const stack = await LocalStack.start({
    dataDir: opts.dataDir,
    apiPort: opts.port,
    ocrWorkers: opts.workers,
    logLevel: opts.verbose ? "INFO" : "WARN",
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

  console.log(`API:            ${stack.apiUrl}`);
  console.log(`Upload bucket:  s3://${stack.config.UPLOAD_BUCKET} at ${stack.config.S3_ENDPOINT}`);

  if (stack.tableCreated && opts.samples && existsSync(SAMPLES_DIR)) {
    const files = collectFiles([SAMPLES_DIR]);
    console.log(
      `\nFirst start: ingesting ${files.length} bundled sample charts (local OCR, ~1–2 s a page) …`,
    );
    const uploads = await uploadFiles(stack.s3, stack.config.UPLOAD_BUCKET, files, "samples/bundled");
    const outcomes = await waitForOutcomes(uploads, (id) => stack.records.get(id), {
      timeoutMs: 600_000,
      progress: process.stdout.isTTY === true,
    });
    console.log(formatOutcomes(outcomes));
  }

  console.log(`
Search the charts:
  curl '${stack.apiUrl}/search?q=discharge'
  npx chartbridge search "<name or any word>"
Ingest more scans:
  npx chartbridge ingest <files or folders>
Press Ctrl-C to stop.`);
}
