import * as mupdf from "mupdf";
import type { GrayImageAtDpi } from "./gray-tiff";
import type { RecognizedPage, RecognizerPool } from "./tesseract-pool";
import type { OcrBbox, OcrLine, OcrWord } from "./to-textract-blocks";

/**
 * A second look at words tesseract was unsure of that hold digits (dates, record numbers), straightened first.
 *
 * Handwriting and italic fonts lean; tesseract's English model reads upright print, and misreads slanted digits
 * badly ("5/4/71" as "471" or "S471"). Cut out the word (widened to the gaps beside it, where unread strokes
 * are), shear it upright, and recognize the crop again: measured on the synthetic handwritten forms, "5/4/71"
 * then reads at confidence 94 where the page pass gave 58–74. A re-read replaces the word only when it is one
 * word with a digit and clearly surer than the first reading, so printed text is never made worse.
 */

export interface RereadOptions {
  /** Words below this confidence (0–100) that contain a digit are re-read. */
  maxConfidence?: number;
  /** Horizontal shear that undoes the slant: x moves right by `shear` × (distance from the top). */
  shear?: number;
  /** At most this many words per page (a page of garbage should not cost a recognition per word). */
  maxWords?: number;
}

export const REREAD_DEFAULTS = { maxConfidence: 80, shear: 0.2, maxWords: 12 } as const;

/** A re-read must reach this confidence and beat the first reading by this margin to replace it. */
const MIN_REREAD_CONFIDENCE = 80;
const MIN_GAIN = 10;

/** The positions of the words worth a second look, least confident first. */
export function wordsToReread(
  lines: readonly OcrLine[],
  opts: RereadOptions = {},
): { line: number; word: number }[] {
  const maxConfidence = opts.maxConfidence ?? REREAD_DEFAULTS.maxConfidence;
  const found: { line: number; word: number; confidence: number }[] = [];
  lines.forEach((l, li) =>
    l.words.forEach((w, wi) => {
      if (w.confidence < maxConfidence && /\d/.test(w.text))
        found.push({ line: li, word: wi, confidence: w.confidence });
    }),
  );
  return found
    .sort((a, b) => a.confidence - b.confidence)
    .slice(0, opts.maxWords ?? REREAD_DEFAULTS.maxWords)
    .map(({ line, word }) => ({ line, word }));
}

/**
 * The word's region, widened sideways into the gaps to its neighbours (at most two heights each way) and by a
 * fifth of its height above and below, clipped to the page.
 */
export function rereadRegion(line: OcrLine, index: number, width: number, height: number): OcrBbox {
  const word = line.words[index] as OcrWord;
  const h = Math.max(1, word.bbox.y1 - word.bbox.y0);
  const prev = line.words[index - 1];
  const next = line.words[index + 1];
  const left = Math.max(prev ? prev.bbox.x1 + 1 : 0, word.bbox.x0 - 2 * h);
  const right = Math.min(next ? next.bbox.x0 - 1 : width, word.bbox.x1 + 2 * h);
  return {
    x0: Math.max(0, Math.floor(left)),
    y0: Math.max(0, Math.floor(word.bbox.y0 - h / 5)),
    x1: Math.min(width, Math.ceil(right)),
    y1: Math.min(height, Math.ceil(word.bbox.y1 + h / 5)),
  };
}

/** The region of the page, sheared upright (white where the shear leaves no pixels), as a PNG. */
export function deslantedCrop(page: mupdf.Image, region: OcrBbox, shear: number): Uint8Array {
  const crop = deslantedPixmap(page, region, shear);
  try {
    return crop.asPNG();
  } finally {
    crop.destroy();
  }
}

/** The same crop as gray pixels (for a recognizer that reads many at once), copied out of mupdf's memory. */
function deslantedGray(page: mupdf.Image, region: OcrBbox, shear: number): GrayImageAtDpi {
  const crop = deslantedPixmap(page, region, shear);
  try {
    const [width, height, stride] = [crop.getWidth(), crop.getHeight(), crop.getStride()];
    return { pixels: crop.getPixels().slice(), width, height, stride, dpi: page.getXResolution() };
  } finally {
    crop.destroy();
  }
}

