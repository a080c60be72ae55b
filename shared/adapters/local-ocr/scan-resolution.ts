import { grayHistogram, otsuThreshold } from "./preprocess-scan";
import type { GrayImage } from "./remove-rule-lines";

/**
 * A scan's true resolution, decided from its pixels. The resolution a file declares (a PNG's pHYs, a TIFF's
 * XResolution, the page size a PDF gives a scanned image) is only a hint: scanner software and phone apps
 * write 72 or 96 whatever they scanned at, and a PNG without a tag is taken as 96. Read at the declared 72,
 * a 300-dpi page's letterhead looked like 40-point type to the rule-line eraser and to tesseract, and came
 * out as stray letters.
 *
 * In order: the pixel size of a standard sheet of paper (a full-page scan), then the height of the text
 * lines (cards, photos, cropped scans), then the hint.
 */

/** Standard sheets, short × long side in inches. */
const PAPER_SIZES = [
  { name: "letter", short: 8.5, long: 11 },
  { name: "legal", short: 8.5, long: 14 },
  { name: "a4", short: 8.27, long: 11.69 },
  { name: "a5", short: 5.83, long: 8.27 },
  { name: "tabloid", short: 11, long: 17 },
] as const;

/** Aspect ratios closer than this are taken as the same sheet (scanners crop a few pixels). */
const PAPER_ASPECT_TOLERANCE = 0.01;
/** Resolutions a page scan is made at; outside this a matching aspect ratio is a coincidence. */
const MIN_SCAN_DPI = 100;
const MAX_SCAN_DPI = 1200;

/**
 * The median height of a line's ink in inches. Body text of charts and forms is 9–12 pt and the ink of a
 * line measures about 0.75 em (measured on rendered charts: 0.74 em at 9–14 pt, 150 and 300 dpi); small
 * print and headings move the median less than the many lines of body text.
 */
const TYPICAL_LINE_INCHES = 0.115;
/** A declared resolution within this factor of the text's estimate is believed: it is more precise. */
const HINT_AGREEMENT = 1.5;
/**
 * 72 and 96 are what software writes when it does not know (and what mupdf assumes without a tag): they
 * say nothing about the scan.
 */
const MAX_DEFAULT_DPI = 96;
/** Below this an estimate from text height is a misreading (a page of headlines, a poster). */
const MIN_TEXT_DPI = 50;
/** Fewer text lines than this say nothing about the type size. */
const MIN_TEXT_LINES = 5;

export type ResolutionSource = "paper-size" | "text-height" | "declared";

export interface ScanResolution {
  dpi: number;
  source: ResolutionSource;
}

/** The resolution at which `width` × `height` pixels are a standard sheet of paper, if they are one. */
export function resolutionFromPaperSize(width: number, height: number): number | undefined {
  const [short, long] = width < height ? [width, height] : [height, width];
  if (short <= 0) return undefined;
  const aspect = short / long;
  for (const paper of PAPER_SIZES) {
    if (Math.abs(aspect - paper.short / paper.long) > PAPER_ASPECT_TOLERANCE * (paper.short / paper.long))
      continue;
    const dpi = Math.round(((short / paper.short + long / paper.long) / 2) * 10) / 10;
    if (dpi >= MIN_SCAN_DPI && dpi <= MAX_SCAN_DPI) return dpi;
  }
  return undefined;
}

/**
 * The median height in pixels of the text lines on a grayscale image, or undefined when it holds too few.
 * Lines are runs of rows with ink, counted in narrow vertical strips so that a skewed page or a second
 * column does not merge neighbouring lines; rules and specks (under 4 px) and pictures or boxes (over a
 * tenth of the image) are not lines.
 */
export function medianTextLineHeight(image: GrayImage): number | undefined {
  const { pixels, width, height, stride } = image;
  const threshold = otsuThreshold(grayHistogram(image));
  const stripWidth = Math.max(48, Math.round(width / 10));
  const heights: number[] = [];
  for (let x0 = 0; x0 + stripWidth / 2 <= width; x0 += stripWidth) {
    const x1 = Math.min(width, x0 + stripWidth);
    // A row has ink when a few pixels of the strip are dark: one speck or a dust line does not make text.
    const minInk = Math.max(2, Math.round((x1 - x0) * 0.01));
    let run = 0;
    for (let y = 0; y <= height; y++) {
      let ink = 0;
      if (y < height) {
        const row = y * stride;
        for (let x = x0; x < x1 && ink < minInk; x++) if (pixels[row + x]! < threshold) ink++;
      }
      if (ink >= minInk) {
        run++;
        continue;
      }
      if (run >= 4 && run <= height / 10) heights.push(run);
      run = 0;
    }
  }
  if (heights.length < MIN_TEXT_LINES) return undefined;
  heights.sort((a, b) => a - b);
  return heights[Math.floor(heights.length / 2)]!;
}

/**
 * The true resolution of a scan of `width` × `height` pixels: from the paper size, else from the height of
 * its text lines in scan pixels (`textLineHeight`, measured only when needed), else what the file declares.
 * The declared value wins over the text estimate when it is not a software default and the two roughly
 * agree.
 */
export function scanResolution(input: {
  width: number;
  height: number;
  declaredDpi: number;
  textLineHeight?: () => number | undefined;
}): ScanResolution {
  const paper = resolutionFromPaperSize(input.width, input.height);
  if (paper !== undefined) return { dpi: paper, source: "paper-size" };
  const lineHeight = input.textLineHeight?.();
  if (lineHeight !== undefined) {
    const fromText = lineHeight / TYPICAL_LINE_INCHES;
    const ratio = input.declaredDpi / fromText;
    if (input.declaredDpi > MAX_DEFAULT_DPI && ratio <= HINT_AGREEMENT && ratio >= 1 / HINT_AGREEMENT)
      return { dpi: input.declaredDpi, source: "declared" };
    const dpi = Math.round(Math.min(MAX_SCAN_DPI, Math.max(MIN_TEXT_DPI, fromText)));
    return { dpi, source: "text-height" };
  }
  return { dpi: input.declaredDpi, source: "declared" };
}
