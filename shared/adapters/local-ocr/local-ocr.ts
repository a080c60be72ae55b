import type {
  OcrCompletionNotification,
  OcrEngine,
  OcrFeatureSet,
  OcrJobStatus,
  OcrResultPage,
  StartOcrJobRequest,
} from "../../ocr/ocr-engine";
import type { TextractBlock, TextractDocument } from "../../ocr/textract-blocks";
import { ChartbridgeError } from "../../errors/chartbridge-error";
import { PageRenderer, type SupportedMimeType } from "./render-pages";
import { rereadSlantedWords } from "./reread-slanted";
import { createOcrPool, type OcrPool } from "./recognizer-pools";
import type { RecognizerPool } from "./tesseract-pool";
import { pagesToTextractBlocks, pageToTextractBlocks, type OcrPage } from "./to-textract-blocks";

/**
 * The offline OCR adapter: mupdf renders, a recognizer pool reads (native Tesseract when installed, else
 * tesseract.js; recognizer-pools.ts), and the result is shaped exactly
 * like Textract's DetectDocumentText so the rest of the pipeline cannot tell the engines apart.
 * OCR text is PHI: nothing in this module logs it.
 */

export const LOCAL_MODEL_VERSION = "chartbridge-local/tesseract.js-7";

export interface RecognizeDocumentOptions {
  dpi?: number;
  /** Shared pool. Without one, a pool is created for this call and terminated afterwards. */
  pool?: RecognizerPool;
  onPage?: (done: number, total: number) => void;
  /** Skip format sniffing. */
  mimeType?: SupportedMimeType;
  /** Re-read unsure words with digits straightened (handwritten dates; see reread-slanted.ts). Default true. */
  rereadSlanted?: boolean;
}

/** Lets queued worker messages run between synchronous renders, so finished pages are collected promptly. */
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * OCRs every page of a PDF/TIFF/PNG/JPEG. Rendering is synchronous WASM on this thread; it stays at most
 * one page ahead of each worker, so the pool never starves and rendered pages don't pile up in memory.
 */
export async function recognizeDocument(
  bytes: Uint8Array,
  opts: RecognizeDocumentOptions = {},
): Promise<TextractDocument> {
  const { pageCount, pages } = await recognizePages(bytes, opts);
  return {
    DocumentMetadata: { Pages: pageCount },
    Blocks: pagesToTextractBlocks(pages),
    DetectDocumentTextModelVersion: LOCAL_MODEL_VERSION,
    JobStatus: "SUCCEEDED",
  };
}

/**
 * The recognized words of every page, in page order: what the Textract-shaped blocks are made of, about a
 * tenth of their size (a 3,000-page document's blocks would take about a gigabyte).
 */
export async function recognizePages(
  bytes: Uint8Array,
  opts: RecognizeDocumentOptions = {},
): Promise<{ pageCount: number; pages: OcrPage[] }> {
  const ownPool = opts.pool ? undefined : createOcrPool();
  const pool: RecognizerPool = opts.pool ?? ownPool!;
  let doc: PageRenderer | undefined;
  try {
    doc = new PageRenderer(bytes, opts.mimeType);
    const total = doc.pageCount;
    const pages: OcrPage[] = [];
    const inFlight = new Set<Promise<void>>();
    let failure: unknown;
    let done = 0;
    for (let n = 1; n <= total && failure === undefined; n++) {
      while (inFlight.size > pool.size && failure === undefined) await Promise.race(inFlight);
      if (failure !== undefined) break;
      // A skewed scan comes back straightened (same pixel size), and a photo's slant stretched out: the page
      // keeps how, and its blocks are mapped back onto the scan (to-textract-blocks.ts).
      const { png, width, height, straightening } = doc.render(n, { dpi: opts.dpi });
      // Tasks never reject (failures are recorded), so an early exit leaves no unhandled rejections behind.
      const task: Promise<void> = pool
        .recognize(png)
        .then(({ lines }) =>
          opts.rereadSlanted === false ? lines : rereadSlantedWords(png, { width, height }, lines, pool),
        )
        .then((lines) => {
          pages.push({ pageNumber: n, width, height, lines, ...(straightening ? { straightening } : {}) });
          opts.onPage?.(++done, total);
        })
        .catch((err: unknown) => {
          failure ??= err;
        });
      inFlight.add(task);
      void task.then(() => inFlight.delete(task));
      await yieldToEventLoop();
    }
    await Promise.all(inFlight);
    if (failure !== undefined) throw failure;
    return { pageCount: total, pages: pages.sort((a, b) => a.pageNumber - b.pageNumber) };
  } finally {
    doc?.close();
    await ownPool?.terminate();
  }
}

