/**
 * Local OCR benchmark, the engines side by side on the same rendered pages: native Tesseract (when
 * installed) with the bundled best_int model and with the installed (fast) model, and tesseract.js — seconds per page with one worker and with the pool (render + recognize
 * overlapped, wall-clock), and the share of the known words each found; then Textract-block conversion and
 * field extraction over the OCR output.
 *
 *   npx tsx bench/local-ocr.ts [--pages 8] [--workers N] [--dpi 300] [--sample 6] [--hard 4] [--json] [file.pdf|.tif|.png|.jpg …]
 *
 * Without files it OCRs a synthetic, dense chart PDF of `--pages` pages, whose words are known; with files
 * there is no word accuracy. Then, on `--hard` pages of the same chart scanned badly (samples/generator/
 * degrade.ts: fax, old copier, JPEG, skew) and `--hard` photographed or carbon-copied (uneven light, slant,
 * the desk), each engine's share of the known words found and its time per page (render and clean-up
 * included, pool of `--workers`): clean renders are not what the world sends. Prints timings and counts only,
 * never text.
 */
import { readFileSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { recognizeDocument } from "../shared/adapters/local-ocr/local-ocr";
import { PageRenderer, type RenderedPage } from "../shared/adapters/local-ocr/render-pages";
import { makeSampleChartPdf, SAMPLE_CHART_BODY, SAMPLE_CHART_HEADER } from "../test/support/sample-chart";
import {
  createOcrPool,
  type LocalOcrEngineName,
  type NativeModel,
} from "../shared/adapters/local-ocr/recognizer-pools";
import { nativeTesseractAvailable } from "../shared/adapters/local-ocr/native-tesseract-pool";
import { pageToTextractBlocks, type OcrPage } from "../shared/adapters/local-ocr/to-textract-blocks";
import { extractDocument } from "../test/support/extraction";
import { mulberry32 } from "../samples/generator/chart-spec";
import { applyDegradation, degradeProfile, photoProfile } from "../samples/generator/degrade";
import { encodeTiff } from "../samples/generator/tiff";
import { pdfToGrayPage } from "../test/support/pdf-gray-page";
import type { TextractDocument } from "../shared/ocr/textract-blocks";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    pages: { type: "string", default: "8" },
    workers: { type: "string", default: String(availableParallelism()) },
    dpi: { type: "string", default: "300" },
    sample: { type: "string", default: "6" },
    hard: { type: "string", default: "4" },
    json: { type: "boolean", default: false },
  },
});
const dpi = Number(values.dpi);
const workers = Number(values.workers);
const sample = Number(values.sample);
const log = (line: string) => values.json || console.log(line);

const inputs =
  positionals.length > 0
    ? positionals.map((file) => ({ name: path.basename(file), bytes: new Uint8Array(readFileSync(file)) }))
    : [
        {
          name: `synthetic chart (${values.pages} pages)`,
          bytes: makeSampleChartPdf({ pages: Number(values.pages) }),
        },
      ];

const secs = (ms: number) => ms / 1000;
const time = async <T>(fn: () => T | Promise<T>): Promise<[T, number]> => {
  const t0 = performance.now();
  const out = await fn();
  return [out, performance.now() - t0];
};
/** The words of the synthetic chart's page `n` of `total`, when the input is the synthetic chart. */
const knownWords = (n: number, total: number): string[] | undefined =>
  positionals.length > 0
    ? undefined
    : [...SAMPLE_CHART_HEADER, ...SAMPLE_CHART_BODY, `Page ${n} of ${total}`]
        .join(" ")
        .split(/\s+/)
        .filter(Boolean);

/** How many of `expected` words were recognized (each recognized word counts once). */
function wordsFound(expected: readonly string[], recognized: readonly string[]): number {
  const left = new Map<string, number>();
  for (const w of recognized) left.set(w, (left.get(w) ?? 0) + 1);
  let found = 0;
  for (const w of expected) {
    const n = left.get(w) ?? 0;
    if (n > 0) {
      found++;
      left.set(w, n - 1);
    }
  }
  return found;
}

// 1. Render every page (synchronous WASM, main thread).
const rendered: RenderedPage[] = [];
let renderMs = 0;
for (const input of inputs) {
  const doc = new PageRenderer(input.bytes);
  try {
    for (let n = 1; n <= doc.pageCount; n++) {
      const [page, ms] = await time(() => doc.render(n, { dpi }));
      rendered.push(page);
      renderMs += ms;
    }
  } finally {
    doc.close();
  }
}
const totalPages = rendered.length;
const px = rendered[0]
  ? `${rendered[0].width}x${rendered[0].height} px @ ${Math.round(rendered[0].dpi)} DPI`
  : "no pages";
