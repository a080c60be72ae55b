import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import path from "node:path";
import Tesseract from "tesseract.js";
import { ChartbridgeError } from "../../errors/chartbridge-error";
import type { GrayImageAtDpi } from "./gray-tiff";
import type { OcrLine } from "./to-textract-blocks";

/**
 * A small pool of tesseract.js workers (each a worker thread running tesseract's WASM build). tesseract.js has
 * its own Scheduler, but it neither creates workers lazily nor recovers from a hung or crashed worker, and a
 * rejected job without an `errorHandler` is rethrown as an uncaught exception; this pool handles all three.
 */

export interface TesseractPoolOptions {
  /** Worker count. Default: `os.availableParallelism()`. */
  size?: number;
  /** Directory holding `<lang>.traineddata.gz`. Default: the bundled `@tesseract.js-data/eng` best_int model. */
  langPath?: string;
  lang?: string;
  /** A job taking longer than this is treated as a hung worker: the worker is replaced, the job rejected. */
  jobTimeoutMs?: number;
}

export interface RecognizedPage {
  lines: OcrLine[];
  /** Tesseract's mean word confidence for the page, 0–100. */
  confidence: number;
}

/** What `recognizeDocument` needs from a pool; tests can pass a stub. */
export interface RecognizerPool {
  /** Worker count: how many pages may be recognized at once. */
  readonly size: number;
  recognize(image: Uint8Array): Promise<RecognizedPage>;
  /** Many small images at once, where that saves work per image (native Tesseract: one model load). */
  recognizeAll?(images: readonly GrayImageAtDpi[]): Promise<RecognizedPage[]>;
}

interface Job {
  image: Buffer;
  resolve: (page: RecognizedPage) => void;
  reject: (err: Error) => void;
}

interface Slot {
  worker?: Tesseract.Worker;
  busy: boolean;
  /** Rejects the running job (set while one runs). */
  abort?: (err: Error) => void;
}

/** The bundled model directory, resolved from node_modules so nothing is ever fetched from a CDN. */
export function defaultLangPath(): string {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve("@tesseract.js-data/eng/package.json")), "4.0.0_best_int");
}

const toError = (e: unknown) => (e instanceof Error ? e : new Error(String(e)));

export class TesseractPool implements RecognizerPool {
  readonly engine = "wasm";
  readonly size: number;
  private readonly langPath: string;
  private readonly lang: string;
  private readonly jobTimeoutMs: number;
  private readonly queue: Job[] = [];
  private readonly slots = new Set<Slot>();
  private terminated = false;

  constructor(options: TesseractPoolOptions = {}) {
    this.size = Math.max(1, Math.floor(options.size ?? availableParallelism()));
    this.langPath = options.langPath ?? defaultLangPath();
    this.lang = options.lang ?? "eng";
    this.jobTimeoutMs = options.jobTimeoutMs ?? 120_000;
  }

  /** Workers started so far (they start on demand, up to `size`). */
  get workerCount(): number {
    return this.slots.size;
  }

  /** Jobs waiting for a free worker. */
  get pending(): number {
    return this.queue.length;
  }

  /** Recognizes one encoded image (PNG, JPEG, PNM…). Resolves to its lines and words with pixel boxes. */
  recognize(image: Uint8Array): Promise<RecognizedPage> {
    if (this.terminated) return Promise.reject(new Error("TesseractPool is terminated"));
    return new Promise<RecognizedPage>((resolve, reject) => {
      // tesseract.js only passes Buffers through untouched; wrap (no copy) rather than let it re-copy.
      const buf = Buffer.isBuffer(image)
        ? image
        : Buffer.from(image.buffer, image.byteOffset, image.byteLength);
      this.queue.push({ image: buf, resolve, reject });
      this.dispatch();
    });
  }

