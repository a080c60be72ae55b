import { resolve } from "node:path";
import { statSync } from "node:fs";
import pMap from "p-map";
import { REASON_CODES } from "../../../shared/domain/status";
import { BATCH_REASON_CODES } from "../../../shared/batches/batch";
import { issueLocalToken } from "../../auth/local-tokens";
import { requireRuntime } from "../api-client";
import { collectFiles } from "../collect-files";
import { BatchClient, type BatchReport, type UploadTarget } from "../batch-upload/batch-client";
import { buildManifest, nameProblems, type LocalFile } from "../batch-upload/manifest-builder";
import { UploadRefusedError, putFile } from "../batch-upload/put-file";
import { findState, saveState, type UploadState } from "../batch-upload/upload-state";
import { FilesProgress, formatBytes, TransferProgress } from "../batch-upload/progress";

export interface UploadOptions {
  dataDir: string;
  vendor: string;
  batch?: string;
  reference?: string;
  /** The records API of a deployment (AWS), with `token`; default: the running local stack. */
  api?: string;
  token?: string;
  concurrency: number;
  resume: boolean;
  close: boolean;
  wait: boolean;
  timeout: number;
  json: boolean;
}

/** Files whose outcome fails a delivery: the command exits 1 when any file ends so. */
const FAILING_STATES = new Set(["REJECTED", "MISSING", "FAILED"]);
const TARGET_WINDOW = 100;

/**
 * `chartbridge upload <folder>`: a vendor's delivery as a batch. Builds the manifest (hashing with progress),
 * creates the batch, uploads every file to its presigned target with bounded concurrency and retries, closes
 * the batch and, with --wait, prints the reconciliation. Interrupted, it resumes with --resume: files the
 * batch already has are not sent again.
 */
export async function uploadCommand(folderArg: string, opts: UploadOptions): Promise<number> {
  const folder = resolve(folderArg);
  const say = (line: string) => {
    if (!opts.json) console.log(line);
  };
  const { apiUrl, token } = connection(opts);
  const client = new BatchClient(apiUrl, token);

  const paths = collectFiles([folder]);
  if (paths.length === 0) throw new Error("No scan files (PDF, TIFF, PNG, JPEG) found in the folder");
  const problems = nameProblems(folder, paths);
  if (problems.length > 0)
    throw new Error(`These file names cannot be uploaded:\n  ${problems.slice(0, 20).join("\n  ")}`);

  const previous = opts.resume
    ? findState(opts.dataDir, { folder, vendor: opts.vendor, batchName: opts.batch })
    : undefined;
  if (opts.resume && !previous)
    throw new Error("Nothing to resume for this folder and vendor (no unfinished upload found)");
  const batchName = previous?.batchName ?? opts.batch ?? defaultBatchName(folder);

  // 1. The manifest: every file's size and SHA-256 (a resumed run re-reads only files that changed).
  const totalBytes = paths.reduce((sum, p) => sum + statSync(p).size, 0);
  const hashing = TransferProgress.start("Hashing  ", totalBytes, paths.length, opts.json);
  const files = await buildManifest(folder, paths, {
    known: new Map((previous?.files ?? []).map((f) => [f.name, { ...f, path: "" }])),
    onBytes: (n) => hashing?.add(n),
    onFile: () => hashing?.fileDone(),
  });
  hashing?.stop();

  // 2. The batch (created again with the same name and manifest, the API returns the same batch).
  const created = await client.create({
    name: batchName,
    ...(opts.reference ? { reference: opts.reference } : {}),
    files: files.map(({ name, size, sha256 }) => ({ name, size, sha256 })),
  });
  const batchId = created.batch.id;
  const state: UploadState = previous ?? {
    folder,
    vendor: opts.vendor,
    batchName,
    apiUrl,
    files: [],
    uploaded: [],
    closed: false,
    startedAt: new Date().toISOString(),
  };
  Object.assign(state, { batchId, files: files.map(({ path: _p, ...f }) => f) });
  saveState(opts.dataDir, state);
  say(`Batch ${opts.vendor}/${batchName} (${batchId}): ${files.length} file(s), ${formatBytes(totalBytes)}`);

  // 3. Uploads: skip what this run or the batch already has.
  const have = new Set(state.uploaded);
  for (const name of await receivedByBatch(client, batchId)) have.add(name);
  const todo = files.filter((f) => !have.has(f.name));
  if (created.batch.status === "OPEN" && todo.length > 0) {
    const sent = await uploadAll(client, batchId, todo, created.uploadTargets, opts, (name) => {
      state.uploaded.push(name);
      saveState(opts.dataDir, state);
    });
    say(
      `Uploaded ${sent} file(s)${files.length - todo.length ? `, ${files.length - todo.length} already there` : ""}`,
    );
  } else if (todo.length > 0) {
    say(`The batch is ${created.batch.status.toLowerCase()}: ${todo.length} file(s) were not sent`);
  }

  // 4. Close: whatever never arrived is MISSING from here on.
  if (!opts.close) return 0;
  await client.close(batchId);
  state.closed = true;
  saveState(opts.dataDir, state);
  if (!opts.wait) {
    say(`Closed. Follow it with: GET ${new URL(`batches/${batchId}`, withSlash(apiUrl))}`);
    return 0;
  }

  // 5. Wait for every file's final state, then the reconciliation.
  const done = await waitForCompletion(client, batchId, files.length, opts);
  const report = await client.report(batchId);
  if (opts.json) console.log(JSON.stringify(report));
  else console.log(formatReport(report));
  if (!done) return 2;
  return report.files.some((f) => FAILING_STATES.has(f.state)) ? 1 : 0;
}

