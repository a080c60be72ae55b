/**
 * Extraction accuracy benchmark: runs OCR + extraction over labeled data and prints, per set,
 * per-field precision/recall/F1, overall micro F1, document-type accuracy, split accuracy, auto-accept
 * precision for mrn/dateOfBirth, review rate, wrong-patient count and pages/second; then the time to extract
 * a 100-page Textract response.
 *
 *   npx tsx bench/accuracy.ts [--count 24] [--seed 1] [--sets clean,degraded,photo,textract,images] [--workers N]
 *                             [--stacks N (default count/4)] [--variation wide|fixed] [--engine native|wasm|auto]
 *                             [--json] [--verbose]
 *
 * Sets: clean / degraded = synthetic charts (local OCR); photo = the same charts photographed with a phone
 * (uneven light, keystone, JPEG) or carbon copies (faint ink on tinted paper), figures also per capture kind;
 * all by default varied beyond the layouts (paper size,
 * print position, type, and a declared resolution that is right, missing, 72, 96 or wrong: figures also per
 * declared resolution and per paper; `--variation fixed` builds the corpus of before); textract = saved
 * real Textract responses with labels in test/fixtures/labels/*.json; images = real medical sample images/PDFs (local OCR) labeled in
 * test/fixtures/labels/images/*.json. Real documents' OCR text and values are never printed; `--verbose`
 * lists field mismatches (expected/got) for the synthetic sets only. Always exits 0 unless it crashes.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { recognizeDocument } from "../shared/adapters/local-ocr/local-ocr";
import { createOcrPool, parseOcrEngine, type OcrPool } from "../shared/adapters/local-ocr/recognizer-pools";
import { isDocumentType, type DocumentType } from "../shared/domain/document-types";
import { FIELD_NAMES, type FieldName } from "../shared/domain/fields";
import { extractDocument, extractWithReview } from "../test/support/extraction";
import type { ExtractOptions } from "../shared/extraction";
import type { TextractDocument } from "../shared/ocr/textract-blocks";
import { parseTextractJson } from "../local/cli/commands/extract";
import {
  buildCorpus,
  type CorpusItem,
  type TruthDocument,
  type TruthFields,
} from "../samples/generator/corpus";
import {
  evaluate,
  pairByPages,
  withDroppedSeparators,
  type EvaluatedDocument,
  type EvaluatedSplit,
  type FieldValues,
  type Report,
  type Scores,
} from "./accuracy/metrics";
import { labelsOnlyIn } from "./accuracy/leave-one-layout-out";
import {
  loadSplitter,
  pageCountOf,
  predictRanges,
  repeatToPages,
  slicePages,
  type LoadedSplitter,
} from "./accuracy/textract-tools";

/** Per layout, the labels only it uses (leave-one-layout-out). */
const OWN_LABELS = labelsOnlyIn();
const ROOT = fileURLToPath(new URL("..", import.meta.url));
const FIXTURES = path.join(ROOT, "test/fixtures");
/**
 * Two real sample images are over the size we keep in the repo; when the team's corpus folder sits beside
 * the checkout (`../shared/corpus`, or CHARTBRIDGE_CORPUS), they are read from there, else skipped.
 */
const CORPUS = process.env.CHARTBRIDGE_CORPUS ?? path.resolve(import.meta.dirname, "../../shared/corpus");
const ALL_SETS = ["clean", "degraded", "photo", "textract", "images"] as const;
type SetName = (typeof ALL_SETS)[number];

