import type { EdgeLine } from "./page-straightening";
import type { GrayImage } from "./remove-rule-lines";

/**
 * Straightens a page photographed at a slant, in place. Held below its top edge, a phone sees the page as a
 * trapezoid, narrower at the top, on the darker desk; text lines near the top then shrink and lean, and
 * tesseract misses words (measured: a 10–16 % keystone cost the phone photos of the accuracy bench 7 points
 * of F1). The page's left and right edges are found row by row where the desk meets the paper, a straight
 * line is fitted to each, and every row is stretched so the page spans the image again. Only when the desk
 * shows on both sides and the edges converge: a scan, or a photo whose page fills the frame, is left as it is.
 */

/** Rows sampled for the edges. */
const SAMPLE_ROWS = 60;
/** A desk is at most this bright relative to the paper beside it (paper under the same light). */
const MAX_DESK_RATIO = 0.7;
/** Edges converging by less than this share of the width over the page's height are not worth a resample. */
const MIN_KEYSTONE = 0.02;
/** Fewer rows with both edges than this: no trustworthy fit. */
const MIN_EDGE_ROWS = 12;

export interface KeystoneCorrection {
  /** How much narrower the page was at its top than at its bottom, as a share of the width (0: none). */
  keystone: number;
  corrected: boolean;
  /** The page's edges on the photo, when it was corrected: each row's span between them now fills the width. */
  edges?: { left: EdgeLine; right: EdgeLine };
}

export function correctKeystone(image: GrayImage): KeystoneCorrection {
  const { width, height } = image;
  if (width < 200 || height < 200) return { keystone: 0, corrected: false };
  const rows: { y: number; left: number; right: number }[] = [];
  for (let k = 0; k < SAMPLE_ROWS; k++) {
    const y = Math.round(((k + 0.5) * height) / SAMPLE_ROWS);
    const edges = rowEdges(image, y);
    if (edges) rows.push({ y, ...edges });
  }
  if (rows.length < MIN_EDGE_ROWS) return { keystone: 0, corrected: false };
  const left = fitLine(rows.map((r) => [r.y, r.left]));
  const right = fitLine(rows.map((r) => [r.y, r.right]));
  if (!left || !right) return { keystone: 0, corrected: false };
  const spanAt = (y: number) => right.at(y) - left.at(y);
  const top = spanAt(0);
  const bottomSpan = spanAt(height - 1);
  const keystone = (bottomSpan - top) / Math.max(top, bottomSpan);
  if (Math.abs(keystone) < MIN_KEYSTONE || top <= width * 0.3 || bottomSpan <= width * 0.3)
    return { keystone, corrected: false };
  stretchRows(image, (y) => [left.at(y), right.at(y)]);
  return { keystone, corrected: true, edges: { left: left.line, right: right.line } };
}

/**
 * Where the paper starts and ends on row `y`: the first and last runs of 8 pixels brighter than halfway
 * between the desk (the row's ends) and the paper (the bright level inside). Undefined when the row's ends
 * are not clearly darker than its paper (no desk in view on that row).
 */
function rowEdges(image: GrayImage, y: number): { left: number; right: number } | undefined {
  const { pixels, width, stride } = image;
  const row = y * stride;
  const at = (x: number) => pixels[row + x]!;
  const mean = (x0: number, x1: number) => {
    let s = 0;
    for (let x = x0; x < x1; x++) s += at(x);
    return s / (x1 - x0);
  };
  const deskLeft = mean(0, 4);
  const deskRight = mean(width - 4, width);
  const inner = innerPaper(image, y);
  if (deskLeft > inner * MAX_DESK_RATIO || deskRight > inner * MAX_DESK_RATIO) return undefined;
  const run = 8;
  const leftCut = (deskLeft + inner) / 2;
  const rightCut = (deskRight + inner) / 2;
  let left = -1;
  for (let x = 0; x + run <= width / 2; x++) {
    if (mean(x, x + run) > leftCut) {
      // Half the window is paper here: the edge is at its middle.
      left = x + run / 2;
      break;
    }
  }
  let right = -1;
  for (let x = width - run; x >= width / 2; x--) {
    if (mean(x, x + run) > rightCut) {
      right = x + run / 2;
      break;
    }
  }
  return left > 0 && right > 0 ? { left, right } : undefined;
}

/** The row's paper level: the 90th percentile of its middle half (paper, whatever text is on it). */
function innerPaper(image: GrayImage, y: number): number {
  const { pixels, width, stride } = image;
  const hist = new Uint32Array(256);
  const x0 = Math.round(width * 0.25);
  const x1 = Math.round(width * 0.75);
  for (let x = x0; x < x1; x++) hist[pixels[y * stride + x]!]!++;
  let acc = 0;
  const target = (x1 - x0) * 0.9;
  for (let v = 0; v < 256; v++) {
    acc += hist[v]!;
    if (acc >= target) return v;
  }
  return 255;
}

/**
 * Least-squares line x = a + b·y, refitted once without the points more than twice the median residual off
 * (a row where a dark letterhead or a shadow moved the edge). Undefined for fewer than MIN_EDGE_ROWS points.
 */
function fitLine(
  points: readonly [number, number][],
): { at: (y: number) => number; line: EdgeLine } | undefined {
  const fit = (pts: readonly [number, number][]) => {
    const n = pts.length;
    let sy = 0;
    let sx = 0;
    let syy = 0;
    let syx = 0;
    for (const [y, x] of pts) {
      sy += y;
      sx += x;
      syy += y * y;
      syx += y * x;
    }
    const den = n * syy - sy * sy;
    if (den === 0) return undefined;
    const b = (n * syx - sy * sx) / den;
    return { a: (sx - b * sy) / n, b };
  };
  const first = fit(points);
  if (!first) return undefined;
  const residual = (p: [number, number]) => Math.abs(p[1] - (first.a + first.b * p[0]));
  const sorted = points.map(residual).sort((x, y) => x - y);
  const limit = Math.max(2, 2 * sorted[Math.floor(sorted.length / 2)]!);
  const kept = points.filter((p) => residual(p) <= limit);
  const line = kept.length >= MIN_EDGE_ROWS ? fit(kept) : first;
  return line && { at: (y: number) => line.a + line.b * y, line };
}

/** Each row's span [left, right) resampled to the full width (linear between neighbouring pixels). */
function stretchRows(image: GrayImage, span: (y: number) => [number, number]): void {
  const { pixels, width, height, stride } = image;
  const out = new Uint8Array(width);
  for (let y = 0; y < height; y++) {
    const [l, r] = span(y);
    const scale = (r - l) / width;
    const row = y * stride;
    for (let x = 0; x < width; x++) {
      const sx = Math.min(width - 1, Math.max(0, l + (x + 0.5) * scale - 0.5));
      const x0 = Math.floor(sx);
      const x1 = Math.min(width - 1, x0 + 1);
      const f = sx - x0;
      out[x] = (pixels[row + x0]! * (1 - f) + pixels[row + x1]! * f + 0.5) | 0;
    }
    pixels.set(out, row);
  }
}