function connection(opts: UploadOptions): { apiUrl: string; token: () => Promise<string> } {
  if (opts.api) {
    const given = opts.token ?? process.env.CHARTBRIDGE_TOKEN;
    if (!given) throw new Error("--api needs a vendor's access token: --token or CHARTBRIDGE_TOKEN");
    return { apiUrl: opts.api, token: async () => given };
  }
  const runtime = requireRuntime(opts.dataDir);
  const vendor = { user: `${opts.vendor}-uploader`, groups: ["vendor" as const], vendor: opts.vendor };
  return { apiUrl: runtime.apiUrl, token: () => issueLocalToken(opts.dataDir, vendor, { ttlSeconds: 300 }) };
}

/** Names of files the batch has received (any state but AWAITING_UPLOAD), page by page. */
async function receivedByBatch(client: BatchClient, batchId: string): Promise<string[]> {
  const names: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await client.get(batchId, { limit: 1000, ...(cursor ? { cursor } : {}) });
    for (const f of page.files) if (f.state !== "AWAITING_UPLOAD" && f.expected) names.push(f.name);
    cursor = page.nextCursor;
  } while (cursor);
  return names;
}

async function uploadAll(
  client: BatchClient,
  batchId: string,
  files: LocalFile[],
  initialTargets: UploadTarget[],
  opts: UploadOptions,
  onUploaded: (name: string) => void,
): Promise<number> {
  const targets = new Map(initialTargets.map((t) => [t.name, t]));
  const total = files.reduce((s, f) => s + f.size, 0);
  const progress = TransferProgress.start("Uploading", total, files.length, opts.json);
  let filesDone = 0;
  // Targets are fetched a window ahead of the uploads, and again for any that expired or was refused.
  const targetFor = async (file: LocalFile, index: number, fresh = false): Promise<UploadTarget> => {
    const cached = targets.get(file.name);
    if (!fresh && cached && Date.parse(cached.expiresAt) - Date.now() > 60_000) return cached;
    const window = fresh ? [file] : files.slice(index, index + TARGET_WINDOW);
    const answer = await client.targets(
      batchId,
      window.map((f) => f.name),
    );
    for (const t of answer.targets) targets.set(t.name, t);
    const target = targets.get(file.name);
    if (!target) throw new Error(`The batch has no manifest entry for ${file.name}`);
    return target;
  };
  await pMap(
    files.entries(),
    async ([index, file]) => {
      const tick = (n: number) => progress?.add(n);
      try {
        await putFile(file.path, file.size, await targetFor(file, index), tick);
      } catch (err) {
        // An expired URL (403) gets one fresh target; anything else is reported as it is.
        if (!(err instanceof UploadRefusedError) || err.status !== 403) throw refusal(err, file);
        await putFile(file.path, file.size, await targetFor(file, index, true), tick).catch((e: unknown) => {
          throw refusal(e, file);
        });
      }
      filesDone += 1;
      progress?.fileDone();
      onUploaded(file.name);
    },
    { concurrency: opts.concurrency },
  );
  progress?.stop();
  return filesDone;
}