const { values } = parseArgs({
  options: {
    count: { type: "string", default: "24" },
    seed: { type: "string", default: "1" },
    sets: { type: "string", default: ALL_SETS.join(",") },
    workers: { type: "string", default: String(availableParallelism()) },
    stacks: { type: "string" },
    variation: { type: "string", default: "wide" },
    json: { type: "boolean", default: false },
    verbose: { type: "boolean", default: false },
    engine: { type: "string", default: "auto" },
  },
});
const count = Number(values.count);
const seed = Number(values.seed);
const workers = Math.max(1, Number(values.workers));
/** Multi-document stacks per synthetic set: default a quarter of the items, so split accuracy means something. */
const stacks = values.stacks === undefined ? Math.floor(count / 4) : Number(values.stacks);
if (values.variation !== "wide" && values.variation !== "fixed")
  throw new Error("--variation must be wide or fixed");
const variation = values.variation;
const sets = values.sets
  .split(",")
  .map((s) => s.trim())
  .filter((s): s is SetName => (ALL_SETS as readonly string[]).includes(s));

/** A labeled file: its Textract-shaped OCR (or a way to get it) and its truth documents. */
interface LabeledFile {
  id: string;
  truth:
    | TruthDocument[]
    | {
        documentType?: DocumentType;
        fields: TruthFields;
        pages?: undefined;
        handwritten?: readonly FieldName[];
      }[];
  load: () => Promise<TextractDocument>;
  /** Blank or separator sheets (synthetic stacks): truth counts them at the end of the preceding document. */
  separatorPages?: readonly number[];
  /** How a wide corpus's file departs from its layout: its figures are also reported by these. */
  groups?: { declared: string; paper: string; capture: string };
  /** Synthetic files: the layout, for the leave-one-layout-out figures. */
  layout?: string;
}

interface SetResult {
  name: SetName;
  files: number;
  pages: number;
  seconds: number;
  skipped: string[];
  synthetic: boolean;
  report: Report;
  /**
   * Synthetic sets: every document extracted without the labels only its own layout uses (as if the rules
   * had been written without that layout), overall and for the layouts that have such labels only, beside
   * the same documents' figures with every label.
   */
  leaveOneLayoutOut?: { overall: Report; heldOut: Report; heldOutWithLabels: Report; layouts: string[] };
  /** Wide synthetic sets: reports of the files by declared resolution and by paper. */
  byGroup?: {
    declared: Record<string, Report>;
    paper: Record<string, Report>;
    capture: Record<string, Report>;
  };
  ocrDocs: TextractDocument[];
}

const confidences = (fields: Partial<Record<FieldName, { confidence: number }>>) => {
  const out: Partial<Record<FieldName, number>> = {};
  for (const f of FIELD_NAMES) if (fields[f]) out[f] = fields[f].confidence;
  return out;
};

const toValues = (fields: TruthFields | Partial<Record<FieldName, { value: string }>>): FieldValues => {
  const out: FieldValues = {};
  for (const f of FIELD_NAMES) {
    const v = (fields as Record<string, unknown>)[f];
    if (typeof v === "string") out[f] = v;
    else if (v && typeof v === "object" && typeof (v as { value?: unknown }).value === "string")
      out[f] = (v as { value: string }).value;
  }
  return out;
};

/** Runs `fn` over `items` with at most `limit` in flight. */
async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const run = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, run));
  return out;
}