log(`inputs: ${inputs.map((i) => i.name).join(", ")} — ${totalPages} page(s), first page ${px}`);
// Timings on a busy machine are meaningless; say how busy it was.
log(
  `cpus: ${availableParallelism()}, load average at start: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}`,
);

/** An engine and, for native Tesseract, the model it reads. */
interface Variant {
  name: string;
  engine: LocalOcrEngineName;
  nativeModel?: NativeModel;
}

interface EngineFigures {
  name: string;
  engine: LocalOcrEngineName;
  /** One worker, pages in sequence, warm. */
  oneWorkerSecondsPerPage: number;
  startupSeconds: number;
  /** recognizeDocument over every input with `workers` at once, wall-clock. */
  poolSecondsPerPage: number;
  /** Share of the synthetic pages' words found (undefined for files given on the command line). */
  wordAccuracy?: number;
  ocrPages: OcrPage[];
  documents: TextractDocument[];
}

async function measure({ name, engine, nativeModel }: Variant): Promise<EngineFigures> {
  const model = nativeModel ? { nativeModel } : {};
  // 2. One worker, pages in sequence: the per-worker cost (start-up excluded, reported separately).
  const single = createOcrPool({ size: 1, engine, ...model });
  const ocrPages: OcrPage[] = [];
  let singleMs = 0;
  let coldMs = 0;
  let expected = 0;
  let found = 0;
  try {
    const sampled = rendered.slice(0, Math.max(1, sample));
    for (const [i, page] of sampled.entries()) {
      const [result, ms] = await time(() => single.recognize(page.png));
      if (i === 0) coldMs = ms;
      else singleMs += ms;
      ocrPages.push({
        pageNumber: page.pageNumber,
        width: page.width,
        height: page.height,
        lines: result.lines,
      });
      const known = knownWords(page.pageNumber, totalPages);
      if (known) {
        expected += known.length;
        found += wordsFound(
          known,
          result.lines.flatMap((l) => l.words.map((w) => w.text)),
        );
      }
    }
    // The first call includes starting the worker; time that page again warm.
    const [, warm] = await time(() => single.recognize(sampled[0]!.png));
    singleMs += warm;
    coldMs -= warm;
  } finally {
    await single.terminate();
  }

  // 4. The real pipeline: render + recognize overlapped across a warm pool, wall-clock.
  const pool = createOcrPool({ size: workers, engine, ...model });
  let wallMs = 0;
  const documents: TextractDocument[] = [];
  try {
    await Promise.all(Array.from({ length: workers }, () => pool.recognize(rendered[0]!.png))); // warm
    for (const input of inputs) {
      const [doc, ms] = await time(() => recognizeDocument(input.bytes, { pool, dpi }));
      documents.push(doc);
      wallMs += ms;
    }
  } finally {
    await pool.terminate();
  }
  return {
    name,
    engine,
    oneWorkerSecondsPerPage: secs(singleMs) / ocrPages.length,
    startupSeconds: Math.max(0, secs(coldMs)),
    poolSecondsPerPage: secs(wallMs) / totalPages,
    ...(expected ? { wordAccuracy: found / expected } : {}),
    ocrPages,
    documents,
  };
}

const WASM: Variant = { name: "tesseract.js (best_int)", engine: "wasm" };
const variants: Variant[] = nativeTesseractAvailable()
  ? [
      { name: "native Tesseract, bundled best_int model", engine: "native", nativeModel: "best" },
      { name: "native Tesseract, installed fast model", engine: "native", nativeModel: "fast" },
      WASM,
    ]
  : [WASM];
if (variants.length === 1)
  log("native Tesseract is not installed (apt-get install tesseract-ocr): tesseract.js only");
const figures: EngineFigures[] = [];
for (const variant of variants) figures.push(await measure(variant));
const first = figures[0]!;

// 3. Conversion to Textract blocks (pure JS), over the first engine's pages.
let blockCount = 0;
const [, convertMs] = await time(() => {
  for (const p of first.ocrPages) blockCount += pageToTextractBlocks(p).length;
});

// 5. Field extraction and classification over the OCR output (pure JS, one core), repeated for a stable figure.
const rounds = 5;
const [, extractMs] = await time(() => {
  for (let r = 0; r < rounds; r++) for (const doc of first.documents) extractDocument(doc);
});

