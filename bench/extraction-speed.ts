/**
 * Extraction speed (the target is in the README). Builds the 100-page response the way bench/accuracy.ts does (repeatToPages over the labeled Textract fixtures) and
 * prints the median of 5 runs after 2 warm-up runs for each stage:
 *
 *   npx tsx bench/extraction-speed.ts [--pages 100] [--runs 5] [--json]
 *
 * Two inputs: "analyze" = every labeled fixture (FORMS/TABLES/QUERIES pages mixed with plain text pages,
 * what bench/accuracy uses when it has no synthetic OCR output), "detect" = only the PAGE/LINE/WORD fixtures
 * (DetectDocumentText and the local engine's output shape).
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { buildModel, extractPart, plainText, splitDocuments } from "../shared/extraction";
import { buildDocModelWithParser } from "../test/support/parser-model";
import { extractDocument, extractDocuments, splitDocument, subDocument } from "../test/support/extraction";
import type { TextractDocument } from "../shared/ocr/textract-blocks";
import { parseTextractJson } from "../local/cli/commands/extract";
import { pageCountOf, repeatToPages } from "./accuracy/textract-tools";

const { values } = parseArgs({
  options: {
    pages: { type: "string", default: "100" },
    runs: { type: "string", default: "5" },
    json: { type: "boolean", default: false },
  },
});
const PAGES = Number(values.pages);
const RUNS = Math.max(1, Number(values.runs));
const ref = { referenceDate: new Date("2025-07-01T00:00:00Z") };

const FIXTURES = fileURLToPath(new URL("../test/fixtures", import.meta.url));
const labels = readdirSync(path.join(FIXTURES, "labels"))
  .filter((f) => f.endsWith(".json"))
  .sort()
  .map((f) => JSON.parse(readFileSync(path.join(FIXTURES, "labels", f), "utf8")) as { fixture?: string })
  .filter((l) => l.fixture && existsSync(path.join(FIXTURES, l.fixture)));
const sources = labels.map((l) =>
  parseTextractJson(readFileSync(path.join(FIXTURES, l.fixture as string), "utf8")),
);
const DETECT = new Set(["PAGE", "LINE", "WORD"]);
/** The same pages as DetectDocumentText (or the local engine) returns them: PAGE/LINE/WORD blocks only. */
const detectSources = sources.map((d): TextractDocument => {
  const blocks = d.Blocks.filter((b) => DETECT.has(b.BlockType));
  const ids = new Set(blocks.map((b) => b.Id));
  return {
    ...d,
    Blocks: blocks.map((b) =>
      b.Relationships
        ? {
            ...b,
            Relationships: b.Relationships.map((r) => ({ ...r, Ids: r.Ids.filter((id) => ids.has(id)) })),
          }
        : b,
    ),
  };
});

/**
 * Median of RUNS runs after 2 warm-up runs: wall time, and this process's CPU time (user + system; steadier on
 * a busy machine, but it also counts GC helper threads).
 */
function time(fn: () => unknown): { ms: number; cpuMs: number; runs: number[] } {
  for (let i = 0; i < 2; i++) fn();
  const runs: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fn();
    runs.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
  return { ms: median(runs), cpuMs: median(cpu), runs };
}

/** The pipeline before one model was shared: split, then extract each part from its own sub-document. */
function pipelineToday(doc: TextractDocument): void {
  const ranges = splitDocument(doc, ref);
  const parts =
    ranges.length > 1
      ? ranges
      : [{ pages: [1, Math.max(1, doc.DocumentMetadata.Pages)] as [number, number] }];
  for (const part of parts) extractDocument(parts.length > 1 ? subDocument(doc, part.pages) : doc, ref);
}

/** The same with the DocModel built once, each part read in place: what shared/pipeline/complete-ocr.ts does. */
function pipelineOneModel(doc: TextractDocument): void {
  const model = buildModel(doc);
  const ranges = splitDocuments(model, ref);
  const parts =
    ranges.length > 1
      ? ranges
      : [{ pages: [1, Math.max(1, doc.DocumentMetadata.Pages)] as [number, number] }];
  for (const part of parts) {
    const pages = parts.length > 1 ? part.pages : undefined;
    extractPart(model, pages, ref);
    plainText(model, pages);
  }
}

/** Before the speed work every model was built by the parser alone (buildDocModelWithParser). */
function pipelineParserOnly(doc: TextractDocument): void {
  const ranges = splitDocuments(buildDocModelWithParser(doc), ref);
  const parts =
    ranges.length > 1
      ? ranges
      : [{ pages: [1, Math.max(1, doc.DocumentMetadata.Pages)] as [number, number] }];
  for (const part of parts)
    extractPart(
      buildDocModelWithParser(parts.length > 1 ? subDocument(doc, part.pages) : doc),
      undefined,
      ref,
    );
}

const out: Record<string, Record<string, number>> = {};
for (const [name, srcs] of [
  ["analyze", sources],
  ["detect", detectSources],
] as const) {
  if (!srcs.length) continue;
  const doc = repeatToPages(srcs, PAGES);
  const parts = splitDocument(doc, ref).length;
  const rows: [string, () => unknown][] = [
    ["buildDocModelWithParser (before)", () => buildDocModelWithParser(doc)],
    ["buildModel", () => buildModel(doc)],
    [
      "extractDocument, parser model (before)",
      () => extractPart(buildDocModelWithParser(doc), undefined, ref),
    ],
    ["extractDocument", () => extractDocument(doc, ref)],
    ["splitDocument, parser model (before)", () => splitDocuments(buildDocModelWithParser(doc), ref)],
    ["splitDocument", () => splitDocument(doc, ref)],
    [`pipeline today, parser models (before; ${parts} parts)`, () => pipelineParserOnly(doc)],
    [`pipeline today (split + per-part extract)`, () => pipelineToday(doc)],
    [`pipeline, one model (+ plainText per part)`, () => pipelineOneModel(doc)],
    [`extractDocuments (split + extractPart per part)`, () => extractDocuments(doc, ref)],
  ];
  out[name] = {};
  if (!values.json) {
    console.log(
      `\n${name}: ${PAGES}-page response from ${srcs.length} fixture(s) (${srcs.reduce((n, d) => n + pageCountOf(d), 0)} source pages), ${doc.Blocks.length} blocks`,
    );
  }
  for (const [label, fn] of rows) {
    const t = time(fn);
    (out[name] as Record<string, number>)[label] = Number(t.ms.toFixed(1));
    (out[name] as Record<string, number>)[`${label} [cpu]`] = Number(t.cpuMs.toFixed(1));
    if (!values.json) {
      console.log(
        `  ${label.padEnd(52)} ${t.ms.toFixed(1).padStart(7)} ms  cpu ${t.cpuMs.toFixed(1).padStart(7)} ms  (runs ${t.runs.map((x) => x.toFixed(0)).join("/")})`,
      );
    }
  }
}
if (values.json) console.log(JSON.stringify({ pages: PAGES, runs: RUNS, medianMs: out }, null, 2));
