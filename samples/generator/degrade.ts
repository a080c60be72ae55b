import * as mupdf from "mupdf";
import type { GrayPage } from "./tiff";

/**
 * Scan degradations on an 8-bit grayscale raster (0 = black, 255 = white, `width` bytes per row).
 *
 * Every function is pure: it returns a new image and never touches its input. Randomness comes only from the
 * `rng` argument (see mulberry32 in chart-spec.ts), so the same seed gives the same pixels.
 */
export type GrayImage = GrayPage;

function blank(width: number, height: number, dpi: number, fill = 255): GrayImage {
  const pixels = new Uint8Array(width * height);
  if (fill !== 0) pixels.fill(fill);
  return { width, height, dpi, pixels };
}

const clamp = (v: number) => (v < 0 ? 0 : v > 255 ? 255 : Math.round(v));

/**
 * Rotates by `degrees` (positive = clockwise on screen) about the centre, bilinear.
 * By default the canvas keeps its size (a skewed sheet on the scanner glass) and uncovered corners get
 * `background`; with `expand` the canvas grows to hold the whole rotated page.
 */
export function rotate(
  img: GrayImage,
  degrees: number,
  options: { background?: number; expand?: boolean } = {},
): GrayImage {
  const bg = options.background ?? 255;
  const rad = (degrees * Math.PI) / 180;
  const cos = Math.cos(rad);
  const sin = Math.sin(rad);
  const { width: w, height: h, pixels: src } = img;
  const ow = options.expand ? Math.ceil(Math.abs(w * cos) + Math.abs(h * sin) - 1e-9) : w;
  const oh = options.expand ? Math.ceil(Math.abs(w * sin) + Math.abs(h * cos) - 1e-9) : h;
  const out = blank(ow, oh, img.dpi, bg);
  const dst = out.pixels;
  const cxIn = w / 2;
  const cyIn = h / 2;
  const cxOut = ow / 2;
  const cyOut = oh / 2;
  for (let y = 0; y < oh; y++) {
    const dy = y + 0.5 - cyOut;
    // Inverse mapping: source = R(-θ) · (p - centreOut) + centreIn, in pixel-centre coordinates.
    let sx = (0.5 - cxOut) * cos + dy * sin + cxIn - 0.5;
    let sy = -(0.5 - cxOut) * sin + dy * cos + cyIn - 0.5;
    const row = y * ow;
    for (let x = 0; x < ow; x++, sx += cos, sy -= sin) {
      if (sx <= -1 || sy <= -1 || sx >= w || sy >= h) continue;
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const fx = sx - x0;
      const fy = sy - y0;
      let a: number, b: number, c: number, d: number;
      if (x0 >= 0 && y0 >= 0 && x0 + 1 < w && y0 + 1 < h) {
        const i = y0 * w + x0;
        a = src[i] as number;
        b = src[i + 1] as number;
        c = src[i + w] as number;
        d = src[i + w + 1] as number;
      } else {
        const inside = (xx: number, yy: number) => xx >= 0 && yy >= 0 && xx < w && yy < h;
        a = inside(x0, y0) ? (src[y0 * w + x0] as number) : bg;
        b = inside(x0 + 1, y0) ? (src[y0 * w + x0 + 1] as number) : bg;
        c = inside(x0, y0 + 1) ? (src[(y0 + 1) * w + x0] as number) : bg;
        d = inside(x0 + 1, y0 + 1) ? (src[(y0 + 1) * w + x0 + 1] as number) : bg;
      }
      const top = a + (b - a) * fx;
      const bottom = c + (d - c) * fx;
      dst[row + x] = (top + (bottom - top) * fy + 0.5) | 0;
    }
  }
  return out;
}

