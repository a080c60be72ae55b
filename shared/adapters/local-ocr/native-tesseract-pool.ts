import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { availableParallelism } from "node:os";
import { ChartbridgeError } from "../../errors/chartbridge-error";
import { encodeGrayTiff, type GrayImageAtDpi } from "./gray-tiff";
import type { RecognizedPage, RecognizerPool } from "./tesseract-pool";
import type { OcrLine } from "./to-textract-blocks";

/**
 * Pages recognized by the native Tesseract 5 command (Debian's `tesseract-ocr`), one process per page and at
 * most `size` at once. It runs about twice as fast per core as tesseract.js (no WASM, the fast model) and its
 * words are as accurate on our pages (bench:ocr); tesseract.js stays the fallback that needs no install.
 */

export interface NativeTesseractOptions {
  /** Pages recognized at once (one single-threaded process each). Default: `os.availableParallelism()`. */
  size?: number;
  /** The command. Default: `tesseract` on the PATH. */
  binary?: string;
  lang?: string;
  /** A page taking longer than this is abandoned: its process is killed and the page fails. */
  jobTimeoutMs?: number;
  /** Directory holding `<lang>.traineddata` (another model than the installed one). Default: the installed. */
  tessdataDir?: string;
}

/** Whether `binary` runs and has the language installed (checked once per binary and language). */
export function nativeTesseractAvailable(binary = "tesseract", lang = "eng"): boolean {
  const key = `${binary}\0${lang}`;
  let known = availability.get(key);
  if (known === undefined) {
    const run = spawnSync(binary, ["--list-langs"], { encoding: "utf8", timeout: 10_000 });
    known = run.status === 0 && `${run.stdout}`.split(/\s+/).includes(lang);
    availability.set(key, known);
  }
  return known;
}
const availability = new Map<string, boolean>();

export class NativeTesseractPool implements RecognizerPool {
  readonly engine = "native";
  readonly size: number;
  private readonly binary: string;
  private readonly lang: string;
  private readonly jobTimeoutMs: number;
  private readonly tessdataDir: string | undefined;
  private readonly waiting: (() => void)[] = [];
  private readonly running = new Set<ChildProcess>();
  /** Slots taken: pages running or about to. */
  private active = 0;
  private terminated = false;

  constructor(options: NativeTesseractOptions = {}) {
    this.size = Math.max(1, Math.floor(options.size ?? availableParallelism()));
    this.binary = options.binary ?? "tesseract";
    this.lang = options.lang ?? "eng";
    this.jobTimeoutMs = options.jobTimeoutMs ?? 120_000;
    this.tessdataDir = options.tessdataDir;
  }

  /** Recognizes one encoded image (PNG, JPEG, TIFF…). Resolves to its lines and words with pixel boxes. */
  async recognize(image: Uint8Array): Promise<RecognizedPage> {
    return parseTsv(await this.inSlot(image));
  }

  /**
   * Recognizes small gray images (a page's re-read crops) in one process, as the pages of one TIFF: one
   * start and one model load (about 0.1 s) for all of them instead of one each. One result per image, in order.
   */
  async recognizeAll(images: readonly GrayImageAtDpi[]): Promise<RecognizedPage[]> {
    if (!images.length) return [];
    return parseTsvPages(await this.inSlot(encodeGrayTiff(images)), images.length);
  }

