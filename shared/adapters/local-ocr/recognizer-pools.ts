import { bundledModelDir } from "./bundled-model";
import { NativeTesseractPool, nativeTesseractAvailable } from "./native-tesseract-pool";
import { TesseractPool, type RecognizerPool } from "./tesseract-pool";

/** The local OCR engines: native Tesseract 5 when installed, else tesseract.js (WASM, nothing to install). */
export const LOCAL_OCR_ENGINES = ["native", "wasm"] as const;
export type LocalOcrEngineName = (typeof LOCAL_OCR_ENGINES)[number];

/** A pool of page recognizers that can be stopped. */
export interface OcrPool extends RecognizerPool {
  readonly engine: LocalOcrEngineName;
  terminate(): Promise<void>;
}

export interface OcrPoolOptions {
  /** Pages recognized at once. Default: `os.availableParallelism()`. */
  size?: number;
  /** "auto" (the default): native when the `tesseract` command and its English model are installed. */
  engine?: LocalOcrEngineName | "auto";
  /**
   * The model native Tesseract reads: "best" (the bundled best_int model, the one tesseract.js reads) or
   * "fast" (the installed one; Debian's is tessdata_fast). Default from CHARTBRIDGE_OCR_MODEL, else "best".
   */
  nativeModel?: NativeModel;
}

export const NATIVE_MODELS = ["best", "fast"] as const;
export type NativeModel = (typeof NATIVE_MODELS)[number];

/** The native engine was asked for and is not installed. */
export class NativeOcrUnavailableError extends Error {
  constructor() {
    super("native Tesseract is not installed (Debian: apt-get install tesseract-ocr)");
    this.name = "NativeOcrUnavailableError";
  }
}

export function createOcrPool(options: OcrPoolOptions = {}): OcrPool {
  const engine = options.engine ?? "auto";
  const size = options.size === undefined ? {} : { size: options.size };
  if (engine === "wasm") return new TesseractPool(size);
  if (nativeTesseractAvailable()) {
    const model = options.nativeModel ?? parseNativeModel(process.env.CHARTBRIDGE_OCR_MODEL);
    return new NativeTesseractPool({
      ...size,
      ...(model === "best" ? { tessdataDir: bundledModelDir() } : {}),
    });
  }
  if (engine === "native") throw new NativeOcrUnavailableError();
  return new TesseractPool(size);
}

/** Parses a native model setting; undefined or empty means "best". */
export function parseNativeModel(value: string | undefined): NativeModel {
  if (value === undefined || value === "") return "best";
  if ((NATIVE_MODELS as readonly string[]).includes(value)) return value as NativeModel;
  throw new Error(`unknown OCR model "${value}": use best or fast`);
}

/** Parses an engine setting (a CLI flag or CHARTBRIDGE_OCR_ENGINE); undefined means "auto". */
export function parseOcrEngine(value: string | undefined): LocalOcrEngineName | "auto" {
  if (value === undefined || value === "" || value === "auto") return "auto";
  if ((LOCAL_OCR_ENGINES as readonly string[]).includes(value)) return value as LocalOcrEngineName;
  throw new Error(`unknown OCR engine "${value}": use native, wasm or auto`);
}