/** Gaussian blur (separable kernel, radius 2.5σ); σ in pixels. σ ≤ 0 returns a copy. */
export function blur(img: GrayImage, sigma: number): GrayImage {
  const { width: w, height: h } = img;
  if (sigma <= 0) return { ...img, pixels: img.pixels.slice() };
  const r = Math.max(1, Math.ceil(sigma * 2.5));
  const kernel = new Float32Array(2 * r + 1);
  let sum = 0;
  for (let i = -r; i <= r; i++) sum += kernel[i + r] = Math.exp(-(i * i) / (2 * sigma * sigma));
  for (let i = 0; i < kernel.length; i++) kernel[i] = (kernel[i] as number) / sum;
  const src = img.pixels;
  const tmp = new Float32Array(w * h);
  const line = new Float32Array(Math.max(w, h) + 2 * r);
  const n = kernel.length;
  // Horizontal pass over an edge-padded copy of each row.
  for (let y = 0; y < h; y++) {
    const row = y * w;
    for (let i = 0; i < r; i++) {
      line[i] = src[row] as number;
      line[r + w + i] = src[row + w - 1] as number;
    }
    for (let x = 0; x < w; x++) line[r + x] = src[row + x] as number;
    for (let x = 0; x < w; x++) {
      let acc = 0;
      for (let k = 0; k < n; k++) acc += (line[x + k] as number) * (kernel[k] as number);
      tmp[row + x] = acc;
    }
  }
  // Vertical pass, row by row (cache-friendly): out[y] = Σ kernel[k] · tmp[clamp(y + k - r)].
  const out = blank(w, h, img.dpi, 0);
  const acc = new Float32Array(w);
  for (let y = 0; y < h; y++) {
    acc.fill(0);
    for (let k = 0; k < n; k++) {
      const yy = Math.min(h - 1, Math.max(0, y + k - r)) * w;
      const kv = kernel[k] as number;
      for (let x = 0; x < w; x++) acc[x] = (acc[x] as number) + (tmp[yy + x] as number) * kv;
    }
    const row = y * w;
    for (let x = 0; x < w; x++) {
      const v = acc[x] as number;
      out.pixels[row + x] = v < 0 ? 0 : v > 255 ? 255 : (v + 0.5) | 0;
    }
  }
  return out;
}

/** Area-averaging 1-D resample of `n` samples (stride `step`, from `base`) to `m` samples. */
function resampleLine(
  src: ArrayLike<number>,
  base: number,
  step: number,
  n: number,
  m: number,
  dst: Float32Array,
  dBase: number,
  dStep: number,
) {
  const scale = n / m;
  for (let i = 0; i < m; i++) {
    const a = i * scale;
    const b = a + scale;
    let acc = 0;
    for (let j = Math.floor(a); j < Math.ceil(b) && j < n; j++) {
      const cover = Math.min(b, j + 1) - Math.max(a, j);
      acc += (src[base + j * step] as number) * cover;
    }
    dst[dBase + i * dStep] = acc / scale;
  }
}

/** Resizes to `width` × `height` by area averaging (use for shrinking; enlarging falls back to nearest). */
export function resize(img: GrayImage, width: number, height: number, dpi = img.dpi): GrayImage {
  const { width: w, height: h } = img;
  const out = blank(width, height, dpi, 0);
  if (width > w || height > h) {
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++)
        out.pixels[y * width + x] = img.pixels[
          Math.min(h - 1, Math.floor((y * h) / height)) * w + Math.min(w - 1, Math.floor((x * w) / width))
        ] as number;
    return out;
  }
  const mid = new Float32Array(width * h);
  for (let y = 0; y < h; y++) resampleLine(img.pixels, y * w, 1, w, width, mid, y * width, 1);
  // Vertical pass row by row: each output row is a weighted sum of the source rows it covers.
  const scale = h / height;
  const acc = new Float32Array(width);
  for (let y = 0; y < height; y++) {
    const a = y * scale;
    const b = a + scale;
    acc.fill(0);
    for (let j = Math.floor(a); j < Math.ceil(b) && j < h; j++) {
      const cover = (Math.min(b, j + 1) - Math.max(a, j)) / scale;
      const row = j * width;
      for (let x = 0; x < width; x++) acc[x] = (acc[x] as number) + (mid[row + x] as number) * cover;
    }
    for (let x = 0; x < width; x++) out.pixels[y * width + x] = clamp(acc[x] as number);
  }
  return out;
}

/** Rescans at a lower resolution (e.g. 300 → 200 DPI). Never upsamples: a lower-or-equal target returns a copy. */
export function downsample(img: GrayImage, dpi: number): GrayImage {
  if (dpi >= img.dpi) return { ...img, pixels: img.pixels.slice() };
  const f = dpi / img.dpi;
  return resize(img, Math.max(1, Math.round(img.width * f)), Math.max(1, Math.round(img.height * f)), dpi);
}

