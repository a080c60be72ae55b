import type { GrayImage } from "./remove-rule-lines";

/**
 * Evens out the light on a photographed page, in place. A phone photo is brighter where the lamp or window
 * is and darker in the phone's shadow: one global threshold then turns the dark side's paper to ink, or the
 * bright side's faint strokes to paper. The paper's brightness is measured in blocks of about a quarter
 * inch (a high percentile of each block: paper, whatever text the block holds), smoothed, and every pixel is
 * divided by the paper level around it. A page lit evenly (any scan) is left exactly as it is.
 */

/** Paper-level spread (grey levels between the darker and brighter blocks) below which the light is even. */
const EVEN_LIGHT_SPREAD = 18;
/** Block side in inches: larger than a line of text, smaller than the light's gradients. */
const BLOCK_INCHES = 0.25;
/** The block's paper level: this share of its pixels are darker (text rarely covers a fifth of a block). */
const PAPER_PERCENTILE = 0.8;

export interface Illumination {
  /** Grey levels between the dimmest and brightest paper (5th and 95th percentile of the blocks). */
  spread: number;
  /** Whether the page was flattened. */
  flattened: boolean;
}

export function flattenIllumination(image: GrayImage, dpi: number): Illumination {
  const { width, height } = image;
  const block = Math.max(16, Math.round(dpi * BLOCK_INCHES));
  const cols = Math.ceil(width / block);
  const rows = Math.ceil(height / block);
  if (cols < 3 || rows < 3) return { spread: 0, flattened: false };
  const paper = smoothMax(blockPaperLevels(image, block, cols, rows), cols, rows);
  const sorted = Float32Array.from(paper).sort();
  const dim = sorted[Math.floor(sorted.length * 0.05)]!;
  const bright = sorted[Math.floor(sorted.length * 0.95)]!;
  const spread = bright - dim;
  if (spread < EVEN_LIGHT_SPREAD) return { spread, flattened: false };
  divideByPaper(image, paper, block, cols, rows, bright);
  return { spread, flattened: true };
}

/** Per block, the grey below which PAPER_PERCENTILE of its pixels lie. */
function blockPaperLevels(image: GrayImage, block: number, cols: number, rows: number): Float32Array {
  const { pixels, width, height, stride } = image;
  const out = new Float32Array(cols * rows);
  const hist = new Uint32Array(256);
  for (let by = 0; by < rows; by++) {
    for (let bx = 0; bx < cols; bx++) {
      hist.fill(0);
      const x0 = bx * block;
      const y0 = by * block;
      const x1 = Math.min(width, x0 + block);
      const y1 = Math.min(height, y0 + block);
      for (let y = y0; y < y1; y++) {
        const row = y * stride;
        for (let x = x0; x < x1; x++) hist[pixels[row + x]!]!++;
      }
      const target = (x1 - x0) * (y1 - y0) * PAPER_PERCENTILE;
      let acc = 0;
      let level = 255;
      for (let v = 0; v < 256; v++) {
        acc += hist[v]!;
        if (acc >= target) {
          level = v;
          break;
        }
      }
      out[by * cols + bx] = level;
    }
  }
  return out;
}

/** 3×3 maximum: a block filled by a heading or a logo takes its neighbours' paper level. */
function smoothMax(levels: Float32Array, cols: number, rows: number): Float32Array {
  const out = new Float32Array(levels.length);
  for (let y = 0; y < rows; y++) {
    for (let x = 0; x < cols; x++) {
      let m = 0;
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const yy = y + dy;
          const xx = x + dx;
          if (yy >= 0 && yy < rows && xx >= 0 && xx < cols) m = Math.max(m, levels[yy * cols + xx]!);
        }
      }
      out[y * cols + x] = m;
    }
  }
  return out;
}

/** Every pixel times `target` over the paper level there (bilinear between block centres), capped at 255. */
function divideByPaper(
  image: GrayImage,
  paper: Float32Array,
  block: number,
  cols: number,
  rows: number,
  target: number,
): void {
  const { pixels, width, height, stride } = image;
  // Each column's two neighbouring block columns and its weight: the same for every row.
  const colX0 = new Int32Array(width);
  const colX1 = new Int32Array(width);
  const colF = new Float32Array(width);
  for (let x = 0; x < width; x++) {
    const gx = Math.min(cols - 1, Math.max(0, (x + 0.5) / block - 0.5));
    colX0[x] = Math.floor(gx);
    colX1[x] = Math.min(cols - 1, colX0[x]! + 1);
    colF[x] = gx - colX0[x]!;
  }
  const rowBlocks = new Float32Array(cols);
  for (let y = 0; y < height; y++) {
    const gy = Math.min(rows - 1, Math.max(0, (y + 0.5) / block - 0.5));
    const y0 = Math.floor(gy);
    const y1 = Math.min(rows - 1, y0 + 1);
    const fy = gy - y0;
    for (let bx = 0; bx < cols; bx++) {
      const top = paper[y0 * cols + bx]!;
      rowBlocks[bx] = Math.max(1, top + (paper[y1 * cols + bx]! - top) * fy);
    }
    const row = y * stride;
    for (let x = 0; x < width; x++) {
      const a = rowBlocks[colX0[x]!]!;
      const level = a + (rowBlocks[colX1[x]!]! - a) * colF[x]!;
      const v = (pixels[row + x]! * target) / level;
      pixels[row + x] = v >= 255 ? 255 : (v + 0.5) | 0;
    }
  }
}
