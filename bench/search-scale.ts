/**
 * The local search index at scale: generated charts (bench/search/records.ts) loaded into the SQLite
 * index, then each kind of query a records department runs, timed; an upsert's delay until search finds
 * it; a restart's time to the first answer; memory and file size.
 *
 *   npm run bench:search -- [--records 100000] [--queries 60] [--seed 1] [--dir D] [--keep] [--json]
 *
 * `--dir` with an index already built there for the same --records and --seed skips the load (`--keep`
 * leaves the index in place for that). `--json` prints one object: records, load, queries (per kind p50 and
 * p95 in ms), upsert, restart, memory, file.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Faker, en } from "@faker-js/faker";
import { SqliteSearchIndex } from "../shared/adapters/sqlite-search/sqlite-search-index";
import type { SearchQuery, SearchResult } from "../shared/search/search-index";
import { recordGenerator, type GeneratedPatient } from "./search/records";

const { values } = parseArgs({
  options: {
    records: { type: "string", default: "100000" },
    queries: { type: "string", default: "60" },
    seed: { type: "string", default: "1" },
    dir: { type: "string" },
    keep: { type: "boolean", default: false },
    json: { type: "boolean", default: false },
  },
});
const RECORDS = Number(values.records);
const QUERIES = Number(values.queries);
const SEED = Number(values.seed);
const log = (line: string) => {
  if (!values.json) console.log(line);
};

/** Clinical words of middling frequency, for text + type queries. */
const CLINICAL_WORDS = [
  "hypertension",
  "diabetes",
  "metformin",
  "nausea",
  "fracture",
  "biopsy",
  "asthma",
  "hemoglobin",
  "ultrasound",
  "infection",
];
const TYPES = [
  "discharge_summary",
  "progress_note",
  "lab_report",
  "consult_note",
  "radiology_report",
] as const;

async function main() {
  const dir = values.dir ?? mkdtempSync(join(tmpdir(), "chartbridge-bench-search-"));
  const file = join(dir, "search-index.sqlite");
  const manifest = join(dir, "bench-search.json");
  const generator = recordGenerator(RECORDS, SEED);
  let load: { seconds: number; perSecond: number } | undefined;
  let patients: GeneratedPatient[];

  const reuse =
    existsSync(file) &&
    existsSync(manifest) &&
    JSON.parse(readFileSync(manifest, "utf8")).records === RECORDS &&
    JSON.parse(readFileSync(manifest, "utf8")).seed === SEED;
  if (reuse) {
    patients = (JSON.parse(readFileSync(manifest, "utf8")) as { patients: GeneratedPatient[] }).patients;
    log(`reusing the index in ${dir}`);
  } else {
    rmSync(file, { force: true });
    const index = SqliteSearchIndex.open({ file });
    log(`loading ${RECORDS.toLocaleString("en-US")} generated charts into ${file} …`);
    const started = performance.now();
    let loaded = 0;
    const progress = setInterval(() => log(`  ${loaded.toLocaleString("en-US")} …`), 30_000);
    async function* counted() {
      for (const doc of generator.docs()) {
        loaded++;
        yield doc;
      }
    }
    await index.rebuild(counted());
    clearInterval(progress);
    const seconds = (performance.now() - started) / 1000;
    load = { seconds: round(seconds, 1), perSecond: Math.round(RECORDS / seconds) };
    await index.close();
    patients = generator.patients;
    writeFileSync(manifest, JSON.stringify({ records: RECORDS, seed: SEED, patients }));
    log(`loaded in ${load.seconds} s (${load.perSecond}/s)`);
  }

  const faker = new Faker({ locale: [en] });
  faker.seed(SEED + 1);
  const pick = () => faker.helpers.arrayElement(patients);
  // Restart: a new process opens the file and answers a name search (its time since process start), then
  // the same in this process (open + first answer, without module loading).
  const child = spawnSync(
    process.execPath,
    ["--import", "tsx", join(import.meta.dirname, "search/first-answer.ts"), file, pick().name],
    {
      encoding: "utf8",
    },
  );
  if (child.status !== 0) throw new Error(`first-answer process failed: ${child.stderr}`);
  const processMs = (JSON.parse(child.stdout) as { ms: number }).ms;
  const restartStarted = performance.now();
  const index = SqliteSearchIndex.open({ file });
  await index.search({ q: pick().name, limit: 20 });
  const restartMs = round(performance.now() - restartStarted, 1);
  log(
    `restart to first answer: new process ${processMs} ms from its start (module loading included); reopen in process ${restartMs} ms`,
  );

  const kinds: Record<string, () => SearchQuery> = {
    exactName: () => ({ q: pick().name, limit: 20 }),
    nameWithTypo: () => ({ q: typo(faker, pick().name), limit: 20 }),
    mrn: () => ({ mrn: pick().mrn, limit: 20 }),
    textAndType: () => ({
      q: faker.helpers.arrayElement(CLINICAL_WORDS),
      type: faker.helpers.arrayElement(TYPES),
      limit: 20,
    }),
    dateRange: () => {
      const from = new Date(Date.parse("2015-01-01") + faker.number.int(RECORDS / 1440) * 86_400_000);
      const to = new Date(from.getTime() + 30 * 86_400_000);
      return { from: from.toISOString().slice(0, 10), to: to.toISOString().slice(0, 10), limit: 20 };
    },
    commonWord: () => ({
      q: faker.helpers.arrayElement(["patient", "history", "pain", "normal"]),
      limit: 20,
    }),
  };
  const queries: Record<
    string,
    { p50: number; p95: number; max: number; meanTotal: number; lowerBound: number }
  > = {};
  for (const [kind, make] of Object.entries(kinds)) queries[kind] = await timeQueries(index, make);
  queries.deepPage = await timeDeepPages(index);
  if (!values.json)
    for (const [kind, q] of Object.entries(queries))
      log(
        `${kind.padEnd(14)} p50 ${q.p50} ms  p95 ${q.p95} ms  max ${q.max} ms  (mean total ${q.meanTotal}, ${q.lowerBound} of ${QUERIES} past the window)`,
      );

  const upsert = await timeUpserts(index, faker);
  log(`upsert until search finds it: p50 ${upsert.p50} ms, p95 ${upsert.p95} ms, max ${upsert.max} ms`);
  await index.close();

  const memory = {
    rssMB: Math.round(process.memoryUsage().rss / 1e6),
    peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
  };
  const fileMB = Math.round((statSync(file).size + sizeOr0(`${file}-wal`)) / 1e6);
  log(`memory: RSS ${memory.rssMB} MB, peak ${memory.peakRssMB} MB; index file ${fileMB} MB`);
  if (values.json)
    console.log(
      JSON.stringify({
        records: RECORDS,
        load,
        queries,
        upsert,
        restart: { processFirstAnswerMs: processMs, reopenFirstAnswerMs: restartMs },
        memory,
        file: { MB: fileMB },
      }),
    );
  if (!values.keep && !values.dir) rmSync(dir, { recursive: true, force: true });
}

