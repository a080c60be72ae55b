/**
 * FHIR bulk export on the local stack: N filed charts of N/4 patients written to the records table (the
 * stream indexes them), then `$export` through the HTTP API as a system client would run it: kick-off, polls
 * until the manifest (the worker's run, then one disclosure per patient written 100 per poll), and the NDJSON
 * downloaded through the manifest's links. Prints each phase's time, the export's rate and the stack's peak RSS.
 *
 *   npm run bench:export -- [--records 10000] [--json]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import pMap from "p-map";
import { issueLocalToken } from "../local/auth/local-tokens";
import { LocalStack } from "../local/runtime/local-stack";
import { newRecord, transition, type ChartRecord } from "../shared/domain/chart-record";

const { values } = parseArgs({
  options: { records: { type: "string", default: "10000" }, json: { type: "boolean", default: false } },
});
const total = Number(values.records);
const patients = Math.max(1, Math.round(total / 4));
const log = (line: string) => values.json || process.stderr.write(`${line}\n`);

let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 250);

/** A filed progress note of patient `p` (fictional identities, varied so Patients are assembled from several). */
function chart(i: number): ChartRecord {
  const p = i % patients;
  const now = new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString();
  const box = { left: 0.1, top: 0.1, width: 0.2, height: 0.02 };
  const field = (value: string, confidence = 0.95) => ({ value, confidence, page: 1, bbox: box });
  const created = newRecord({
    id: `doc_${i.toString(16).padStart(32, "0")}`,
    sha256: i.toString(16).padStart(64, "0"),
    source: { bucket: "bench", key: `bench/box/${i}.pdf`, size: 120_000 + i },
    fileType: "pdf",
    pageCount: 2,
    now,
  });
  const record: ChartRecord = {
    ...created,
    documentType: (["progress_note", "discharge_summary", "lab_report", "other"] as const)[i % 4],
    fields: {
      patientName: field(`Patient${p} Example`),
      dateOfBirth: field(`19${String(40 + (p % 60)).padStart(2, "0")}-0${1 + (p % 9)}-1${p % 10}`),
      sex: field(p % 2 ? "female" : "male"),
      mrn: field(`MRN-${String(p).padStart(8, "0")}`, 0.99),
      dateOfService: field(`2025-${String(1 + (i % 12)).padStart(2, "0")}-0${1 + (i % 9)}`),
    },
  };
  return transition(transition(transition(record, "OCR_PENDING", { now }), "EXTRACTED", { now }), "INDEXED", {
    now,
  });
}

const dataDir = mkdtempSync(join(tmpdir(), "bench-fhir-export-"));
const stack = await LocalStack.start({ dataDir, apiPort: 0, ocrWorkers: 1, logLevel: "ERROR" });
try {
  let started = performance.now();
  await pMap(
    Array.from({ length: total }, (_, i) => i),
    (i) => stack.records.createIfAbsent(chart(i)),
    { concurrency: 16 },
  );
  const writeSeconds = (performance.now() - started) / 1000;
  log(
    `wrote ${total} charts of ${patients} patients in ${writeSeconds.toFixed(1)} s; waiting for the index…`,
  );
  for (;;) {
    const found = await stack.deps.search!.search({ status: "INDEXED", limit: 1 });
    if (found.total >= total) break;
    await new Promise((r) => setTimeout(r, 1000));
  }
  const token = await issueLocalToken(
    dataDir,
    { client: "bench-hie", scopes: ["system/*.read"] },
    { ttlSeconds: 7200 },
  );
  const headers = {
    authorization: `Bearer ${token}`,
    "x-purpose-of-use": "TREATMENT",
    accept: "application/fhir+json",
  };
  started = performance.now();
  const kick = await fetch(`${stack.apiUrl}/fhir/$export`, {
    headers: { ...headers, prefer: "respond-async" },
  });
  if (kick.status !== 202) throw new Error(`kick-off answered ${kick.status}`);
  const status = kick.headers.get("content-location")!;
  let polls = 0;
  let exportedAt: number | undefined;
  let manifest: { output: { type: string; url: string; count: number }[] } | undefined;
  while (!manifest) {
    const res = await fetch(status, { headers });
    polls++;
    if (res.status === 200) manifest = (await res.json()) as typeof manifest;
    else if (res.status !== 202) throw new Error(`status answered ${res.status}`);
    else {
      await res.arrayBuffer();
      if (res.headers.get("x-progress") !== "exporting") exportedAt ??= performance.now();
      else await new Promise((r) => setTimeout(r, 250));
    }
  }
  const doneAt = performance.now();
  exportedAt ??= doneAt;
  let lines = 0;
  let bytes = 0;
  for (const output of manifest.output) {
    const text = await (await fetch(output.url)).text();
    bytes += Buffer.byteLength(text);
    lines += text.trimEnd().split("\n").length;
  }
  const report = {
    records: total,
    patients,
    exportSeconds: Number(((exportedAt - started) / 1000).toFixed(1)),
    recordsPerSecond: Math.round(total / ((exportedAt - started) / 1000)),
    disclosureSeconds: Number(((doneAt - exportedAt) / 1000).toFixed(1)),
    statusPolls: polls,
    outputs: manifest.output.map((o) => ({ type: o.type, count: o.count })),
    ndjsonLines: lines,
    ndjsonMb: Number((bytes / 1024 / 1024).toFixed(1)),
    peakRssMb: Math.round(peakRss / 1024 / 1024),
  };
  if (values.json) console.log(JSON.stringify(report));
  else console.table(report);
} finally {
  clearInterval(sampler);
  await stack.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