/** Extraction + evaluation of one file: predicted ranges, paired with the truth. */
function evaluateFile(
  file: LabeledFile,
  doc: TextractDocument,
  splitter: LoadedSplitter | undefined,
  options: ExtractOptions = {},
): { documents: EvaluatedDocument[]; split?: EvaluatedSplit } {
  const pageCount = pageCountOf(doc);
  const truth = file.truth.map((t) => ({ ...t, pages: t.pages ?? ([1, pageCount] as [number, number]) }));
  const ranges = withDroppedSeparators(predictRanges(doc, splitter), file.separatorPages ?? []);
  const predicted = ranges.map((pages) => {
    const { result, review } = extractWithReview(slicePages(doc, pages), options);
    return { pages, result, review };
  });
  const evalDoc = (
    id: string,
    p: (typeof predicted)[number] | undefined,
    t: (typeof truth)[number] | undefined,
  ): EvaluatedDocument => ({
    id,
    predicted: p ? toValues(p.result.fields) : {},
    truth: t ? toValues(t.fields) : {},
    predictedType: p?.result.documentType ?? "(none)",
    ...(t?.documentType ? { truthType: t.documentType } : {}),
    needsReview: p ? p.review !== undefined : true,
    ...(t && "handwritten" in t && t.handwritten ? { handwritten: t.handwritten } : {}),
    ...(p ? { confidence: confidences(p.result.fields) } : {}),
  });
  const documents: EvaluatedDocument[] = [];
  const label = (r: [number, number]) => (truth.length > 1 ? `${file.id}[p${r[0]}-${r[1]}]` : file.id);
  if (!splitter) {
    // No splitter: the whole file is one predicted document, judged against the first truth document.
    documents.push(evalDoc(label(truth[0]?.pages ?? [1, pageCount]), predicted[0], truth[0]));
  } else {
    const { pairs, unmatchedTruth, unmatchedPredicted } = pairByPages(predicted, truth);
    for (const [p, t] of pairs) documents.push(evalDoc(label(t.pages), p, t));
    for (const t of unmatchedTruth) documents.push(evalDoc(label(t.pages), undefined, t));
    // A prediction with a wrong range is a split error; it still must not carry another patient's identity.
    const overlap = (a: [number, number], b: [number, number]) =>
      Math.max(0, Math.min(a[1], b[1]) - Math.max(a[0], b[0]) + 1);
    for (const p of unmatchedPredicted) {
      const best = [...truth].sort((a, b) => overlap(p.pages, b.pages) - overlap(p.pages, a.pages))[0];
      documents.push({
        ...evalDoc(`${file.id}[pred p${p.pages[0]}-${p.pages[1]}]`, p, best),
        splitOnly: true,
      });
    }
  }
  const split = { id: file.id, predicted: ranges, truth: truth.map((t) => t.pages) };
  return { documents, split };
}

async function runSet(
  name: SetName,
  files: LabeledFile[],
  skipped: string[],
  splitter: LoadedSplitter | undefined,
  synthetic: boolean,
  concurrency: number,
): Promise<SetResult> {
  const t0 = performance.now();
  const documents: EvaluatedDocument[] = [];
  const splits: EvaluatedSplit[] = [];
  const ocrDocs: TextractDocument[] = [];
  const groupOf = new Map<EvaluatedDocument, NonNullable<LabeledFile["groups"]>>();
  const lolo = {
    overall: [] as EvaluatedDocument[],
    heldOut: [] as EvaluatedDocument[],
    withLabels: [] as EvaluatedDocument[],
  };
  let pages = 0;
  await mapLimit(files, concurrency, async (file) => {
    let doc: TextractDocument;
    try {
      doc = await file.load();
    } catch (err) {
      skipped.push(`${file.id}: ${err instanceof Error ? err.name : "error"}`);
      return;
    }
    pages += pageCountOf(doc);
    if (synthetic) ocrDocs.push(doc);
    const r = evaluateFile(file, doc, splitter);
    documents.push(...r.documents);
    if (file.groups) for (const d of r.documents) groupOf.set(d, file.groups);
    if (file.layout !== undefined) {
      const own = OWN_LABELS.get(file.layout);
      if (own?.size) {
        const without = evaluateFile(file, doc, splitter, { withoutLabels: own }).documents;
        lolo.overall.push(...without);
        lolo.heldOut.push(...without);
        lolo.withLabels.push(...r.documents);
      } else lolo.overall.push(...r.documents);
    }
    if (r.split) splits.push(r.split);
    if (!values.json) process.stderr.write(".");
  });
  if (!values.json) process.stderr.write("\n");
  const seconds = (performance.now() - t0) / 1000;
  // Stable order regardless of completion order.
  documents.sort((a, b) => a.id.localeCompare(b.id));
  return {
    name,
    files: files.length - skipped.length,
    pages,
    seconds,
    skipped,
    synthetic,
    report: evaluate(documents, splits),
    ...(groupOf.size ? { byGroup: reportsByGroup(documents, groupOf) } : {}),
    ...(lolo.overall.length
      ? {
          leaveOneLayoutOut: {
            overall: evaluate(lolo.overall, []),
            heldOut: evaluate(lolo.heldOut, []),
            heldOutWithLabels: evaluate(lolo.withLabels, []),
            layouts: [...OWN_LABELS].filter(([, own]) => own.size).map(([name]) => name),
          },
        }
      : {}),
    ocrDocs,
  };
}

