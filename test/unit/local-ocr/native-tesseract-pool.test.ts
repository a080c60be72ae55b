import { chmodSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as mupdf from "mupdf";
import { describe, expect, it } from "vitest";
import type { GrayImageAtDpi } from "../../../shared/adapters/local-ocr/gray-tiff";
import {
  NativeTesseractError,
  NativeTesseractPool,
  nativeTesseractAvailable,
  parseTsv,
} from "../../../shared/adapters/local-ocr/native-tesseract-pool";
import { bundledModelDir } from "../../../shared/adapters/local-ocr/bundled-model";
import {
  createOcrPool,
  parseNativeModel,
  parseOcrEngine,
} from "../../../shared/adapters/local-ocr/recognizer-pools";
import { renderPage } from "../../../shared/adapters/local-ocr/render-pages";
import { makeSampleChartPdf } from "../../support/sample-chart";

const TSV = [
  "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext",
  "1\t1\t0\t0\t0\t0\t0\t0\t2550\t3300\t-1\t",
  "4\t1\t1\t1\t1\t0\t305\t263\t668\t48\t-1\t",
  "5\t1\t1\t1\t1\t1\t305\t264\t150\t37\t95.5\tPatient",
  "5\t1\t1\t1\t1\t2\t474\t264\t140\t37\t90.5\tName:",
  "4\t1\t1\t1\t2\t0\t305\t330\t10\t40\t-1\t",
  "5\t1\t1\t1\t2\t1\t305\t330\t10\t40\t95\t ",
  "",
].join("\n");

/** A stand-in for the tesseract command: a shell script. */
function fakeTesseract(script: string): string {
  const file = join(mkdtempSync(join(tmpdir(), "fake-tesseract-")), "tesseract");
  writeFileSync(file, `#!/bin/sh\n${script}\n`);
  chmodSync(file, 0o755);
  return file;
}

describe("native Tesseract", () => {
  it("reads tesseract's TSV into lines of words with exclusive right/bottom edges", () => {
    expect(parseTsv(TSV)).toEqual({
      lines: [
        {
          bbox: { x0: 305, y0: 263, x1: 973, y1: 311 },
          confidence: 93,
          words: [
            { text: "Patient", confidence: 95.5, bbox: { x0: 305, y0: 264, x1: 455, y1: 301 } },
            { text: "Name:", confidence: 90.5, bbox: { x0: 474, y0: 264, x1: 614, y1: 301 } },
          ],
        },
      ],
      confidence: 93,
    });
  });

  it("is installed here and chosen by default over tesseract.js", async () => {
    expect(nativeTesseractAvailable()).toBe(true);
    const pool = createOcrPool({ size: 1 });
    const wasm = createOcrPool({ size: 1, engine: "wasm" });
    try {
      expect(pool.engine).toBe("native");
      expect(wasm.engine).toBe("wasm");
    } finally {
      await Promise.all([pool.terminate(), wasm.terminate()]);
    }
    expect(parseOcrEngine(undefined)).toBe("auto");
    expect(() => parseOcrEngine("gpu")).toThrow(/native, wasm or auto/);
  });

  it("recognizes a rendered chart page", { timeout: 30_000 }, async () => {
    const pool = new NativeTesseractPool({ size: 2 });
    try {
      const page = await pool.recognize(renderPage(makeSampleChartPdf(), 1).png);
      const text = page.lines.map((l) => l.words.map((w) => w.text).join(" ")).join("\n");
      expect(text).toContain("Patient Name: Jane Q Sample");
      expect(text).toContain("MRN: 00123456");
      expect(page.confidence).toBeGreaterThan(80);
    } finally {
      await pool.terminate();
    }
  });

  it(
    "reads the bundled best_int model by default, the installed fast one when asked",
    { timeout: 30_000 },
    async () => {
      const dir = bundledModelDir();
      expect(readdirSync(dir)).toContain("eng.traineddata");
      expect(bundledModelDir()).toBe(dir); // unpacked once
      const best = new NativeTesseractPool({ size: 1, tessdataDir: dir });
      try {
        const page = await best.recognize(renderPage(makeSampleChartPdf(), 1).png);
        const text = page.lines.map((l) => l.words.map((w) => w.text).join(" ")).join("\n");
        expect(text).toContain("Patient Name: Jane Q Sample");
      } finally {
        await best.terminate();
      }
      expect(parseNativeModel(undefined)).toBe("best");
      expect(parseNativeModel("fast")).toBe("fast");
      expect(() => parseNativeModel("tiny")).toThrow(/best or fast/);
    },
  );

  it(
    "reads many small images in one process, one result per image in order (an empty one for a blank)",
    { timeout: 30_000 },
    async () => {
      const png = renderPage(makeSampleChartPdf(), 1).png;
      const pool = new NativeTesseractPool({ size: 1, tessdataDir: bundledModelDir() });
      const page = new mupdf.Image(png).toPixmap().convertToColorSpace(mupdf.ColorSpace.DeviceGray);
      try {
        const words = (await pool.recognize(png)).lines.flatMap((l) => l.words);
        const wanted = ["Sample", "00123456", "Patient"].map((text) => words.find((w) => w.text === text)!);
        const crop = ({ bbox }: (typeof wanted)[number]): GrayImageAtDpi => {
          const [x0, y0] = [bbox.x0 - 12, bbox.y0 - 12];
          const [width, height] = [bbox.x1 - bbox.x0 + 24, bbox.y1 - bbox.y0 + 24];
          const pixels = new Uint8Array(width * height);
          const samples = page.getPixels();
          for (let y = 0; y < height; y++)
            pixels.set(
              samples.subarray((y0 + y) * page.getStride() + x0, (y0 + y) * page.getStride() + x0 + width),
              y * width,
            );
          return { width, height, stride: width, pixels, dpi: 300 };
        };
        const blank: GrayImageAtDpi = {
          width: 60,
          height: 40,
          stride: 60,
          pixels: new Uint8Array(2400).fill(255),
          dpi: 300,
        };
        const reads = await pool.recognizeAll([crop(wanted[0]!), blank, crop(wanted[1]!), crop(wanted[2]!)]);
        expect(reads.map((r) => r.lines.flatMap((l) => l.words.map((w) => w.text)).join(" "))).toEqual([
          "Sample",
          "",
          "00123456",
          "Patient",
        ]);
        expect(await pool.recognizeAll([])).toEqual([]);
      } finally {
        page.destroy();
        await pool.terminate();
      }
    },
  );

  it("fails a page whose process fails or hangs, and runs no more than `size` at once", async () => {
    const failing = new NativeTesseractPool({ binary: fakeTesseract("cat > /dev/null; exit 3") });
    await expect(failing.recognize(new Uint8Array([1, 2, 3]))).rejects.toThrow(NativeTesseractError);

    const hanging = new NativeTesseractPool({ binary: fakeTesseract("sleep 30"), jobTimeoutMs: 300 });
    await expect(hanging.recognize(new Uint8Array([1]))).rejects.toMatchObject({ code: "OCR_TIMEOUT" });

    // Each fake run marks itself running, then looks for another: with one slot none ever sees another.
    const dir = mkdtempSync(join(tmpdir(), "fake-tesseract-runs-"));
    const counter = fakeTesseract(
      `cat > /dev/null; touch ${dir}/run-$$; sleep 0.1; [ "$(ls ${dir} | grep -c run-)" -eq 1 ] || touch ${dir}/overlap; rm ${dir}/run-$$; printf 'level\\n'`,
    );
    const one = new NativeTesseractPool({ binary: counter, size: 1 });
    await Promise.all([1, 2, 3, 4].map(() => one.recognize(new Uint8Array([1]))));
    expect(readdirSync(dir)).toEqual([]);
  });
});