/**
 * Fax "standard" resolution: the sender samples every other scan line (about 100 lines per inch at 200 DPI) and
 * the receiver prints each line twice. Same dimensions, half the vertical detail.
 */
export function faxLines(img: GrayImage): GrayImage {
  const { width: w, height: h } = img;
  const out = blank(w, h, img.dpi, 0);
  for (let y = 0; y < h; y += 2) {
    for (let x = 0; x < w; x++) {
      const a = img.pixels[y * w + x] as number;
      const b = y + 1 < h ? (img.pixels[(y + 1) * w + x] as number) : a;
      const v = (a + b) >> 1;
      out.pixels[y * w + x] = v;
      if (y + 1 < h) out.pixels[(y + 1) * w + x] = v;
    }
  }
  return out;
}

/** Otsu's threshold of a grayscale histogram. */
export function otsuThreshold(img: GrayImage): number {
  const hist = new Float64Array(256);
  for (const v of img.pixels) hist[v] = (hist[v] as number) + 1;
  const total = img.pixels.length;
  let sumAll = 0;
  for (let i = 0; i < 256; i++) sumAll += i * (hist[i] as number);
  let wB = 0;
  let sumB = 0;
  let best = 0;
  let threshold = 128;
  for (let t = 0; t < 256; t++) {
    wB += hist[t] as number;
    if (wB === 0) continue;
    const wF = total - wB;
    if (wF === 0) break;
    sumB += t * (hist[t] as number);
    const mB = sumB / wB;
    const mF = (sumAll - sumB) / wF;
    const between = wB * wF * (mB - mF) ** 2;
    if (between > best) {
      best = between;
      threshold = t;
    }
  }
  return threshold;
}

/**
 * Fax-like binarization: every pixel becomes 0 or 255. `threshold` defaults to Otsu's; `jitter` (with `rng`)
 * perturbs it per pixel so stroke edges come out ragged, as on a thermal fax.
 */
export function binarize(
  img: GrayImage,
  options: { threshold?: number; jitter?: number; rng?: () => number } = {},
): GrayImage {
  const t = options.threshold ?? otsuThreshold(img);
  const jitter = options.rng ? (options.jitter ?? 0) : 0;
  const rng = options.rng;
  const out = blank(img.width, img.height, img.dpi, 0);
  const src = img.pixels;
  for (let i = 0; i < src.length; i++) {
    const v = src[i] as number;
    const tt = jitter > 0 && rng && Math.abs(v - t) <= jitter ? t + (rng() * 2 - 1) * jitter : t;
    out.pixels[i] = v > tt ? 255 : 0;
  }
  return out;
}

/**
 * Speckle noise: dust specks (dark dots, radius 0–`maxRadius` px) and toner drop-outs (white dots that only show
 * on ink). `density` is specks per square inch.
 */
export function speckle(
  img: GrayImage,
  rng: () => number,
  options: { density?: number; maxRadius?: number; dropouts?: boolean } = {},
): GrayImage {
  const out = { ...img, pixels: img.pixels.slice() };
  const { width: w, height: h } = img;
  const area = (w / img.dpi) * (h / img.dpi);
  const count = Math.round((options.density ?? 1.5) * area);
  const maxR = options.maxRadius ?? 1.5;
  for (let s = 0; s < count; s++) {
    const cx = rng() * w;
    const cy = rng() * h;
    const r = 0.5 + rng() * maxR;
    const white = options.dropouts !== false && rng() < 0.35;
    const tone = white ? 235 + Math.floor(rng() * 20) : Math.floor(rng() * 110);
    for (let y = Math.floor(cy - r); y <= Math.ceil(cy + r); y++)
      for (let x = Math.floor(cx - r); x <= Math.ceil(cx + r); x++) {
        if (x < 0 || y < 0 || x >= w || y >= h || (x + 0.5 - cx) ** 2 + (y + 0.5 - cy) ** 2 > r * r) continue;
        const i = y * w + x;
        if (white) {
          if ((out.pixels[i] as number) < 128) out.pixels[i] = tone;
        } else out.pixels[i] = Math.min(out.pixels[i] as number, tone);
      }
  }
  return out;
}