/** What the engine keeps per job. Plain data, so a runtime can persist it (JSON) between restarts. */
export interface LocalOcrJobRecord {
  jobId: string;
  documentId: string;
  /** The request's job key, echoed as JobTag (the document id when unset). */
  jobKey?: string;
  status: OcrJobStatus;
  statusMessage?: string;
  /** The recognized pages (in page order); their blocks are made as Get… calls ask for them. */
  pages?: OcrPage[];
  pageCount?: number;
  location: { bucket: string; key: string; versionId?: string };
  startedAt: number;
  completedAt?: number;
}

/** Where results live. A `Map<string, LocalOcrJobRecord>` satisfies it; so can a file- or DB-backed store. */
export interface LocalOcrResultStore {
  get(jobId: string): LocalOcrJobRecord | undefined | Promise<LocalOcrJobRecord | undefined>;
  set(jobId: string, record: LocalOcrJobRecord): unknown;
}

export interface LocalOcrEngineOptions {
  readObject(bucket: string, key: string, versionId?: string): Promise<Uint8Array>;
  onComplete(notification: OcrCompletionNotification): void | Promise<void>;
  /** Shared pool; by default the engine creates one on first use (terminated by `close()`). */
  pool?: RecognizerPool;
  resultStore?: LocalOcrResultStore;
  dpi?: number;
  /** Called when persisting a result or delivering a notification fails (the runtime logs it without PHI). */
  onError: (err: unknown, jobId: string) => void;
  now?: () => number;
}

/** Textract's page size for Get… results (MaxResults upper bound). */
export const RESULT_PAGE_SIZE = 1000;

export class InvalidJobIdError extends ChartbridgeError {
  constructor(message: string) {
    // Named as the Textract SDK names it: callers may match on it.
    super({ name: "InvalidJobIdException", code: "INVALID_JOB_ID", retryable: false }, message);
  }
}

export const localJobId = (documentId: string) => `local-${documentId}`;

export class LocalOcrEngine implements OcrEngine {
  readonly name = "local-tesseract";
  private readonly store: LocalOcrResultStore;
  private readonly starts = new Map<string, Promise<void>>();
  private readonly running = new Map<string, Promise<void>>();
  private ownPool: OcrPool | undefined;

  constructor(private readonly options: LocalOcrEngineOptions) {
    this.store = options.resultStore ?? new Map<string, LocalOcrJobRecord>();
  }

  /**
   * Returns at once; OCR runs in the background and ends with `onComplete`. Like Textract with a
   * ClientRequestToken, the same document id always maps to the same job and never runs OCR twice.
   * Only the DetectDocumentText equivalent exists locally: `forms`/`queries` jobs return text blocks.
   */
  async startJob(request: StartOcrJobRequest): Promise<{ jobId: string }> {
    const jobId = localJobId(request.jobKey ?? request.documentId);
    let start = this.starts.get(jobId);
    if (!start) {
      start = this.begin(jobId, request);
      this.starts.set(jobId, start);
      start.catch(() => this.starts.delete(jobId)); // a failed start (store error) may be retried
    }
    await start;
    return { jobId };
  }

  async getResultPage(jobId: string, _features: OcrFeatureSet, nextToken?: string): Promise<OcrResultPage> {
    const record = await this.store.get(jobId);
    if (!record) throw new InvalidJobIdError(`unknown job ${jobId}`);
    const base = {
      jobStatus: record.status,
      statusMessage: record.statusMessage,
      modelVersion: LOCAL_MODEL_VERSION,
    };
    if (record.status !== "SUCCEEDED" || !record.pages) return { ...base, pageCount: 0, blocks: [] };
    const offset = nextToken === undefined ? 0 : decodeToken(jobId, nextToken);
    const { blocks, total } = blocksOfPages(record.pages, offset, RESULT_PAGE_SIZE);
    const end = offset + blocks.length;
    return {
      ...base,
      pageCount: record.pageCount ?? record.pages.length,
      blocks,
      nextToken: end < total ? encodeToken(jobId, end) : undefined,
    };
  }

