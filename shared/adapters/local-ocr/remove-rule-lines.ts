/**
 * Erases ruled lines (table borders, form boxes, underlines) from a grayscale page image before OCR.
 *
 * Tesseract's layout analysis treats a bordered grid as a picture and drops the text inside it, and
 * patient header boxes on charts are exactly such grids. Textract reads them fine, so the local engine
 * must too. A dark run longer than any glyph (a third of an inch) can only be a rule, so it is whitened.
 */
export interface GrayImage {
  /** One byte per pixel, row stride `stride`; modified in place. */
  pixels: Uint8Array | Uint8ClampedArray;
  width: number;
  height: number;
  stride: number;
}

const DARK = 170;
/** Anti-aliased fringe beside a rule: light enough to survive the run test, dark enough to binarize as ink. */
const FRINGE = 235;

export function removeRuleLines(image: GrayImage, dpi: number): number {
  const minRun = Math.max(24, Math.round(dpi / 3));
  const { pixels, width, height, stride } = image;
  const erase = new Uint8Array(width * height);
  let erased = 0;

  for (let y = 0; y < height; y++) {
    let start = -1;
    for (let x = 0; x <= width; x++) {
      const dark = x < width && pixels[y * stride + x]! < DARK;
      if (dark && start < 0) start = x;
      else if (!dark && start >= 0) {
        if (x - start >= minRun) {
          for (const yy of [y - 1, y, y + 1]) {
            if (yy < 0 || yy >= height) continue;
            for (let xx = start; xx < x; xx++) if (yy === y || pixels[yy * stride + xx]! < FRINGE) erase[yy * width + xx] = 1;
          }
        }
        start = -1;
      }
    }
  }
  for (let x = 0; x < width; x++) {
    let start = -1;
    for (let y = 0; y <= height; y++) {
      const dark = y < height && pixels[y * stride + x]! < DARK;
      if (dark && start < 0) start = y;
      else if (!dark && start >= 0) {
        if (y - start >= minRun) {
          for (const xx of [x - 1, x, x + 1]) {
            if (xx < 0 || xx >= width) continue;
            for (let yy = start; yy < y; yy++) if (xx === x || pixels[yy * stride + xx]! < FRINGE) erase[yy * width + xx] = 1;
          }
        }
        start = -1;
      }
    }
  }
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
