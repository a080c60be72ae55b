import { afterAll, describe, expect, it, vi } from "vitest";
import type { OcrCompletionNotification } from "../../../shared/ocr/ocr-engine";
import {
  InvalidJobIdError,
  LOCAL_MODEL_VERSION,
  LocalOcrEngine,
  RESULT_PAGE_SIZE,
  recognizeDocument,
  type LocalOcrJobRecord,
} from "../../../shared/adapters/local-ocr/local-ocr";
import { SAMPLE_CHART_HEADER, makeSampleChartPdf } from "../../support/sample-chart";
import { rotateGray } from "../../../shared/adapters/local-ocr/deskew";
import { buildModel } from "../../../shared/extraction/model/document-model";
import type { TextractDocument } from "../../../shared/ocr/textract-blocks";
import { makeGrayTiff, pdfToGrayPage } from "./fixtures";
import {
  TesseractPool,
  type RecognizedPage,
  type RecognizerPool,
} from "../../../shared/adapters/local-ocr/tesseract-pool";

const pool = new TesseractPool({ size: 1 });
afterAll(() => pool.terminate());

describe("recognizeDocument (real mupdf + tesseract.js)", () => {
  it("reads known text from a rendered chart page into Textract blocks", { timeout: 30_000 }, async () => {
    const pdf = makeSampleChartPdf({ lines: SAMPLE_CHART_HEADER });
    const progress: [number, number][] = [];
    const doc = await recognizeDocument(pdf, { pool, onPage: (done, total) => progress.push([done, total]) });

    expect(doc.DocumentMetadata.Pages).toBe(1);
    expect(doc.DetectDocumentTextModelVersion).toBe(LOCAL_MODEL_VERSION);
    expect(progress).toEqual([[1, 1]]);
    const lines = doc.Blocks.filter((b) => b.BlockType === "LINE").map((b) => b.Text ?? "");
    const text = lines.join("\n");
    expect(text).toMatch(/MRN:?\s*00123456/);
    expect(text).toContain("03/14/1962");
    expect(text).toMatch(/Jane/);
    expect(lines.at(-1)).toMatch(/Page 1 of 1/);

    const words = doc.Blocks.filter((b) => b.BlockType === "WORD");
    expect(words.length).toBeGreaterThanOrEqual(10);
    for (const w of words) {
      const { Left, Top, Width, Height } = w.Geometry!.BoundingBox;
      expect(Math.min(Left, Top, Width, Height)).toBeGreaterThanOrEqual(0);
      expect(Math.max(Left + Width, Top + Height)).toBeLessThanOrEqual(1);
      expect(w.Confidence).toBeGreaterThan(50);
      expect(w.Confidence).toBeLessThanOrEqual(100);
      expect(w.Page).toBe(1);
    }
    // Text starts one inch (72 of 612 pt) from the left edge.
    const mrn = words.find((w) => w.Text?.startsWith("MRN"))!;
    expect(mrn.Geometry!.BoundingBox.Left).toBeCloseTo(72 / 612, 2);
  });
});

describe("a crooked scan (real mupdf + tesseract.js)", () => {
  /** The sample chart's header scanned at 200 dpi, and the same sheet 3° clockwise on the glass. */
  const straight = pdfToGrayPage(makeSampleChartPdf({ lines: SAMPLE_CHART_HEADER }), 200);
  const crooked = {
    ...straight,
    pixels: Uint8Array.from(rotateGray({ ...straight, stride: straight.width }, 3).pixels),
  };
  const [w, h] = [straight.width, straight.height];
  /** Where a point of the straight sheet is on the crooked scan (rotateGray's content turns clockwise by 3°). */
  const onCrooked = ({ X, Y }: { X: number; Y: number }) => {
    const [c, s] = [Math.cos((3 * Math.PI) / 180), Math.sin((3 * Math.PI) / 180)];
    const [dx, dy] = [X * w - w / 2, Y * h - h / 2];
    return { X: (dx * c - dy * s + w / 2) / w, Y: (dx * s + dy * c + h / 2) / h };
  };
  const word = (doc: TextractDocument, text: string) =>
    doc.Blocks.find((b) => b.BlockType === "WORD" && b.Text === text)?.Geometry;

  it(
    "locates every word on the stored scan, as Textract does, though it read the straightened page",
    { timeout: 60_000 },
    async () => {
      const read = await recognizeDocument(makeGrayTiff([straight]), { pool });
      const readCrooked = await recognizeDocument(makeGrayTiff([crooked]), { pool });
      for (const text of ["Patient", "03/14/1962", "00123456"]) {
        const expected = word(read, text)!.Polygon!.map(onCrooked);
        const got = word(readCrooked, text)?.Polygon;
        expect(got, text).toHaveLength(4);
        got!.forEach((p, i) => {
          // Within 4 px at 200 dpi: where tesseract draws a word's box differs by a pixel or two between reads.
          expect(Math.abs(p.X - expected[i]!.X) * w, `${text} corner ${i} x`).toBeLessThan(4);
          expect(Math.abs(p.Y - expected[i]!.Y) * h, `${text} corner ${i} y`).toBeLessThan(4);
        });
      }
      // The page's corners on the scan: turned the same way, so the read model reads the page straight.
      const page = readCrooked.Blocks.find((b) => b.BlockType === "PAGE")!.Geometry!;
      const corners = [
        { X: 0, Y: 0 },
        { X: 1, Y: 0 },
        { X: 1, Y: 1 },
        { X: 0, Y: 1 },
      ].map(onCrooked);
      page.Polygon!.forEach((p, i) =>
        expect(Math.hypot((p.X - corners[i]!.X) * w, (p.Y - corners[i]!.Y) * h)).toBeLessThan(8),
      );
      expect(page.BoundingBox).toEqual({ Left: 0, Top: 0, Width: 1, Height: 1 });
      expect(buildModel(readCrooked).pages[0]?.warp).toBeDefined();
      expect(buildModel(read).pages[0]?.warp).toBeUndefined();
    },
  );
});

