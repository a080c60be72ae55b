/**
 * The web app as records staff meet it: how much JavaScript the first load carries (gzipped, as a CDN sends it),
 * and how long a search takes to reach the screen on a local stack holding `--records` charts.
 *
 * The charts go in the way the pipeline files them: a record in DynamoDB Local and its OCR text (about 2.5 kB,
 * from the bundled MTSamples notes) in the local S3; the stack's stream poller indexes them as it indexes any
 * record. Then Chromium (Playwright, Debian's package) signs in as records staff and runs `--queries` searches,
 * each a misspelled patient name typed into the search box: the time runs from pressing Enter until the result
 * list for that search is on screen (measured in the page, with performance.now()). The same searches against
 * the HTTP API alone show what the browser adds.
 *
 *   npm run bench:web -- [--records 10000] [--queries 30] [--json]
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { gzipSync } from "node:zlib";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { issueLocalToken } from "../local/auth/local-tokens";
import { LocalStack } from "../local/runtime/local-stack";
import { newRecord, transition, type ChartRecord } from "../shared/domain/chart-record";
import { DOCUMENT_TYPE_NAMES, type DocumentType } from "../shared/domain/document-types";
import type { ExtractedField } from "../shared/domain/fields";
import { mulberry32, sampleData } from "../samples/generator/chart-spec";
import { launchBrowser } from "../test/support/browser";
import { ensureWebBuild, webDistDir } from "../web/scripts/web-build";

const { values } = parseArgs({
  options: {
    records: { type: "string", default: "10000" },
    queries: { type: "string", default: "30" },
    json: { type: "boolean", default: false },
  },
});
const RECORDS = Number(values.records);
const QUERIES = Number(values.queries);
const log = (line: string) => {
  if (!values.json) console.log(line);
};

const ROOT = resolve(import.meta.dirname, "..");
const MIDDLE = "ABCDEFGHJKLMNPRSTVW";

// ── First load ──────────────────────────────────────────────────────────────────────────────────────
async function firstLoadSizes() {
  await ensureWebBuild(ROOT);
  const dist = webDistDir(ROOT);
  const index = readFileSync(join(dist, "index.html"), "utf8");
  const initial = [...index.matchAll(/(?:src|href)="\.\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]!);
  const gz = (file: string) => gzipSync(readFileSync(join(dist, file))).length;
  const local = initial.reduce((sum, f) => sum + gz(f), 0);
  // In AWS the sign-in page also loads the OIDC client (a lazy chunk locally).
  const oidc = readFileSync(join(dist, initial[0]!), "utf8").match(/oidc-client-ts-[\w-]+\.js/)?.[0];
  const aws = local + (oidc ? gz(`assets/${oidc}`) : 0);
  return { initialFiles: initial, localKb: local / 1024, awsKb: aws / 1024 };
}

// ── Charts ──────────────────────────────────────────────────────────────────────────────────────────
interface Seeded {
  name: string;
  id: string;
}

function field(value: string, page = 1): ExtractedField {
  return { value, confidence: 0.95, page, bbox: { left: 0.1, top: 0.1, width: 0.3, height: 0.02 } };
}

function chartText(random: () => number, name: string, dob: string, mrn: string): string {
  const { notes } = sampleData();
  const note = notes[Math.floor(random() * notes.length)]!;
  const body = note.sections.flatMap((s) => [s.heading, ...s.paragraphs]).join("\n");
  return `Patient Name: ${name}\nDOB: ${dob}\nMRN: ${mrn}\n${body}`.slice(0, 2600);
}

async function seed(stack: LocalStack): Promise<Seeded[]> {
  const random = mulberry32(2026);
  const { patients } = sampleData();
  const firsts = [...new Set(patients.map((p) => p.firstName))];
  const lasts = [...new Set(patients.map((p) => p.lastName))];
  const bucket = stack.config.RESULTS_BUCKET;
  const seeded: Seeded[] = [];
  const now = new Date().toISOString();
  const make = async (i: number) => {
    const name = `${firsts[i % firsts.length]} ${MIDDLE[Math.floor(i / firsts.length) % MIDDLE.length]}. ${lasts[Math.floor(i / (firsts.length * MIDDLE.length)) % lasts.length]}`;
    const dob = `19${40 + Math.floor(random() * 60)}-0${1 + Math.floor(random() * 9)}-1${Math.floor(random() * 9)}`;
    const mrn = String(10_000_000 + i);
    const id = `doc_${(0xbe000000 + i).toString(16).padStart(32, "0")}`;
    const textKey = `ocr/${id}/text.txt`;
    await stack.s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: textKey, Body: chartText(random, name, dob, mrn) }),
    );
    const type = DOCUMENT_TYPE_NAMES[i % DOCUMENT_TYPE_NAMES.length] as DocumentType;
    let record: ChartRecord = newRecord({
      id,
      sha256: id.slice(4).padEnd(64, "0"),
      source: { bucket: stack.config.UPLOAD_BUCKET, key: `bench/box-${i % 50}/${i}.pdf`, size: 120_000 },
      fileType: "pdf",
      pageCount: 2,
      now,
    });
    record = {
      ...transition(record, "OCR_PENDING", { now }),
      documentType: type,
      fields: {
        patientName: field(name),
        dateOfBirth: field(dob),
        mrn: field(mrn),
        dateOfService: field(
          `20${10 + Math.floor(random() * 15)}-0${1 + Math.floor(random() * 9)}-2${Math.floor(random() * 8)}`,
        ),
        facility: field(["Cedar Hollow Regional Hospital", "Maplewood General Hospital"][i % 2]!),
      },
      ocr: { engine: "bench", resultBucket: bucket, textKey, lineCount: 40 },
    };
    record = transition(transition(record, "EXTRACTED", { now }), "INDEXED", { now });
    await stack.records.createIfAbsent(record);
    seeded.push({ name, id });
  };
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < RECORDS) await make(next++);
    }),
  );
  return seeded;
}

/** A typing slip a person makes: one letter of the last name dropped. */
function misspell(name: string, random: () => number): string {
  const parts = name.split(" ");
  const last = parts[parts.length - 1]!;
  const at = 1 + Math.floor(random() * (last.length - 2));
  parts[parts.length - 1] = last.slice(0, at) + last.slice(at + 1);
  return `${parts[0]} ${parts[parts.length - 1]}`;
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const stats = (ms: number[]) => {
  const s = [...ms].sort((a, b) => a - b);
  return { p50: percentile(s, 50), p95: percentile(s, 95), max: s[s.length - 1]! };
};

// ── Run ─────────────────────────────────────────────────────────────────────────────────────────────
const sizes = await firstLoadSizes();
log(
  `First load: ${sizes.localKb.toFixed(1)} kB of JavaScript gzipped locally, ${sizes.awsKb.toFixed(1)} kB in AWS (with the OIDC client); budget 250 kB`,
);

const dataDir = mkdtempSync(join(tmpdir(), "chartbridge-bench-web-"));
const stack = await LocalStack.start({
  dataDir,
  apiPort: 0,
  inMemoryDb: true,
  ocrWorkers: 1,
  webApp: { distDir: webDistDir(ROOT) },
});
try {
  let started = Date.now();
  const seeded = await seed(stack);
  const seedSeconds = (Date.now() - started) / 1000;
  log(`Seeded ${RECORDS} charts in ${seedSeconds.toFixed(1)} s; waiting for the index …`);

  const token = await issueLocalToken(dataDir, { user: "bench-staff", groups: ["records-staff"] });
  const api = async (query: string) => {
    const res = await fetch(`${stack.apiUrl}/search?${query}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    return (await res.json()) as { total: number; hits: { id: string }[] };
  };
  started = Date.now();
  while ((await api("status=INDEXED&limit=1")).total < RECORDS) {
    if (Date.now() - started > 900_000) throw new Error("the index did not catch up in 15 minutes");
    await new Promise((r) => setTimeout(r, 1000));
  }
  const indexSeconds = (Date.now() - started) / 1000;
  log(`Indexed in ${indexSeconds.toFixed(1)} s more.`);

  const random = mulberry32(7);
  const picks = Array.from({ length: QUERIES }, () => seeded[Math.floor(random() * seeded.length)]!);
  const queries = picks.map((p) => misspell(p.name, random));

  const browser = await launchBrowser();
  const page = await (await browser.newContext({ viewport: { width: 1400, height: 1000 } })).newPage();
  await page.goto(`${stack.apiUrl}/#/search`);
  await page.getByRole("button", { name: /Records staff/ }).click();
  await page.getByLabel("Name or text").waitFor();

  const screen: number[] = [];
  let found = 0;
  for (let i = 0; i < queries.length; i++) {
    await page.getByLabel("Name or text").fill(queries[i]!);
    // In the page: from the Enter key to the frame that shows this search's results.
    const ms = await page.evaluate<number>(`new Promise((done) => {
      const input = document.getElementById("q");
      const t0 = performance.now();
      const check = () => {
        const shown = new URLSearchParams(location.hash.split("?")[1]).get("q") === ${JSON.stringify(queries[i])};
        const list = document.querySelector(".search-results section:not(.stale) h2#results-heading");
        if (shown && list) requestAnimationFrame(() => done(performance.now() - t0));
        else requestAnimationFrame(check);
      };
      input.form.requestSubmit();
      requestAnimationFrame(check);
    })`);
    screen.push(ms);
    // Names repeat with other middle initials (as they do in a hospital): the patient's first and last name count.
    const [first, , last] = picks[i]!.name.split(" ");
    const names = await page.locator("a.result-link").allTextContents();
    if (names.slice(0, 5).some((n) => n.startsWith(`${first} `) && n.endsWith(` ${last}`))) found++;
  }
  await browser.close();

  const apiOnly: number[] = [];
  for (const q of queries) {
    const t0 = performance.now();
    await api(`q=${encodeURIComponent(q)}&limit=25`);
    apiOnly.push(performance.now() - t0);
  }

  const result = {
    records: RECORDS,
    queries: QUERIES,
    firstLoadKbGzip: { local: Number(sizes.localKb.toFixed(1)), aws: Number(sizes.awsKb.toFixed(1)) },
    searchToScreenMs: stats(screen),
    apiSearchMs: stats(apiOnly),
    patientInTop5: found / QUERIES,
    seedSeconds,
    indexSeconds,
  };
  if (values.json) console.log(JSON.stringify(result));
  else {
    const f = (s: { p50: number; p95: number; max: number }) =>
      `p50 ${s.p50.toFixed(0)} ms, p95 ${s.p95.toFixed(0)} ms, max ${s.max.toFixed(0)} ms`;
    console.log(
      `Search to screen (${QUERIES} misspelled names, ${RECORDS} charts): ${f(result.searchToScreenMs)}`,
    );
    console.log(`The same searches, HTTP API only:                      ${f(result.apiSearchMs)}`);
    console.log(
      `A chart of the intended patient among the first 5 results: ${(result.patientInTop5 * 100).toFixed(0)} %`,
    );
  }
} finally {
  await stack.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