function refusal(err: unknown, file: LocalFile): Error {
  if (err instanceof UploadRefusedError && err.code === "BadDigest")
    return new Error(`${file.name} changed after it was hashed (the storage refused its bytes); run again`);
  return new Error(`${file.name} could not be uploaded: ${(err as Error).message}`);
}

async function waitForCompletion(client: BatchClient, batchId: string, files: number, opts: UploadOptions) {
  const deadline = Date.now() + opts.timeout * 1000;
  const progress = FilesProgress.start(files, opts.json);
  try {
    for (;;) {
      const { batch } = await client.get(batchId, { limit: 1 });
      const counts = batch.counts as Record<string, number>;
      const inFlight = (counts.PROCESSING ?? 0) + (counts.AWAITING_UPLOAD ?? 0);
      const all = Object.values(counts).reduce((s, n) => s + n, 0);
      progress?.update(all - inFlight, all);
      if (batch.status === "COMPLETED") return true;
      if (Date.now() > deadline) return false;
      await new Promise((r) => setTimeout(r, 1000));
    }
  } finally {
    progress?.stop();
  }
}

/** Counts by state, then every file that did not end well, with its reason. */
export function formatReport(report: BatchReport): string {
  const { batch } = report;
  const counts = Object.entries(batch.counts as Record<string, number>)
    .filter(([, n]) => n > 0)
    .map(([state, n]) => `${state} ${n}`)
    .join(" · ");
  const lines = [
    `Batch ${batch.vendor}/${batch.name} (${batch.id}): ${batch.status}${report.complete ? "" : " (not every file is final yet)"}`,
    `  ${batch.expectedFiles} file(s) declared, ${batch.unexpectedFiles} unexpected`,
    `  ${counts}`,
  ];
  const problems = report.files.filter(
    (f) => FAILING_STATES.has(f.state) || f.state === "NEEDS_REVIEW" || !f.expected,
  );
  if (problems.length > 0) {
    lines.push("Files to look at:");
    for (const f of problems) {
      const reason = f.reasonCode ?? "";
      const text =
        (REASON_CODES as Record<string, string>)[reason] ??
        (BATCH_REASON_CODES as Record<string, string>)[reason] ??
        "";
      const flag = f.flags.includes("UNEXPECTED") ? "  [UNEXPECTED: not in the manifest]" : "";
      lines.push(`  ${f.name}  ${f.state}  ${reason}${text ? `  ${text}` : ""}${flag}`);
    }
  }
  lines.push(`Report: /batches/${batch.id}/report (add ?format=csv for a spreadsheet)`);
  return lines.join("\n");
}

const withSlash = (url: string) => (url.endsWith("/") ? url : `${url}/`);

/** `<folder>-20261204-0517`: recognisable in listings, unique per minute per folder. */
function defaultBatchName(folder: string): string {
  const base =
    folder
      .split(/[\\/]/)
      .pop()!
      .replace(/[^A-Za-z0-9._-]/g, "-")
      .replace(/^[^A-Za-z0-9]+/, "") || "batch";
  const stamp = new Date().toISOString().slice(0, 16).replace(/[-:]/g, "").replace("T", "-");
  return `${base.slice(0, 60)}-${stamp}`;
}