  /** Resolves when every background job (including its notification) has finished. */
  async drain(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running.values()]);
  }

  /** Waits for running jobs, then stops the pool the engine created itself (a passed-in pool is left alone). */
  async close(): Promise<void> {
    await this.drain();
    await this.ownPool?.terminate();
    this.ownPool = undefined;
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  private async begin(jobId: string, request: StartOcrJobRequest): Promise<void> {
    const existing = await this.store.get(jobId);
    // Finished jobs are returned as-is. An IN_PROGRESS record that no task here is running means the
    // process stopped mid-job (persistent store): run it again rather than leave it stuck forever.
    if (existing && (existing.status !== "IN_PROGRESS" || this.running.has(jobId))) return;
    const record: LocalOcrJobRecord = {
      jobId,
      documentId: request.documentId,
      jobKey: request.jobKey,
      status: "IN_PROGRESS",
      location: { bucket: request.bucket, key: request.key, versionId: request.versionId },
      startedAt: this.now(),
    };
    await this.store.set(jobId, record);
    const task = this.process(record).finally(() => this.running.delete(jobId));
    this.running.set(jobId, task);
  }

  /** Never rejects: every failure becomes a FAILED record and notification. */
  private async process(record: LocalOcrJobRecord): Promise<void> {
    const { bucket, key, versionId } = record.location;
    let done: LocalOcrJobRecord;
    try {
      const bytes = await this.options.readObject(bucket, key, versionId);
      const { pageCount, pages } = await recognizePages(bytes, { dpi: this.options.dpi, pool: this.pool() });
      done = { ...record, status: "SUCCEEDED", pages, pageCount, completedAt: this.now() };
    } catch (err) {
      // Error messages come from mupdf/tesseract/S3, never from recognized text, so they are safe to keep.
      done = {
        ...record,
        status: "FAILED",
        statusMessage: (err as Error)?.message ?? String(err),
        completedAt: this.now(),
      };
    }
    try {
      await this.store.set(record.jobId, done);
    } catch (err) {
      this.reportError(err, record.jobId);
      done = { ...done, status: "FAILED", statusMessage: "result could not be stored", pages: undefined };
    }
    try {
      await this.options.onComplete({
        JobId: record.jobId,
        Status: done.status === "SUCCEEDED" ? "SUCCEEDED" : "FAILED",
        API: "StartDocumentTextDetection",
        JobTag: record.jobKey ?? record.documentId,
        Timestamp: done.completedAt ?? this.now(),
        DocumentLocation: { S3ObjectName: key, S3Bucket: bucket },
      });
    } catch (err) {
      this.reportError(err, record.jobId);
    }
  }

  private pool(): RecognizerPool {
    if (this.options.pool) return this.options.pool;
    this.ownPool ??= createOcrPool();
    return this.ownPool;
  }

  private reportError(err: unknown, jobId: string): void {
    this.options.onError(err, jobId);
  }
}

/**
 * Up to `count` blocks of the pages' Textract-shaped blocks, from block `offset` on, and how many there are
 * in all. Only the pages the range touches are turned into blocks (block ids are deterministic, so the same
 * block has the same id in every call).
 */
function blocksOfPages(pages: readonly OcrPage[], offset: number, count: number) {
  const blocks: TextractBlock[] = [];
  let total = 0;
  for (const page of pages) {
    const size = blockCountOf(page);
    const start = total;
    total += size;
    if (blocks.length >= count || total <= offset) continue;
    const pageBlocks = pageToTextractBlocks(page);
    for (let i = Math.max(0, offset - start); i < size && blocks.length < count; i++)
      blocks.push(pageBlocks[i]!);
  }
  return { blocks, total };
}

const blockCounts = new WeakMap<OcrPage, number>();
function blockCountOf(page: OcrPage): number {
  let n = blockCounts.get(page);
  if (n === undefined) blockCounts.set(page, (n = pageToTextractBlocks(page).length));
  return n;
}

// Opaque like Textract's tokens, and bound to the job so a token cannot be replayed against another.
function encodeToken(jobId: string, offset: number): string {
  return Buffer.from(JSON.stringify({ j: jobId, o: offset })).toString("base64url");
}

function decodeToken(jobId: string, token: string): number {
  try {
    const { j, o } = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as {
      j: unknown;
      o: unknown;
    };
    if (j === jobId && Number.isInteger(o) && (o as number) >= 0) return o as number;
  } catch {
    // fall through
  }
  throw new Error("InvalidParameterException: invalid NextToken");
}