/** A stub pool: one line of `wordsPerPage` words per page, instantly, so paging is tested without OCR cost. */
function stubPool(wordsPerPage: number): RecognizerPool & { calls: number } {
  return {
    size: 2,
    calls: 0,
    async recognize(): Promise<RecognizedPage> {
      this.calls++;
      const words = Array.from({ length: wordsPerPage }, (_, i) => ({
        text: `w${i}`,
        confidence: 90,
        bbox: { x0: i, y0: 10, x1: i + 1, y1: 20 },
      }));
      return { lines: [{ words }], confidence: 90 };
    },
  };
}

function engineFor(bytes: Uint8Array, recognizer: RecognizerPool) {
  const notifications: OcrCompletionNotification[] = [];
  const store = new Map<string, LocalOcrJobRecord>();
  const engine = new LocalOcrEngine({
    readObject: vi.fn(async () => bytes),
    onComplete: (n) => void notifications.push(n),
    pool: recognizer,
    resultStore: store,
    dpi: 36, // the stub ignores pixels: render small
    onError: (err) => {
      throw err;
    },
  });
  return { engine, notifications, store };
}

const request = {
  documentId: "doc-1",
  bucket: "uploads",
  key: "charts/doc-1.pdf",
  features: "text" as const,
};

describe("LocalOcrEngine", () => {
  it("runs in the background, notifies like Textract's SNS message, and pages results at 1,000 blocks", async () => {
    // 3 pages × (1 PAGE + 1 LINE + 700 WORDs) = 2,106 blocks → pages of 1000, 1000, 106.
    const recognizer = stubPool(700);
    const { engine, notifications } = engineFor(makeSampleChartPdf({ pages: 3, lines: ["x"] }), recognizer);

    const { jobId } = await engine.startJob(request);
    expect(jobId).toBe("local-doc-1");
    expect((await engine.getResultPage(jobId, "text")).jobStatus).toBe("IN_PROGRESS");
    expect(await engine.startJob(request)).toEqual({ jobId }); // same token → same job

    await engine.drain();
    expect(notifications).toEqual([
      {
        JobId: jobId,
        Status: "SUCCEEDED",
        API: "StartDocumentTextDetection",
        JobTag: "doc-1",
        Timestamp: expect.any(Number),
        DocumentLocation: { S3ObjectName: "charts/doc-1.pdf", S3Bucket: "uploads" },
      },
    ]);

    const sizes: number[] = [];
    const ids = new Set<string>();
    let token: string | undefined;
    do {
      const page = await engine.getResultPage(jobId, "text", token);
      expect(page).toMatchObject({ jobStatus: "SUCCEEDED", pageCount: 3, modelVersion: LOCAL_MODEL_VERSION });
      sizes.push(page.blocks.length);
      page.blocks.forEach((b) => ids.add(b.Id));
      token = page.nextToken;
    } while (token);
    expect(sizes).toEqual([RESULT_PAGE_SIZE, RESULT_PAGE_SIZE, 106]);
    expect(ids.size).toBe(2106);

    // Restarting the finished job neither re-runs OCR nor notifies again.
    await engine.startJob(request);
    await engine.drain();
    expect(recognizer.calls).toBe(3);
    expect(notifications).toHaveLength(1);
  });

  it("turns an unreadable upload into a FAILED notification, not an unhandled rejection", async () => {
    const { engine, notifications } = engineFor(
      new TextEncoder().encode("garbage, not a chart"),
      stubPool(1),
    );
    const { jobId } = await engine.startJob({ ...request, documentId: "doc-bad" });
    await engine.drain();
    expect(notifications).toEqual([
      expect.objectContaining({ JobId: jobId, Status: "FAILED", JobTag: "doc-bad" }),
    ]);
    const page = await engine.getResultPage(jobId, "text");
    expect(page).toMatchObject({ jobStatus: "FAILED", blocks: [], pageCount: 0 });
    expect(page.statusMessage).toMatch(/not a PDF, TIFF, PNG or JPEG/);
  });

  it("fails a job whose pages cannot be recognized", async () => {
    const failing: RecognizerPool = {
      size: 1,
      recognize: async () => Promise.reject(new Error("worker crashed")),
    };
    const { engine, notifications, store } = engineFor(
      makeSampleChartPdf({ pages: 4, lines: ["x"] }),
      failing,
    );
    await engine.startJob(request);
    await engine.drain();
    expect(notifications.map((n) => n.Status)).toEqual(["FAILED"]);
    expect(store.get("local-doc-1")?.statusMessage).toBe("worker crashed");
  });

  it("rejects unknown jobs and foreign tokens like Textract", async () => {
    const { engine } = engineFor(makeSampleChartPdf({ pages: 2, lines: ["x"] }), stubPool(600));
    await expect(engine.getResultPage("local-nope", "text")).rejects.toBeInstanceOf(InvalidJobIdError);
    const { jobId } = await engine.startJob(request);
    await engine.drain();
    const first = await engine.getResultPage(jobId, "text");
    expect(first.nextToken).toBeDefined();
    await expect(engine.getResultPage(jobId, "text", "bogus")).rejects.toThrow(/NextToken/);
  });
});