/** Sensor grain on inked pixels only (paper stays flat, which keeps lossless files compressible). */
export function grain(img: GrayImage, rng: () => number, amplitude = 10): GrayImage {
  const out = { ...img, pixels: img.pixels.slice() };
  let state = Math.floor(rng() * 2 ** 31);
  for (let i = 0; i < out.pixels.length; i++) {
    const v = out.pixels[i] as number;
    if (v >= 235) continue;
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    out.pixels[i] = clamp(v + (((state >>> 16) / 65536) * 2 - 1) * amplitude);
  }
  return out;
}

/** Maps white to `paper` and black to `ink` (grey paper, worn toner or an under-exposed scan). */
export function levels(img: GrayImage, paper: number, ink: number): GrayImage {
  const lut = new Uint8Array(256);
  for (let v = 0; v < 256; v++) lut[v] = clamp(ink + ((paper - ink) * v) / 255);
  const out = { ...img, pixels: new Uint8Array(img.pixels.length) };
  for (let i = 0; i < img.pixels.length; i++) out.pixels[i] = lut[img.pixels[i] as number] as number;
  return out;
}

/** Encodes as JPEG at `quality` (1–100) with MuPDF and decodes again: block and ringing artifacts. */
export function jpegRoundTrip(img: GrayImage, quality: number): GrayImage {
  const pix = new mupdf.Pixmap(mupdf.ColorSpace.DeviceGray, [0, 0, img.width, img.height], false);
  try {
    pix.getPixels().set(img.pixels);
    pix.setResolution(img.dpi, img.dpi);
    const image = new mupdf.Image(pix.asJPEG(Math.round(quality)));
    const back = image.toPixmap();
    try {
      const data = back.getPixels();
      const stride = back.getStride();
      const n = back.getNumberOfComponents() + back.getAlpha();
      const out = blank(img.width, img.height, img.dpi, 0);
      for (let y = 0; y < img.height; y++)
        for (let x = 0; x < img.width; x++)
          out.pixels[y * img.width + x] = data[y * stride + x * n] as number;
      return out;
    } finally {
      back.destroy();
      image.destroy();
    }
  } finally {
    pix.destroy();
  }
}

/**
 * Bleed-through: the page printed on the back of the sheet (or the next sheet in the feeder) shows through,
 * mirrored left-right, blurred by the paper, at `opacity` (about 0.05–0.1). `back` is resized to fit if needed.
 */
export function bleedThrough(img: GrayImage, back: GrayImage, opacity = 0.08): GrayImage {
  const { width: w, height: h } = img;
  // Half-resolution copy of the back: the area averaging doubles as the paper's diffusion blur.
  const hw = Math.max(1, w >> 1);
  const hh = Math.max(1, h >> 1);
  const soft = resize(back, hw, hh);
  const out = { ...img, pixels: new Uint8Array(img.pixels.length) };
  const lut = new Float32Array(256);
  for (let v = 0; v < 256; v++) lut[v] = 1 - opacity * (1 - v / 255);
  for (let y = 0; y < h; y++) {
    const srow = Math.min(hh - 1, y >> 1) * hw;
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      const behind = soft.pixels[srow + Math.min(hw - 1, (w - 1 - x) >> 1)] as number;
      out.pixels[i] = ((img.pixels[i] as number) * (lut[behind] as number) + 0.5) | 0;
    }
  }
  return out;
}

/**
 * Light falling unevenly on a photographed page: brightest at (`cx`, `cy`) (fractions of the page), `falloff`
 * darker at the farthest corner (a lamp or window on one side, the phone's shadow), times a `ramp` from the
 * left edge to the right. Ink and paper darken alike (the light multiplies what the page reflects).
 */
export function unevenLight(
  img: GrayImage,
  light: { cx: number; cy: number; falloff: number; ramp: number },
): GrayImage {
  const { width: w, height: h } = img;
  const out = { ...img, pixels: new Uint8Array(img.pixels.length) };
  const px = light.cx * w;
  const py = light.cy * h;
  const far = Math.max(
    Math.hypot(px, py),
    Math.hypot(w - px, py),
    Math.hypot(px, h - py),
    Math.hypot(w - px, h - py),
  );
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const d = Math.hypot(x - px, y - py) / far;
      const illum = (1 - light.falloff * d * d) * (1 - light.ramp * (x / w));
      const i = y * w + x;
      out.pixels[i] = ((img.pixels[i] as number) * illum + 0.5) | 0;
    }
  }
  return out;
}