/** The documents' figures per declared resolution and per paper (field and type figures; no split). */
function reportsByGroup(
  documents: EvaluatedDocument[],
  groupOf: Map<EvaluatedDocument, NonNullable<LabeledFile["groups"]>>,
): NonNullable<SetResult["byGroup"]> {
  const by = (key: "declared" | "paper" | "capture") => {
    const names = [...new Set([...groupOf.values()].map((g) => g[key]))].sort();
    return Object.fromEntries(
      names.map((name) => [
        name,
        evaluate(
          documents.filter((d) => groupOf.get(d)?.[key] === name),
          [],
        ),
      ]),
    );
  };
  return { declared: by("declared"), paper: by("paper"), capture: by("capture") };
}

// ---------- sources ----------

function syntheticFiles(items: CorpusItem[], pool: OcrPool): LabeledFile[] {
  const mime = { pdf: "application/pdf", tiff: "image/tiff", png: "image/png", jpeg: "image/jpeg" } as const;
  return items.map((item) => ({
    id: `${item.id}(${item.format},${item.layout})`,
    truth: item.documents,
    ...(item.separatorPages ? { separatorPages: item.separatorPages } : {}),
    layout: item.layout,
    ...(item.variation
      ? {
          groups: {
            declared: item.variation.declared,
            paper: item.variation.paper,
            capture: item.profile?.kind ?? "clean",
          },
        }
      : {}),
    load: () => recognizeDocument(item.file, { pool, mimeType: mime[item.format] }),
  }));
}

interface LabelFile {
  fixture?: string;
  image?: string;
  documentType?: string;
  fields?: TruthFields;
  documents?: {
    pages: [number, number];
    documentType: string;
    fields: TruthFields;
    handwritten?: string[];
  }[];
  /** Fields whose value is written by hand on the paper (tesseract does not read handwriting). */
  handwritten?: string[];
}

function truthFromLabel(label: LabelFile): LabeledFile["truth"] {
  const type = (t: string | undefined) => (t !== undefined && isDocumentType(t) ? t : undefined);
  const byHand = (names: readonly string[] | undefined) => {
    const fields = (names ?? []).filter((f): f is FieldName =>
      (FIELD_NAMES as readonly string[]).includes(f),
    );
    return fields.length ? { handwritten: fields } : {};
  };
  if (label.documents?.length) {
    return label.documents.map((d) => ({
      pages: d.pages,
      documentType: type(d.documentType) ?? "other",
      fields: d.fields,
      ...byHand(d.handwritten),
    }));
  }
  const documentType = type(label.documentType);
  return [
    {
      ...(documentType ? { documentType } : {}),
      fields: label.fields ?? {},
      ...byHand(label.handwritten),
    },
  ];
}

function readLabels(dir: string): { name: string; label: LabelFile }[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => ({
      name: f.replace(/\.json$/, ""),
      label: JSON.parse(readFileSync(path.join(dir, f), "utf8")) as LabelFile,
    }));
}

