/**
 * A 3,000-page PDF end to end on the local stack (issue: large files): uploaded to the local S3, validated and
 * fingerprinted by ingest, OCR'd page by page by the local engine, its result read page by page by
 * ocr-complete, split into its documents and indexed. Prints the time to a final state, what the file
 * became and the stack's peak RSS (one process: the handlers, the OCR workers, the local S3 and the index;
 * DynamoDB Local is a separate Java process, not counted).
 *
 *   npm run bench:large-file -- [--pages 3000] [--ocr-workers N] [--json]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { defaultOcrWorkers, LocalStack } from "../local/runtime/local-stack";
import { isInFlight } from "../shared/domain/status";
import { makeSampleChartPdf } from "../test/support/sample-chart";

const { values } = parseArgs({
  options: {
    pages: { type: "string", default: "3000" },
    "ocr-workers": { type: "string", default: String(defaultOcrWorkers()) },
    json: { type: "boolean", default: false },
  },
});
const pages = Number(values.pages);
const ocrWorkers = Number(values["ocr-workers"]);
const log = (line: string) => values.json || process.stderr.write(`${line}\n`);

const pdf = makeSampleChartPdf({ pages });
const key = `bench/large/chart-${pages}-pages.pdf`;
const dataDir = mkdtempSync(join(tmpdir(), "bench-large-file-"));
const stack = await LocalStack.start({ dataDir, apiPort: 0, ocrWorkers, logLevel: "ERROR" });
try {
  const started = performance.now();
  await stack.s3.send(
    new PutObjectCommand({
      Bucket: stack.config.UPLOAD_BUCKET,
      Key: key,
      Body: pdf,
      ContentType: "application/pdf",
    }),
  );
  log(`uploaded ${pages} pages (${(pdf.length / 1024 / 1024).toFixed(1)} MB); waiting for a final state…`);
  let file;
  let parts = 0;
  for (;;) {
    await new Promise((r) => setTimeout(r, 2000));
    const records = [];
    for await (const r of stack.records.scanAll()) if (r.source.key === key) records.push(r);
    file = records.find((r) => !r.split || r.split.part === 1);
    parts = records.length;
    if (file && !isInFlight(file.status) && records.every((r) => !isInFlight(r.status))) break;
    const elapsed = (performance.now() - started) / 1000;
    if (Math.round(elapsed) % 60 < 2)
      log(`  ${Math.round(elapsed)} s: ${file?.status ?? "not registered yet"}`);
  }
  await Promise.all([stack.ingestQueue.idle(), stack.ocrQueue.idle()]);
  const seconds = (performance.now() - started) / 1000;
  const report = {
    pages,
    ocrWorkers,
    pdfMb: Math.round((pdf.length / 1024 / 1024) * 10) / 10,
    seconds: Math.round(seconds),
    secondsPerPage: Math.round((seconds / pages) * 100) / 100,
    status: file.status,
    statusReason: file.statusReason,
    records: parts,
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    deadLetters: stack.ingestQueue.deadLetters.length + stack.ocrQueue.deadLetters.length,
  };
  if (values.json) console.log(JSON.stringify(report));
  else for (const [k, v] of Object.entries(report)) console.log(`  ${k.padEnd(16)} ${String(v)}`);
} finally {
  await stack.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