  /** Stops every worker. Queued and running jobs reject; later `recognize` calls reject too. */
  async terminate(): Promise<void> {
    this.terminated = true;
    const err = new Error("TesseractPool is terminated");
    for (const job of this.queue.splice(0)) job.reject(err);
    const slots = [...this.slots];
    this.slots.clear();
    for (const slot of slots) slot.abort?.(err);
    const workers = slots.flatMap((s) => (s.worker ? [s.worker] : []));
    await Promise.allSettled(workers.map((w) => w.terminate()));
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (this.queue.length === 0) break;
      if (slot.worker && !slot.busy) void this.run(slot, this.queue.shift()!);
    }
    // Start only as many workers as there is unserved work: each costs ~0.5 s and ~50 MB to initialize.
    while (this.slots.size < this.size && this.queue.length > this.startingCount()) this.startWorker();
  }

  private startingCount(): number {
    let n = 0;
    for (const s of this.slots) if (!s.worker) n++;
    return n;
  }

  private startWorker(): void {
    const slot: Slot = { busy: false };
    this.slots.add(slot);
    this.createWorker().then(
      (worker) => {
        if (!this.slots.has(slot)) return void worker.terminate(); // pool terminated meanwhile
        slot.worker = worker;
        this.dispatch();
      },
      (err) => {
        this.slots.delete(slot);
        // No worker can start (e.g. missing model): fail the waiting jobs instead of hanging them.
        if (this.slots.size === 0) for (const job of this.queue.splice(0)) job.reject(toError(err));
      },
    );
  }

  private async createWorker(): Promise<Tesseract.Worker> {
    const model = path.join(this.langPath, `${this.lang}.traineddata.gz`);
    // tesseract.js never settles createWorker when the language fails to load, so check up front.
    if (!existsSync(model)) throw new Error(`tesseract model not found: ${model}`);
    const worker = await Tesseract.createWorker(this.lang, Tesseract.OEM.LSTM_ONLY, {
      langPath: this.langPath,
      gzip: true,
      cacheMethod: "none", // read-only model dir; never write a cache next to it
      // Without a handler tesseract.js rethrows job failures as uncaught exceptions; the job's promise
      // rejects anyway, so there is nothing else to do here.
      errorHandler: () => {},
    });
    // tesseract.js defaults to one uniform text block (PSM 6), which drops centered titles in larger type
    // ("HISTORY AND PHYSICAL"); full automatic layout analysis keeps them, as Textract does.
    // tesseract's own diagnostics ("Detected N diacritics", "Image too small to scale!!") go to its debug
    // file, by default stderr; they say nothing to a user and break progress bars.
    await worker.setParameters({
      tessedit_pageseg_mode: Tesseract.PSM.AUTO,
      debug_file: "/dev/null",
    } as Partial<Tesseract.WorkerParams>);
    return worker;
  }

  private async run(slot: Slot, job: Job): Promise<void> {
    const worker = slot.worker!;
    slot.busy = true;
    let timer: NodeJS.Timeout | undefined;
    // A terminated or hung worker never answers, so the job also races a timeout and pool termination.
    const abandoned = new Promise<never>((_, reject) => {
      slot.abort = reject;
      timer = setTimeout(() => reject(new JobTimeoutError(this.jobTimeoutMs)), this.jobTimeoutMs);
    });
    try {
      const result = await Promise.race([
        worker.recognize(job.image, {}, { blocks: true, text: false }),
        abandoned,
      ]);
      job.resolve(toRecognizedPage(result.data));
    } catch (err) {
      if (err instanceof JobTimeoutError) {
        this.slots.delete(slot); // replaced on the next dispatch
        void worker.terminate();
      }
      job.reject(toError(err));
    } finally {
      clearTimeout(timer);
      slot.abort = undefined;
      slot.busy = false;
    }
    if (!this.terminated) this.dispatch();
  }
}

/** A page took longer than the pool allows: the worker is replaced; the same page would hang again. */
class JobTimeoutError extends ChartbridgeError {
  constructor(ms: number) {
    super(
      { name: "JobTimeoutError", code: "OCR_TIMEOUT", retryable: false },
      `tesseract job timed out after ${ms} ms`,
    );
  }
}

/** Flattens tesseract's blocks → paragraphs → lines, keeping only what the Textract conversion needs. */
export function toRecognizedPage(data: Tesseract.Page): RecognizedPage {
  const lines: OcrLine[] = [];
  for (const block of data.blocks ?? []) {
    for (const para of block.paragraphs ?? []) {
      for (const line of para.lines ?? []) {
        lines.push({
          bbox: line.bbox,
          confidence: line.confidence,
          words: (line.words ?? []).map((w) => ({ text: w.text, confidence: w.confidence, bbox: w.bbox })),
        });
      }
    }
  }
  return { lines, confidence: data.confidence };
}
