/**
 * Erases ruled lines (table borders, form boxes, underlines) from a grayscale page image before OCR.
 *
 * Tesseract's layout analysis treats a bordered grid as a picture and drops the text inside it, and
 * patient header boxes on charts are exactly such grids; leftovers of a border also read as stray "|" or
 * "i" glued to values. Textract reads such boxes fine, so the local engine must too. A dark run longer
 * than body type's glyphs (a third of an inch) and thin across (a rule, not the stem or bar of a letter in
 * a large title, which is as long and many times thicker) is whitened.
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
  // A rule is at most about a millimetre thick; a 36-point title's strokes are several.
  const maxThickness = Math.max(3, Math.round(dpi / 25));
  const { pixels, width, height, stride } = image;
  const at = (x: number, y: number) =>
    x < 0 || y < 0 || x >= width || y >= height ? 255 : pixels[y * stride + x]!;
  const erase = new Uint8Array(width * height);
  const mark = (x: number, y: number) => {
    if (at(x, y) < FRINGE) erase[y * width + x] = 1;
  };
  /** Dark pixels across the run at (x, y), going (dx, dy) both ways; counted up to the limit plus one. */
  const across = (x: number, y: number, dx: number, dy: number): number => {
    // The band lets a run pass a pixel beside the dark one: start on the darkest of the three.
    let [cx, cy] = [x, y];
    for (const k of [-1, 1]) if (at(x + k * dx, y + k * dy) < at(cx, cy)) [cx, cy] = [x + k * dx, y + k * dy];
    if (at(cx, cy) >= DARK) return 0;
    let n = 1;
    for (const k of [-1, 1])
      for (let step = 1; n <= maxThickness && at(cx + k * step * dx, cy + k * step * dy) < DARK; step++) n++;
    return n;
  };
  /** A run of `length` starting at (x, y) along (dx, dy) is thin across for most of its length. */
  const thin = (x: number, y: number, dx: number, dy: number, length: number): boolean => {
    const samples = 9;
    let thick = 0;
    for (let i = 0; i < samples; i++) {
      const t = Math.floor(((i + 0.5) * length) / samples);
      if (across(x + t * dx, y + t * dy, dy, dx) > maxThickness) thick++;
    }
    return thick * 2 < samples;
  };

  // Horizontal rules: a row is dark at x if the pixel or one just above/below it is.
  for (let y = 0; y < height; y++) {
    let start = -1;
    for (let x = 0; x <= width; x++) {
      const dark = x < width && Math.min(at(x, y - 1), at(x, y), at(x, y + 1)) < DARK;
      if (dark && start < 0) start = x;
      else if (!dark && start >= 0) {
        if (x - start >= minRun && thin(start, y, 1, 0, x - start))
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
        if (y - start >= minRun && thin(x, start, 0, 1, y - start))
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