  private async inSlot(input: Uint8Array): Promise<string> {
    if (this.terminated) throw new Error("NativeTesseractPool is terminated");
    // A finishing job hands its slot straight to the next waiting one, so never more than `size` run.
    if (this.active < this.size) this.active++;
    else await new Promise<void>((go) => this.waiting.push(go));
    try {
      if (this.terminated) throw new Error("NativeTesseractPool is terminated");
      return await this.run(input);
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }

  /** Kills the running processes; waiting and later pages fail. */
  async terminate(): Promise<void> {
    this.terminated = true;
    for (const child of this.running) kill(child);
    for (const go of this.waiting.splice(0)) go();
  }

  private run(image: Uint8Array): Promise<string> {
    return new Promise((resolve, reject) => {
      // PSM 3 (automatic layout), as the tesseract.js pool: centred titles in larger type are kept.
      const model = this.tessdataDir ? ["--tessdata-dir", this.tessdataDir] : [];
      // TSV output by its setting, not the "tsv" config file: a model directory of our own has no configs.
      const args = [
        "stdin",
        "stdout",
        ...model,
        "--psm",
        "3",
        "-l",
        this.lang,
        "-c",
        "tessedit_create_tsv=1",
      ];
      const child = spawn(this.binary, args, {
        // One thread per process: pages run side by side, `size` of them, instead of competing for cores.
        env: { ...process.env, OMP_THREAD_LIMIT: "1" },
        stdio: ["pipe", "pipe", "ignore"],
        // Its own process group, so a kill reaches anything it started (a wrapper script's children too).
        detached: true,
      });
      this.running.add(child);
      const out: Buffer[] = [];
      const timer = setTimeout(() => {
        kill(child);
        settle(new NativeTesseractError(null, "SIGKILL", false));
      }, this.jobTimeoutMs);
      child.stdout!.on("data", (chunk: Buffer) => out.push(chunk));
      child.stdin!.on("error", () => {}); // a process that dies early closes its stdin: reported on exit
      child.on("error", (err) => settle(err));
      child.on("close", (code, signal) =>
        settle(code === 0 ? undefined : new NativeTesseractError(code, signal, this.terminated)),
      );
      let settled = false;
      const settle = (err: Error | undefined) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.running.delete(child);
        if (err) reject(err);
        else resolve(Buffer.concat(out).toString("utf8"));
      };
      child.stdin!.end(image);
    });
  }
}

function kill(child: ChildProcess): void {
  try {
    process.kill(-child.pid!, "SIGKILL");
  } catch {
    child.kill("SIGKILL"); // the group is gone already, or never started
  }
}

/** The tesseract command failed on a page (killed after the timeout, or an unreadable image). */
export class NativeTesseractError extends ChartbridgeError {
  constructor(code: number | null, signal: NodeJS.Signals | null, terminated: boolean) {
    super(
      { name: "NativeTesseractError", code: signal ? "OCR_TIMEOUT" : "OCR_ENGINE_FAILED", retryable: false },
      terminated
        ? "NativeTesseractPool is terminated"
        : `tesseract ${signal ? `was killed (${signal})` : `exited with status ${code}`}`,
    );
  }
}

/**
 * Tesseract's TSV (level, page, block, paragraph, line, word, left, top, width, height, conf, text) as lines
 * of words in reading order. Boxes become tesseract.js's {x0, y0, x1, y1} with exclusive right/bottom edges.
 */
export function parseTsv(tsv: string): RecognizedPage {
  return parseTsvPages(tsv, 1)[0] as RecognizedPage;
}

/** The TSV of a multi-page input (page numbers from 1) as `pageCount` pages; a page with no row is empty. */
export function parseTsvPages(tsv: string, pageCount: number): RecognizedPage[] {
  const rows: string[][][] = Array.from({ length: pageCount }, () => []);
  for (const row of tsv.split("\n").slice(1)) {
    const cells = row.split("\t");
    if (cells.length < 12) continue;
    rows[Number(cells[1]) - 1]?.push(cells);
  }
  return rows.map(pageOfRows);
}

function pageOfRows(rows: readonly string[][]): RecognizedPage {
  const lines: OcrLine[] = [];
  let current: OcrLine | undefined;
  let sum = 0;
  let words = 0;
  for (const cells of rows) {
    const [level, left, top, width, height, conf] = [0, 6, 7, 8, 9, 10].map((i) => Number(cells[i]));
    const bbox = { x0: left!, y0: top!, x1: left! + width!, y1: top! + height! };
    if (level === 4) {
      current = { bbox, words: [] };
      lines.push(current);
    } else if (level === 5 && current) {
      const text = cells.slice(11).join("\t").trim();
      if (!text) continue;
      current.words.push({ text, confidence: conf!, bbox });
      sum += conf!;
      words++;
    }
  }
  const kept = lines.filter((l) => l.words.length > 0);
  for (const line of kept)
    line.confidence = line.words.reduce((s, w) => s + w.confidence, 0) / line.words.length;
  return { lines: kept, confidence: words ? sum / words : 0 };
}