function textractFiles(skipped: string[]): LabeledFile[] {
  const out: LabeledFile[] = [];
  for (const { name, label } of readLabels(path.join(FIXTURES, "labels"))) {
    if (!label.fixture) continue;
    const file = path.join(FIXTURES, label.fixture);
    if (!existsSync(file)) {
      skipped.push(`${name}: fixture missing`);
      continue;
    }
    out.push({
      id: name,
      truth: truthFromLabel(label),
      load: () => Promise.resolve(parseTextractJson(readFileSync(file, "utf8"))),
    });
  }
  return out;
}

function imageFiles(pool: OcrPool, skipped: string[]): LabeledFile[] {
  const out: LabeledFile[] = [];
  for (const { name, label } of readLabels(path.join(FIXTURES, "labels/images"))) {
    if (!label.image) continue;
    const copy = path.join(FIXTURES, "images", path.basename(label.image));
    const src = existsSync(copy) ? copy : path.join(CORPUS, label.image);
    if (!existsSync(src)) {
      skipped.push(`${name}: image not found`);
      continue;
    }
    out.push({
      id: name,
      truth: truthFromLabel(label),
      load: () => recognizeDocument(new Uint8Array(readFileSync(src)), { pool }),
    });
  }
  return out;
}

// ---------- output ----------

const pct = (x: number) => x.toFixed(3);

/** Per group: documents, micro F1, document-type accuracy, wrong-patient count. */
const summarize = (reports: Record<string, Report>) =>
  Object.fromEntries(
    Object.entries(reports).map(([name, rep]) => [
      name,
      {
        documents: rep.documents,
        f1: rep.overall.f1,
        documentType: rep.documentType.accuracy,
        wrongPatient: rep.wrongPatient,
        wrongIdentityAboveThreshold: rep.wrongIdentityAboveThreshold.length,
      },
    ]),
  );

function summarizeGroups(byGroup: NonNullable<SetResult["byGroup"]>) {
  return {
    declared: summarize(byGroup.declared),
    paper: summarize(byGroup.paper),
    capture: summarize(byGroup.capture),
  };
}

