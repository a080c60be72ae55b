/**
 * A 3,000-page Textract result through ocr-complete (issue: large files): the result is generated one Get…
 * response at a time from real Textract pages, fetched, stored raw in the local S3 (multipart) and extracted;
 * then read back as reprocessing reads it. Each phase runs in its own process and reports its time, its
 * baseline and peak RSS (getrusage) and its sampled peak heap.
 *
 *   npm run bench:large-result -- [--pages 3000] [--compare] [--json]
 *
 * `--compare` also runs the former way (every block in one array, one JSON string) on the same result.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { ensureBuckets, startS3Local } from "../local/services/s3-local";
import { createS3Client } from "../shared/adapters/s3/s3-client";

const { values } = parseArgs({
  options: {
    pages: { type: "string", default: "3000" },
    compare: { type: "boolean", default: false },
    json: { type: "boolean", default: false },
  },
});
const pages = Number(values.pages);
if (!Number.isInteger(pages) || pages < 1) throw new Error("--pages must be a positive whole number");

/** Runs a phase; its failure (a crash, running out of memory) is reported, not thrown. */
async function run(file: string, args: string[]) {
  try {
    const { stdout, stderr } = await promisify(execFile)(file, args, { maxBuffer: 1 << 20 });
    return { stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; signal?: string; stdout?: string; stderr?: string };
    return { stdout: e.stdout ?? "", stderr: e.stderr ?? "", error: `exit ${e.code ?? e.signal}` };
  }
}

const dir = mkdtempSync(join(tmpdir(), "bench-large-result-"));
const s3Local = await startS3Local({ directory: dir, port: 0 });
try {
  await ensureBuckets(createS3Client({ AWS_REGION: "us-east-1", S3_ENDPOINT: s3Local.endpoint }), [
    "results",
  ]);
  const phases = ["complete", "reread", ...(values.compare ? ["whole"] : [])];
  const results: Record<string, unknown>[] = [];
  for (const phase of phases) {
    if (!values.json) process.stderr.write(`${phase}: ${pages} pages…\n`);
    // Asynchronously: the local S3 the phase talks to runs in this process.
    const child = await run(process.execPath, [
      "--import",
      "tsx",
      join(import.meta.dirname, "large-result", "measure.ts"),
      phase,
      String(pages),
      s3Local.endpoint,
    ]);
    const line = child.stdout.trim().split("\n").at(-1) ?? "";
    if (child.error || !line.startsWith("{")) {
      results.push({ phase, pages, error: child.error ?? "no result", stderr: child.stderr.slice(-400) });
      continue;
    }
    results.push(JSON.parse(line) as Record<string, unknown>);
  }
  if (values.json) console.log(JSON.stringify({ pages, phases: results }));
  else {
    for (const r of results) {
      const { phase, ...rest } = r;
      console.log(`\n${String(phase)}`);
      for (const [k, v] of Object.entries(rest)) console.log(`  ${k.padEnd(16)} ${String(v)}`);
    }
  }
} finally {
  await s3Local.stop();
  rmSync(dir, { recursive: true, force: true });
}