// 6. Words found on badly scanned and photographed pages of the synthetic chart, per engine.
interface HardFigures {
  name: string;
  degraded: { wordsFound: number; secondsPerPage: number };
  photo: { wordsFound: number; secondsPerPage: number };
}
const hardCount = positionals.length > 0 ? 0 : Number(values.hard);
const hardFigures: HardFigures[] = [];
if (hardCount > 0) {
  const chart = inputs[0]!.bytes;
  const kinds = { degraded: degradeProfile, photo: photoProfile } as const;
  const hardPages = Object.fromEntries(
    Object.entries(kinds).map(([kind, profileOf]) => [
      kind,
      Array.from({ length: hardCount }, (_, i) => {
        const n = (i % totalPages) + 1;
        const rng = mulberry32(1000 * (kind === "photo" ? 2 : 1) + i);
        return { n, tiff: encodeTiff([applyDegradation(pdfToGrayPage(chart, dpi, n), profileOf(rng), rng)]) };
      }),
    ]),
  ) as Record<keyof typeof kinds, { n: number; tiff: Uint8Array }[]>;
  for (const { name, engine, nativeModel } of variants) {
    const pool = createOcrPool({ size: workers, engine, ...(nativeModel ? { nativeModel } : {}) });
    try {
      await Promise.all(Array.from({ length: workers }, () => pool.recognize(rendered[0]!.png))); // warm
      const measureKind = async (pages: { n: number; tiff: Uint8Array }[]) => {
        let [expected, found, ms] = [0, 0, 0];
        for (const { n, tiff } of pages) {
          const [doc, t] = await time(() => recognizeDocument(tiff, { pool, dpi }));
          ms += t;
          const known = knownWords(n, totalPages)!;
          expected += known.length;
          const words = doc.Blocks.filter((b) => b.BlockType === "WORD").map((b) => b.Text ?? "");
          found += wordsFound(known, words);
        }
        return { wordsFound: found / expected, secondsPerPage: secs(ms) / pages.length };
      };
      hardFigures.push({
        name,
        degraded: await measureKind(hardPages.degraded),
        photo: await measureKind(hardPages.photo),
      });
    } finally {
      await pool.terminate();
    }
  }
}

const wasm = figures.find((f) => f.engine === "wasm")!;
const report = {
  pages: totalPages,
  workers,
  renderSecondsPerPage: secs(renderMs) / totalPages,
  engines: figures.map(({ ocrPages: _p, documents: _d, ...f }) => f),
  /** tesseract.js time / each native variant's time, one worker. */
  wasmOver: Object.fromEntries(
    figures
      .filter((f) => f.engine === "native")
      .map((f) => [f.name, wasm.oneWorkerSecondsPerPage / f.oneWorkerSecondsPerPage]),
  ),
  toBlocksSecondsPerPage: secs(convertMs) / first.ocrPages.length,
  extractionSecondsPerPage: secs(extractMs) / rounds / totalPages,
  /** Words found and time per page on badly scanned and photographed pages (synthetic chart only). */
  hardPages: hardFigures,
};
if (values.json) {
  console.log(JSON.stringify(report));
} else {
  const rows: [string, string][] = [
    ["render (rasterize + PNG), s/page", report.renderSecondsPerPage.toFixed(3)],
  ];
  for (const f of figures) {
    rows.push(
      [`${f.name}: OCR, one worker, s/page`, f.oneWorkerSecondsPerPage.toFixed(3)],
      [`  worker start-up, s`, f.startupSeconds.toFixed(3)],
      [`  recognizeDocument, ${workers} worker(s), s/page`, f.poolSecondsPerPage.toFixed(3)],
      [`  pages/minute, pool`, (60 / f.poolSecondsPerPage).toFixed(1)],
      ...(f.wordAccuracy === undefined
        ? []
        : ([[`  words found`, f.wordAccuracy.toFixed(3)]] as [string, string][])),
    );
  }
  for (const [name, ratio] of Object.entries(report.wasmOver))
    rows.push([`tesseract.js time / ${name} time, one worker`, ratio.toFixed(2)]);
  rows.push(
    [
      `to Textract blocks, s/page (${Math.round(blockCount / first.ocrPages.length)} blocks/page)`,
      report.toBlocksSecondsPerPage.toFixed(4),
    ],
    ["extraction + classification, s/page", report.extractionSecondsPerPage.toFixed(4)],
  );
  for (const h of hardFigures)
    rows.push(
      [`${h.name}: ${hardCount} badly scanned pages, words found`, h.degraded.wordsFound.toFixed(3)],
      [`  s/page, pool, render and clean-up included`, h.degraded.secondsPerPage.toFixed(3)],
      [`  ${hardCount} photographed or carbon-copied pages, words found`, h.photo.wordsFound.toFixed(3)],
      [`  s/page, pool, render and clean-up included`, h.photo.secondsPerPage.toFixed(3)],
    );
  const width = Math.max(...rows.map(([k]) => k.length));
  console.log(`\n${"step".padEnd(width)}  value`);
  console.log(`${"-".repeat(width)}  ------`);
  for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v.padStart(6)}`);
}