function printReport(r: SetResult): void {
  const rep = r.report;
  console.log(
    `\n=== ${r.name}: ${r.files} file(s), ${rep.documents} document(s), ${r.pages} page(s), ${r.seconds.toFixed(1)} s, ${(r.pages / Math.max(r.seconds, 1e-9)).toFixed(2)} pages/s`,
  );
  if (r.skipped.length) console.log(`skipped: ${r.skipped.join("; ")}`);
  const row = (name: string, s: Scores) =>
    `${name.padEnd(14)} ${String(s.tp).padStart(4)} ${String(s.fp).padStart(4)} ${String(s.fn).padStart(4)}   ${pct(s.precision)}  ${pct(s.recall)}  ${pct(s.f1)}`;
  console.log(
    `${"field".padEnd(14)} ${"TP".padStart(4)} ${"FP".padStart(4)} ${"FN".padStart(4)}   prec   recall  F1`,
  );
  for (const f of FIELD_NAMES) {
    const s = rep.perField[f];
    if (s.tp + s.fp + s.fn > 0) console.log(row(f, s));
  }
  console.log(row("overall(micro)", rep.overall));
  console.log(
    `document type accuracy: ${pct(rep.documentType.accuracy)} (${rep.documentType.correct}/${rep.documentType.total})`,
  );
  if (!r.synthetic) {
    const cells = Object.entries(rep.typedIdentityRecall).map(
      ([f, t]) => `${f} ${pct(t.recall)} (${t.found}/${t.total})`,
    );
    console.log(`typed identity recall (values printed, not handwritten): ${cells.join(", ")}`);
  }
  console.log(`split accuracy:         ${pct(rep.split.accuracy)} (${rep.split.correct}/${rep.split.total})`);
  const a = rep.autoAccept;
  console.log(
    `auto-accepted: ${rep.autoAccepted}/${rep.documents} (review rate ${pct(rep.reviewRate)}); precision when auto-accepted: mrn ${pct(a.mrn.precision)} (${a.mrn.tp}/${a.mrn.tp + a.mrn.fp}), dateOfBirth ${pct(a.dateOfBirth.precision)} (${a.dateOfBirth.tp}/${a.dateOfBirth.tp + a.dateOfBirth.fp})`,
  );
  console.log(
    `wrong-patient (auto-accepted with a wrong identity field): ${rep.wrongPatient}${rep.wrongPatient ? ` [${rep.wrongPatientIds.join(", ")}]` : ""}`,
  );
  const wrongShown = rep.wrongIdentityAboveThreshold;
  console.log(
    `wrong identity value at or above the review threshold (shown in search as confident): ${wrongShown.length}${wrongShown.length ? ` [${wrongShown.join(", ")}]` : ""}`,
  );
  const lolo = r.leaveOneLayoutOut;
  if (lolo) {
    const line = (rep: Report) =>
      `F1 ${pct(rep.overall.f1)} (name ${pct(rep.perField.patientName.f1)}, DOB ${pct(rep.perField.dateOfBirth.f1)}, MRN ${pct(rep.perField.mrn.f1)}), type ${pct(rep.documentType.accuracy)}, wrong-patient ${rep.wrongPatient}, review rate ${pct(rep.reviewRate)} (${rep.documents})`;
    console.log(`leave-one-layout-out: ${line(lolo.overall)}`);
    console.log(
      `  layouts with wording of their own (${lolo.layouts.join(", ")}): without it ${line(lolo.heldOut)}; with it ${line(lolo.heldOutWithLabels)}`,
    );
  }
  if (r.byGroup) {
    for (const [title, reports] of [
      ["by declared resolution", r.byGroup.declared],
      ["by paper", r.byGroup.paper],
      ["by capture", r.byGroup.capture],
    ] as const) {
      const cells = Object.entries(summarize(reports)).map(
        ([name, g]) =>
          `${name} F1 ${pct(g.f1)} type ${pct(g.documentType)} wrong-patient ${g.wrongPatient} (${g.documents})`,
      );
      console.log(`${title}: ${cells.join("; ")}`);
    }
  }
  if (values.verbose && r.synthetic && rep.mismatches.length) {
    console.log("mismatches (synthetic data only):");
    for (const m of rep.mismatches)
      console.log(
        `  ${m.id}  ${m.field}: expected ${JSON.stringify(m.expected ?? null)} got ${JSON.stringify(m.got ?? null)}`,
      );
  } else if (!r.synthetic && rep.mismatches.length) {
    // Real documents: name the fields that missed, never the values.
    const byField = new Map<string, string[]>();
    for (const m of rep.mismatches)
      byField.set(m.field, [
        ...(byField.get(m.field) ?? []),
        `${m.id}${m.expected === undefined ? "(FP)" : m.got === undefined ? "(FN)" : "(wrong)"}`,
      ]);
    console.log("misses (values not shown):");
    for (const [f, ids] of byField) console.log(`  ${f}: ${ids.join(", ")}`);
  }
  if (rep.typeMismatches.length) {
    // Document types are not PHI: shown for every set.
    console.log(
      `document type misses: ${rep.typeMismatches.map((m) => `${m.id} ${m.expected}→${m.got}`).join("; ")}`,
    );
  }
}

function speed(sources: TextractDocument[]): { ms: number; runs: number[]; sourcePages: number } {
  const doc = repeatToPages(sources, 100);
  const ref = { referenceDate: new Date("2025-07-01T00:00:00Z") };
  for (let i = 0; i < 2; i++) extractDocument(doc, ref); // warm-up
  const runs: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    extractDocument(doc, ref);
    runs.push(performance.now() - t0);
  }
  const sorted = [...runs].sort((a, b) => a - b);
  return { ms: sorted[2] ?? Number.NaN, runs, sourcePages: sources.reduce((n, d) => n + pageCountOf(d), 0) };
}

// ---------- main ----------

