import type { GrayImage } from "./remove-rule-lines";

/**
 * Skew estimation and correction for scanned pages. A sheet fed a degree or two off straight is the most
 * common scan defect; tesseract tolerates a little skew, but its line finding and the ruled-line removal
 * (which follows a rule only through a three-pixel band) both degrade quickly past a degree.
 */

export interface SkewOptions {
  /** Largest skew searched, degrees either way (default 4). */
  maxDegrees?: number;
  /** Page resolution, used to work at about 100 DPI whatever the input (default 300). */
  dpi?: number;
  /** Darker than this is ink (default 128; pass the midpoint between paper and ink for low-contrast scans). */
  threshold?: number;
}

/**
 * Estimates the page skew in degrees, positive when the content is rotated clockwise on screen (lines run
 * downhill to the right). Rotating the page by minus the result straightens it.
 *
 * Projection-profile method: ink pixels of a ~100 DPI binarized copy are projected onto rows along each
 * candidate angle; text lines and rules stack into few, tall rows exactly when the angle matches the skew,
 * which maximizes the sum of squared row counts. Coarse search every 0.25°, then a 0.025° refinement.
 * Returns 0 for a page with too little ink to tell.
 */
export function estimateSkew(image: GrayImage, options: SkewOptions = {}): number {
  return detectSkew(image, options).degrees;
}

export interface SkewEstimate {
  /** Skew in degrees, positive = content rotated clockwise; 0 when undetermined. */
  degrees: number;
  /** Projection score at the estimate over the score at 0° (≥ 1): how much sharper the lines get. */
  gain: number;
}

/** `estimateSkew` with its evidence. */
export function detectSkew(image: GrayImage, options: SkewOptions = {}): SkewEstimate {
  const maxDeg = options.maxDegrees ?? 4;
  const threshold = options.threshold ?? 128;
  const factor = Math.max(1, Math.round((options.dpi ?? 300) / 100));
  const { pixels, width, height, stride } = image;
  const sw = Math.floor(width / factor);
  const sh = Math.floor(height / factor);
  if (sw < 8 || sh < 8) return { degrees: 0, gain: 1 };

  // Box-average factor×factor blocks (also averages away grain and specks smaller than a block).
  const limit = threshold * factor * factor;
  const xs: number[] = [];
  const ys: number[] = [];
  const rowSums = new Uint32Array(sw);
  for (let by = 0; by < sh; by++) {
    rowSums.fill(0);
    for (let dy = 0; dy < factor; dy++) {
      const row = (by * factor + dy) * stride;
      for (let bx = 0, x = 0; bx < sw; bx++) {
        let s = 0;
        for (let dx = 0; dx < factor; dx++, x++) s += pixels[row + x]!;
        rowSums[bx]! += s;
      }
    }
    for (let bx = 0; bx < sw; bx++) {
      if (rowSums[bx]! < limit) {
        xs.push(bx - sw / 2);
        ys.push(by);
      }
    }
  }
  // Too little ink (blank or separator sheet), or so much that it is a picture rather than text.
  if (xs.length < 200 || xs.length > sw * sh * 0.5) return { degrees: 0, gain: 1 };
  const xa = Float64Array.from(xs);
  const ya = Float64Array.from(ys);
  const margin = Math.ceil((sw / 2) * Math.tan((maxDeg * Math.PI) / 180)) + 2;
  const bins = new Float64Array(sh + 2 * margin);

  const score = (deg: number): number => {
    const t = Math.tan((deg * Math.PI) / 180);
    bins.fill(0);
    for (let i = 0; i < xa.length; i++) {
      // Linear split between the two nearest rows keeps the score smooth for sub-degree steps.
      const y = ya[i]! - xa[i]! * t + margin;
      const y0 = Math.floor(y);
      const f = y - y0;
      bins[y0]! += 1 - f;
      bins[y0 + 1]! += f;
    }
    let s = 0;
    for (let i = 0; i < bins.length; i++) s += bins[i]! * bins[i]!;
    return s;
  };

  let best = 0;
  const zero = score(0);
  let bestScore = zero;
  for (let deg = -maxDeg; deg <= maxDeg + 1e-9; deg += 0.25) {
    const s = score(deg);
    if (s > bestScore) [best, bestScore] = [deg, s];
  }
  const coarse = best;
  for (let deg = coarse - 0.25; deg <= coarse + 0.25 + 1e-9; deg += 0.025) {
    const s = score(deg);
    if (s > bestScore) [best, bestScore] = [deg, s];
  }
  return { degrees: Math.round(best * 1000) / 1000, gain: bestScore / zero };
}

/**
 * Rotates by `degrees` (positive = clockwise on screen) about the centre with bilinear interpolation,
 * keeping the canvas size; uncovered corners get `background`. Returns a new compact image (stride = width).
 */
export function rotateGray(image: GrayImage, degrees: number, background = 255): GrayImage {
  const { pixels: src, width: w, height: h, stride } = image;
  const out = new Uint8Array(w * h);
  const rad = (degrees * Math.PI) / 180;
  const cos = Math.cos(rad);
  const sin = Math.sin(rad);
  const cx = w / 2;
  const cy = h / 2;
  for (let y = 0; y < h; y++) {
    const dy = y + 0.5 - cy;
    // Inverse mapping (pixel centres): source = R(-θ)·(p - c) + c.
    let sx = (0.5 - cx) * cos + dy * sin + cx - 0.5;
    let sy = -(0.5 - cx) * sin + dy * cos + cy - 0.5;
    const row = y * w;
    for (let x = 0; x < w; x++, sx += cos, sy -= sin) {
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      if (x0 >= 0 && y0 >= 0 && x0 + 1 < w && y0 + 1 < h) {
        const fx = sx - x0;
        const fy = sy - y0;
        const i = y0 * stride + x0;
        const a = src[i]!;
        const b = src[i + 1]!;
        const c = src[i + stride]!;
        const d = src[i + stride + 1]!;
        const top = a + (b - a) * fx;
        const bottom = c + (d - c) * fx;
        out[row + x] = (top + (bottom - top) * fy + 0.5) | 0;
      } else if (x0 >= -1 && y0 >= -1 && x0 < w && y0 < h) {
        // Edge pixels: clamp to the image instead of blending in background.
        const xx = Math.min(w - 1, Math.max(0, Math.round(sx)));
        const yy = Math.min(h - 1, Math.max(0, Math.round(sy)));
        out[row + x] = src[yy * stride + xx]!;
      } else {
        out[row + x] = background;
      }
    }
  }
  return { pixels: out, width: w, height: h, stride: w };
}