function deslantedPixmap(page: mupdf.Image, region: OcrBbox, shear: number): mupdf.Pixmap {
  const W = page.getWidth();
  const H = page.getHeight();
  const w = region.x1 - region.x0;
  const h = region.y1 - region.y0;
  const out = new mupdf.Pixmap(mupdf.ColorSpace.DeviceGray, [0, 0, Math.ceil(w + shear * h), h], false);
  // The page's resolution, so tesseract sizes the text as on the page (without it, it guesses from the crop).
  out.setResolution(page.getXResolution(), page.getYResolution());
  out.clear(255);
  const device = new mupdf.DrawDevice(mupdf.Matrix.identity, out);
  // The image's unit square onto the page's pixels, each row shifted right by shear × its distance from the
  // region's top, and the region moved to the origin.
  device.fillImage(page, [W, 0, shear * H, H, -(region.x0 + shear * region.y0), -region.y0], 1);
  device.close();
  return out;
}

/**
 * Re-reads the page's unsure words with digits (see the module comment) and returns the lines with the
 * improved words; the input is not modified. `png` is the page image the lines were read from.
 */
export async function rereadSlantedWords(
  png: Uint8Array,
  size: { width: number; height: number },
  lines: readonly OcrLine[],
  pool: RecognizerPool,
  opts: RereadOptions = {},
): Promise<OcrLine[]> {
  const targets = wordsToReread(lines, opts);
  if (!targets.length) return [...lines];
  const shear = opts.shear ?? REREAD_DEFAULTS.shear;
  // Decoded once up front: drawing an encoded image decodes it lazily, and mupdf's first draw of a sub-area
  // comes out blurred (measured: the first crop of a page read as nothing, the same crop drawn again read right).
  const decoded = new mupdf.Image(png).toPixmap();
  const page = new mupdf.Image(decoded);
  const out = lines.map((l) => ({ ...l, words: [...l.words] }));
  try {
    const crops = targets.flatMap(({ line, word }) => {
      const region = rereadRegion(lines[line] as OcrLine, word, size.width, size.height);
      // Overlapping word boxes can leave no room between the neighbours: nothing to crop.
      if (region.x1 - region.x0 < 2 || region.y1 - region.y0 < 2) return [];
      return [{ line, word, region }];
    });
    const reads = await recognizeCrops(
      pool,
      crops.map((c) => c.region),
      page,
      shear,
    );
    crops.forEach(({ line, word, region }, i) => {
      const first = (lines[line] as OcrLine).words[word] as OcrWord;
      const better = reads[i] ? singleWord(reads[i].lines) : undefined;
      if (
        better &&
        /\d/.test(better.text) &&
        better.confidence >= MIN_REREAD_CONFIDENCE &&
        better.confidence >= first.confidence + MIN_GAIN
      ) {
        (out[line] as OcrLine).words[word] = {
          text: better.text,
          confidence: better.confidence,
          bbox: region,
        };
      }
    });
  } finally {
    page.destroy();
    decoded.destroy();
  }
  return out;
}

/**
 * The crops recognized: all at once where the pool can (native Tesseract), else one by one. A second look
 * that fails (a process or worker timing out) leaves that crop unread (undefined): the page is already
 * read, and losing it over an optional re-read would fail the whole document.
 */
async function recognizeCrops(
  pool: RecognizerPool,
  regions: readonly OcrBbox[],
  page: mupdf.Image,
  shear: number,
): Promise<(RecognizedPage | undefined)[]> {
  if (!regions.length) return [];
  if (pool.recognizeAll) {
    const crops = regions.map((r) => deslantedGray(page, r, shear));
    return pool.recognizeAll(crops).catch(() => []);
  }
  const reads: (RecognizedPage | undefined)[] = [];
  for (const r of regions)
    reads.push(await pool.recognize(deslantedCrop(page, r, shear)).catch(() => undefined));
  return reads;
}

/** The one word a crop holds (stray punctuation around it ignored), or undefined if it holds more or none. */
function singleWord(lines: readonly OcrLine[]): OcrWord | undefined {
  const words = lines.flatMap((l) => l.words).filter((w) => /[A-Za-z0-9]/.test(w.text));
  return words.length === 1 ? words[0] : undefined;
}