const splitter = loadSplitter();
const needsOcr = sets.some((s) => s !== "textract");
// The engine the local stack runs: native Tesseract when installed (`--engine native|wasm|auto`).
const pool = needsOcr ? createOcrPool({ size: workers, engine: parseOcrEngine(values.engine) }) : undefined;
const results: SetResult[] = [];
try {
  if (!values.json) {
    console.log(
      `accuracy benchmark: sets ${sets.join(",")}, count ${count}, seed ${seed}, workers ${workers}, OCR ${pool?.engine ?? "none"}`,
    );
    console.log(`splitter: ${splitter ? splitter.source : "none (one document per file)"}`);
  }
  const concurrency = Math.max(2, workers);
  for (const set of sets) {
    const skipped: string[] = [];
    if (set === "clean" || set === "degraded" || set === "photo") {
      const capture = set === "photo" ? "photo" : "scan";
      const items = buildCorpus({ seed, count, degraded: set !== "clean", stacks, variation, capture });
      if (!values.json)
        console.log(
          `${set}: ${items.length} synthetic item(s) (${stacks} stack(s), ${variation} variation) from samples/generator/corpus.ts`,
        );
      results.push(
        await runSet(set, syntheticFiles(items, pool as OcrPool), skipped, splitter, true, concurrency),
      );
    } else if (set === "textract") {
      results.push(await runSet(set, textractFiles(skipped), skipped, splitter, false, 1));
    } else {
      results.push(
        await runSet(set, imageFiles(pool as OcrPool, skipped), skipped, splitter, false, concurrency),
      );
    }
    const last = results[results.length - 1];
    if (last && !values.json) printReport(last);
  }
} finally {
  await pool?.terminate();
}

// Speed: a 100-page response from the synthetic OCR output when there is some, else from the saved responses.
const ocrPages = results.flatMap((r) => r.ocrDocs);
const speedSources = ocrPages.length
  ? ocrPages
  : readLabels(path.join(FIXTURES, "labels"))
      .filter(({ label }) => label.fixture && existsSync(path.join(FIXTURES, label.fixture)))
      .map(({ label }) =>
        parseTextractJson(readFileSync(path.join(FIXTURES, label.fixture as string), "utf8")),
      );
const timing = speedSources.length ? speed(speedSources) : undefined;

if (values.json) {
  const out = {
    options: { count, seed, sets, workers, stacks, variation },
    splitter: splitter?.source ?? null,
    sets: results.map((r) => ({
      name: r.name,
      files: r.files,
      pages: r.pages,
      seconds: r.seconds,
      pagesPerSecond: r.pages / Math.max(r.seconds, 1e-9),
      skipped: r.skipped,
      ...r.report,
      ...(r.byGroup ? { byGroup: summarizeGroups(r.byGroup) } : {}),
      ...(r.leaveOneLayoutOut
        ? {
            leaveOneLayoutOut: {
              layouts: r.leaveOneLayoutOut.layouts,
              ...summarize({
                overall: r.leaveOneLayoutOut.overall,
                heldOut: r.leaveOneLayoutOut.heldOut,
                heldOutWithLabels: r.leaveOneLayoutOut.heldOutWithLabels,
              }),
            },
          }
        : {}),
      // Values of real documents stay out of the output.
      mismatches: r.synthetic
        ? r.report.mismatches
        : r.report.mismatches.map(({ id, field }) => ({ id, field })),
    })),
    extraction100PagesMs: timing?.ms ?? null,
  };
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
} else if (timing) {
  console.log(
    `\nextraction of a 100-page response: ${timing.ms.toFixed(1)} ms (median of 5 after warm-up; runs ${timing.runs.map((x) => x.toFixed(0)).join("/")} ms; built from ${ocrPages.length ? "synthetic OCR output" : "saved Textract responses"}, ${timing.sourcePages} source page(s) repeated)`,
  );
}
process.exitCode = 0;