/**
 * A page photographed from below its top edge: the top `amount` narrower than the bottom (keystone), on a
 * desk of grey `surface` showing at the top corners. Rows keep their height (a phone held at a slant
 * foreshortens little); bilinear across each row.
 */
export function keystone(img: GrayImage, amount: number, surface = 110): GrayImage {
  const { width: w, height: h, pixels: src } = img;
  const out = blank(w, h, img.dpi, surface);
  const cx = w / 2;
  for (let y = 0; y < h; y++) {
    const scale = 1 - amount * (1 - y / (h - 1));
    const row = y * w;
    for (let x = 0; x < w; x++) {
      const sx = cx + (x + 0.5 - cx) / scale - 0.5;
      if (sx < 0 || sx > w - 1) continue;
      const x0 = Math.floor(sx);
      const f = sx - x0;
      const a = src[row + x0] as number;
      const b = (x0 + 1 < w ? src[row + x0 + 1] : a) as number;
      out.pixels[row + x] = (a + (b - a) * f + 0.5) | 0;
    }
  }
  return out;
}

/** What a scan went through; `degradeProfile` draws a realistic combination. */
export interface DegradeProfile {
  /** Which kind of device/workflow this emulates. */
  kind: "office-scanner" | "old-copier" | "fax" | "low-quality-jpeg" | "phone-photo" | "carbon-copy";
  /** Skew, degrees (|x| ≤ 3). */
  rotation: number;
  /** White and black levels after scanning. */
  paper: number;
  ink: number;
  /** Gaussian blur σ in pixels at the scan resolution (0 = none). */
  blur: number;
  /** Rescan at this DPI when lower than the page's (200 in practice). */
  dpi?: number;
  /** Specks per square inch. */
  speckles: number;
  /** Grain amplitude on ink (0 = none). */
  grain: number;
  /** Fax: binarize (Otsu ± jitter), optionally at standard (200×100) line resolution. */
  fax?: { standardResolution: boolean; jitter: number };
  /** JPEG round trip at this quality. */
  jpegQuality?: number;
  /** Bleed-through opacity when a back page is available. */
  bleed?: number;
  /** A photo's uneven light (see unevenLight). */
  light?: { cx: number; cy: number; falloff: number; ramp: number };
  /** A photo's keystone: the top edge this much narrower than the bottom (see keystone). */
  keystone?: number;
  /** A photo's desk grey, around the slanted and skewed page (a scan's glass is the paper's grey). */
  desk?: number;
}

/**
 * Draws what a page goes through when it is not scanned: a phone photo (uneven light, a slant, the phone's
 * JPEG) or a carbon copy scanned as it is (faint grey ink on tinted paper, soft strokes). Kept apart from
 * `degradeProfile` so the degraded corpus stays the corpus of before.
 */
export function photoProfile(rng: () => number): DegradeProfile {
  const between = (a: number, b: number) => a + (b - a) * rng();
  const sign = rng() < 0.5 ? -1 : 1;
  if (rng() < 0.6) {
    return {
      kind: "phone-photo",
      rotation: sign * between(0.5, 3),
      paper: Math.round(between(225, 248)),
      ink: Math.round(between(25, 60)),
      blur: between(0.4, 1),
      speckles: 0,
      grain: Math.round(between(4, 10)),
      jpegQuality: Math.round(between(60, 85)),
      light: { cx: between(0, 1), cy: between(0, 0.5), falloff: between(0.25, 0.5), ramp: between(0, 0.2) },
      keystone: between(0.02, 0.15),
      desk: Math.round(between(70, 130)),
    };
  }
  return {
    kind: "carbon-copy",
    rotation: sign * between(0.2, 1.5),
    paper: Math.round(between(205, 232)),
    ink: Math.round(between(110, 150)),
    blur: between(0.7, 1.3),
    dpi: 200,
    speckles: between(0.5, 2),
    grain: Math.round(between(6, 12)),
    ...(rng() < 0.5 ? { jpegQuality: Math.round(between(60, 80)) } : {}),
  };
}