async function timeQueries(index: SqliteSearchIndex, make: () => SearchQuery) {
  for (let i = 0; i < 5; i++) await index.search(make());
  const times: number[] = [];
  let total = 0;
  let lowerBound = 0;
  for (let i = 0; i < QUERIES; i++) {
    const query = make();
    const started = performance.now();
    const result: SearchResult = await index.search(query);
    times.push(performance.now() - started);
    total += result.total;
    if (result.totalRelation === "gte") lowerBound++;
  }
  return { ...percentiles(times), meanTotal: Math.round(total / QUERIES), lowerBound };
}

/** Pages of a newest-first list (filed charts) at depths across the archive, each from its cursor. */
async function timeDeepPages(index: SqliteSearchIndex) {
  const cursors: string[] = [];
  const step = Math.max(1000, Math.floor(RECORDS / 2 / QUERIES / 1000) * 1000);
  let cursor: string | undefined;
  for (let depth = 0; cursors.length < QUERIES && depth < RECORDS; depth += 1000) {
    const page = await index.search({ status: "INDEXED", limit: 1000, ...(cursor ? { cursor } : {}) });
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
    if ((depth + 1000) % step === 0) cursors.push(cursor);
  }
  const times: number[] = [];
  for (const at of cursors) {
    const started = performance.now();
    await index.search({ status: "INDEXED", limit: 20, cursor: at });
    times.push(performance.now() - started);
  }
  return { ...percentiles(times), meanTotal: 0, lowerBound: 0 };
}

/**
 * A new chart upserted, then searched for until it is found (a run's own ids, removed afterwards, so a kept
 * index stays as loaded). Not found within 5 s is a failure, not a figure.
 */
async function timeUpserts(index: SqliteSearchIndex, faker: Faker) {
  const times: number[] = [];
  const run = Date.now().toString(36);
  for (let i = 0; i < 40; i++) {
    const marker = `zq${faker.string.alpha({ length: 10, casing: "lower" })}`;
    const id = `bench_upsert_${run}_${i}`;
    const started = performance.now();
    const applied = await index.upsert({
      id,
      version: 1,
      status: "INDEXED",
      documentType: "progress_note",
      patientName: `Upsert ${marker}`,
      diagnoses: [],
      medications: [],
      allergies: [],
      text: `Progress note ${marker}. Patient seen for follow up.`,
      sourceKey: `bench/${i}.pdf`,
      createdAt: new Date().toISOString(),
      updatedAt: new Date().toISOString(),
    });
    if (applied !== "applied") throw new Error(`upsert ${i} was ${applied}`);
    while ((await index.search({ q: marker, limit: 1 })).total === 0) {
      if (performance.now() - started > 5000) throw new Error(`upsert ${i} not found by search within 5 s`);
      await new Promise((r) => setTimeout(r, 1));
    }
    times.push(performance.now() - started);
    await index.remove(id, 2);
  }
  return percentiles(times);
}

function typo(faker: Faker, name: string): string {
  const [first, ...rest] = name.split(" ");
  const last = rest.join(" ");
  if (last.length < 4) return name;
  const at = 1 + faker.number.int(last.length - 3);
  const swapped = last.slice(0, at) + last[at + 1] + last[at] + last.slice(at + 2);
  const substituted = last.slice(0, at) + (last[at] === "e" ? "a" : "e") + last.slice(at + 1);
  return `${first} ${faker.datatype.boolean() ? swapped : substituted}`;
}

function percentiles(times: number[]) {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? 0;
  return { p50: round(at(0.5), 1), p95: round(at(0.95), 1), max: round(sorted.at(-1) ?? 0, 1) };
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

function sizeOr0(path: string): number {
  return existsSync(path) ? statSync(path).size : 0;
}

await main();
