/**
 * Erases ruled lines (table borders, form boxes, underlines) from a grayscale page image before OCR.
 *
 * Tesseract's layout analysis treats a bordered grid as a picture and drops the text inside it, and
 * patient header boxes on charts are exactly such grids; leftovers of a border also read as stray "|" or
 * "i" glued to values. Textract reads such boxes fine, so the local engine must too. A dark run longer
 * than body type's glyphs (a third of an inch) is whitened, unless it is the stem or bar of a letter in a
 * large title (as long as a rule, many times thicker, and bounded).
 */
export interface GrayImage {
  /** One byte per pixel, row stride `stride`; modified in place. */
  pixels: Uint8Array | Uint8ClampedArray;
  width: number;
  height: number;
  stride: number;
}

/** Darker than this is ink. */
const DARK = 170;
/** Anti-aliased fringe beside a rule: light enough to pass as paper, dark enough to binarize as ink. */
const FRINGE = 235;

/**
 * Returns how many pixels were whitened. Runs are measured through a three-pixel-wide band, so a rule
 * that drifts by a pixel every few dozen (a scan skewed by a degree or two) still counts as one run.
 */
export function removeRuleLines(image: GrayImage, dpi: number): number {
  const minRun = Math.max(24, Math.round(dpi / 3));
  // A rule is at most about a millimetre thick; a large title's strokes are several, and never longer than an
  // inch nor thicker than a sixth of one. Longer or thicker dark runs are dark areas (a scanner's black
  // border, a viewer's background, a filled header bar), whitened like rules: OCR reads nothing in them.
  const maxRule = Math.max(3, Math.round(dpi / 25));
  const maxStroke = Math.max(maxRule + 1, Math.round(dpi / 6));
  const maxStrokeLength = dpi;
  const { pixels, width, height, stride } = image;
  const at = (x: number, y: number) =>
    x < 0 || y < 0 || x >= width || y >= height ? 255 : pixels[y * stride + x]!;
  const erase = new Uint8Array(width * height);
  const mark = (x: number, y: number) => {
    if (at(x, y) < FRINGE) erase[y * width + x] = 1;
  };
  /** Dark pixels across the run at (x, y), going (dx, dy) both ways; counted up to maxStroke plus one. */
  const across = (x: number, y: number, dx: number, dy: number): number => {
    // The band lets a run pass a pixel beside the dark one: start on the darkest of the three.
    let [cx, cy] = [x, y];
    for (const k of [-1, 1]) if (at(x + k * dx, y + k * dy) < at(cx, cy)) [cx, cy] = [x + k * dx, y + k * dy];
    if (at(cx, cy) >= DARK) return 0;
    let n = 1;
    for (const k of [-1, 1])
      for (let step = 1; n <= maxStroke && at(cx + k * step * dx, cy + k * step * dy) < DARK; step++) n++;
    return n;
  };
  /**
   * Is the dark run of `length` from (x, y) along (dx, dy) a letter's stroke (kept) rather than a rule or a
   * dark area? Thicker than a rule but no more than a stroke across most of its length, and not too long.
   */
  const glyphStroke = (x: number, y: number, dx: number, dy: number, length: number): boolean => {
    if (length >= maxStrokeLength) return false;
    const samples = 9;
    let stroke = 0;
    for (let i = 0; i < samples; i++) {
      const t = Math.floor(((i + 0.5) * length) / samples);
      const n = across(x + t * dx, y + t * dy, dy, dx);
      if (n > maxRule && n <= maxStroke) stroke++;
    }
    return stroke * 2 > samples;
  };

  // Horizontal rules: a row is dark at x if the pixel or one just above/below it is.
  for (let y = 0; y < height; y++) {
    let start = -1;
    for (let x = 0; x <= width; x++) {
      const dark = x < width && Math.min(at(x, y - 1), at(x, y), at(x, y + 1)) < DARK;
      if (dark && start < 0) start = x;
      else if (!dark && start >= 0) {
        if (x - start >= minRun && !glyphStroke(start, y, 1, 0, x - start))
          for (let xx = start; xx < x; xx++) for (let dy = -1; dy <= 1; dy++) mark(xx, y + dy);
        start = -1;
      }
    }
  }
  // Vertical rules, likewise through a band one pixel either side.
  for (let x = 0; x < width; x++) {
    let start = -1;
    for (let y = 0; y <= height; y++) {
      const dark = y < height && Math.min(at(x - 1, y), at(x, y), at(x + 1, y)) < DARK;
      if (dark && start < 0) start = y;
      else if (!dark && start >= 0) {
        if (y - start >= minRun && !glyphStroke(x, start, 0, 1, y - start))
          for (let yy = start; yy < y; yy++) for (let dx = -1; dx <= 1; dx++) mark(x + dx, yy);
        start = -1;
      }
    }
  }

  let erased = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (erase[y * width + x]) {
        pixels[y * stride + x] = 255;
        erased++;
      }
    }
  }
  return erased;
}