/** Draws a realistic combination of degradations. */
export function degradeProfile(rng: () => number): DegradeProfile {
  const r = rng();
  const kind: DegradeProfile["kind"] =
    r < 0.4 ? "office-scanner" : r < 0.65 ? "old-copier" : r < 0.85 ? "fax" : "low-quality-jpeg";
  const between = (a: number, b: number) => a + (b - a) * rng();
  const sign = rng() < 0.5 ? -1 : 1;
  switch (kind) {
    case "office-scanner":
      return {
        kind,
        rotation: sign * between(0.2, 1.5),
        paper: Math.round(between(238, 252)),
        ink: Math.round(between(15, 45)),
        blur: between(0, 0.7),
        speckles: between(0.5, 2),
        grain: Math.round(between(4, 12)),
        ...(rng() < 0.5 ? { jpegQuality: Math.round(between(55, 85)) } : {}),
        ...(rng() < 0.45 ? { bleed: between(0.05, 0.1) } : {}),
      };
    case "old-copier":
      return {
        kind,
        rotation: sign * between(0.8, 3),
        paper: Math.round(between(222, 242)),
        ink: Math.round(between(30, 70)),
        blur: between(0.6, 1.2),
        dpi: 200,
        speckles: between(3, 8),
        grain: Math.round(between(8, 18)),
        ...(rng() < 0.5 ? { jpegQuality: Math.round(between(45, 75)) } : {}),
        ...(rng() < 0.5 ? { bleed: between(0.06, 0.1) } : {}),
      };
    case "fax":
      return {
        kind,
        rotation: sign * between(0.3, 3),
        paper: 255,
        ink: 0,
        blur: between(0.3, 0.8),
        dpi: 200,
        speckles: between(2, 6),
        grain: 0,
        fax: { standardResolution: rng() < 0.5, jitter: Math.round(between(10, 30)) },
      };
    case "low-quality-jpeg":
      return {
        kind,
        rotation: sign * between(0.2, 2),
        paper: Math.round(between(230, 250)),
        ink: Math.round(between(20, 50)),
        blur: between(0.8, 1.4),
        dpi: 200,
        speckles: between(0.5, 2),
        grain: Math.round(between(6, 14)),
        jpegQuality: Math.round(between(22, 40)),
        ...(rng() < 0.3 ? { bleed: between(0.05, 0.09) } : {}),
      };
  }
}

/**
 * Applies a profile: resolution, bleed-through, scan levels, skew, optics blur, grain, fax binarization, dust,
 * JPEG compression. `back` is the page behind this one (for bleed-through).
 */
export function applyDegradation(
  img: GrayImage,
  profile: DegradeProfile,
  rng: () => number,
  back?: GrayImage,
): GrayImage {
  let out = img;
  // Resolution first: a 200 DPI scan sees the page at 200 DPI (and everything after is cheaper).
  if (profile.dpi && profile.dpi < out.dpi) out = downsample(out, profile.dpi);
  if (profile.bleed && back) out = bleedThrough(out, back, profile.bleed);
  out = levels(out, profile.paper, profile.ink);
  if (profile.keystone) out = keystone(out, profile.keystone, profile.desk);
  if (profile.rotation !== 0)
    out = rotate(out, profile.rotation, { background: profile.desk ?? profile.paper });
  if (profile.light) out = unevenLight(out, profile.light);
  if (profile.blur > 0.05) out = blur(out, profile.blur * (out.dpi / 200));
  if (profile.grain > 0) out = grain(out, rng, profile.grain);
  if (profile.fax) {
    if (profile.fax.standardResolution) out = faxLines(out);
    out = binarize(out, { jitter: profile.fax.jitter, rng });
  }
  if (profile.speckles > 0)
    out = speckle(out, rng, {
      density: profile.speckles,
      maxRadius: profile.fax ? 1.5 : 1.2,
      dropouts: !profile.fax,
    });
  if (profile.jpegQuality) out = jpegRoundTrip(out, profile.jpegQuality);
  return out;
}
