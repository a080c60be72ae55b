/**
 * Local OCR benchmark: seconds per page for mupdf rendering, tesseract.js recognition (one worker, and the
 * whole pool wall-clock), Textract-block conversion, and field extraction over the OCR output.
 *
 *   npx tsx bench/local-ocr.ts [--pages 8] [--workers N] [--dpi 300] [--sample 6] [file.pdf|.tif|.png|.jpg …]
 *
 * Without files it OCRs a synthetic, dense chart PDF of `--pages` pages. Prints timings only, never text.
 */
import { readFileSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { recognizeDocument } from "../shared/adapters/local-ocr/local-ocr";
import { PageRenderer, type RenderedPage } from "../shared/adapters/local-ocr/render-pages";
import { makeSampleChartPdf } from "../test/support/sample-chart";
import { TesseractPool } from "../shared/adapters/local-ocr/tesseract-pool";
import { pageToTextractBlocks, type OcrPage } from "../shared/adapters/local-ocr/to-textract-blocks";
import { extractDocument } from "../test/support/extraction";
import type { TextractDocument } from "../shared/ocr/textract-blocks";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    pages: { type: "string", default: "8" },
    workers: { type: "string", default: String(availableParallelism()) },
    dpi: { type: "string", default: "300" },
    sample: { type: "string", default: "6" },
  },
});
const dpi = Number(values.dpi);
const workers = Number(values.workers);
const sample = Number(values.sample);

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
/** CPU ms of the whole process, worker threads included: unlike wall-clock, unaffected by other load. */
const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

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
console.log(`inputs: ${inputs.map((i) => i.name).join(", ")} — ${totalPages} page(s), first page ${px}`);
// Timings on a busy machine are meaningless; say how busy it was.
console.log(
  `cpus: ${availableParallelism()}, load average at start: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}`,
);

// 2. One worker, pages in sequence: the per-worker cost (worker start-up excluded, reported separately).
const single = new TesseractPool({ size: 1 });
const ocrPages: OcrPage[] = [];
let singleMs = 0;
let coldMs = 0;
let singleCpuMs = 0;
try {
  const sampled = rendered.slice(0, Math.max(1, sample));
  for (const [i, page] of sampled.entries()) {
    const cpu0 = cpuMs();
    const [result, ms] = await time(() => single.recognize(page.png));
    if (i === 0) coldMs = ms;
    else [singleMs, singleCpuMs] = [singleMs + ms, singleCpuMs + cpuMs() - cpu0];
    ocrPages.push({
      pageNumber: page.pageNumber,
      width: page.width,
      height: page.height,
      lines: result.lines,
    });
  }
  // The first call includes starting the worker; time that page again warm.
  const cpu0 = cpuMs();
  const [, warm] = await time(() => single.recognize(sampled[0]!.png));
  singleMs += warm;
  singleCpuMs += cpuMs() - cpu0;
  coldMs -= warm;
} finally {
  await single.terminate();
}
const perWorker = secs(singleMs) / ocrPages.length;

// 3. Conversion to Textract blocks (pure JS).
let blockCount = 0;
const [, convertMs] = await time(() => {
  for (const p of ocrPages) blockCount += pageToTextractBlocks(p).length;
});

// 4. The real pipeline: render + recognize overlapped across a warm pool, wall-clock.
const pool = new TesseractPool({ size: workers });
let wallMs = 0;
let poolCpuMs: number;
const documents: TextractDocument[] = [];
try {
  await Promise.all(Array.from({ length: workers }, () => pool.recognize(rendered[0]!.png))); // warm every worker
  const cpu0 = cpuMs();
  for (const input of inputs) {
    const [doc, ms] = await time(() => recognizeDocument(input.bytes, { pool, dpi }));
    documents.push(doc);
    wallMs += ms;
  }
  poolCpuMs = cpuMs() - cpu0;
} finally {
  await pool.terminate();
}
const wallPerPage = secs(wallMs) / totalPages;

// 5. Field extraction and classification over the OCR output (pure JS, one core), repeated for a stable figure.
const rounds = 5;
const [, extractMs] = await time(() => {
  for (let r = 0; r < rounds; r++) for (const doc of documents) extractDocument(doc);
});

const rows: [string, string][] = [
  ["render (rasterize + PNG), s/page", (secs(renderMs) / totalPages).toFixed(3)],
  [`OCR, one worker, s/page (${ocrPages.length} pages)`, perWorker.toFixed(3)],
  ["  CPU, s/page", (secs(singleCpuMs) / ocrPages.length).toFixed(3)],
  [`OCR worker start-up, s (once per worker)`, secs(coldMs).toFixed(3)],
  [
    `to Textract blocks, s/page (${Math.round(blockCount / ocrPages.length)} blocks/page)`,
    (secs(convertMs) / ocrPages.length).toFixed(4),
  ],
  ["extraction + classification, s/page", (secs(extractMs) / rounds / totalPages).toFixed(4)],
  [`recognizeDocument wall-clock, ${workers} worker(s), s/page`, wallPerPage.toFixed(3)],
  ["  CPU (render + OCR, all threads), s/page", (secs(poolCpuMs) / totalPages).toFixed(3)],
  ["  pages/minute, pool", (60 / wallPerPage).toFixed(1)],
  ["  pages/minute, one worker (OCR only)", (60 / perWorker).toFixed(1)],
];
const width = Math.max(...rows.map(([k]) => k.length));
console.log(`\n${"step".padEnd(width)}  value`);
console.log(`${"-".repeat(width)}  ------`);
for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v.padStart(6)}`);
