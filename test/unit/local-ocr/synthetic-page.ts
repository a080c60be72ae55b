import type { GrayImage } from "../../../shared/adapters/local-ocr/remove-rule-lines";
import { mulberry32 } from "../../../samples/generator/chart-spec";

/** Deterministic PRNG (the sample generator's mulberry32) so fixtures are identical on every run. */
export const prng = mulberry32;

export interface TextPageOptions {
  width?: number;
  height?: number;
  paper?: number;
  ink?: number;
  /** Pixels between baselines. */
  lineSpacing?: number;
  seed?: number;
}

/**
 * A page of fake text: lines of "words" made of 2-pixel-wide vertical strokes with ascender/descender-like
 * height variation, on flat paper. Enough structure for skew estimation and levels, no font needed.
 */
export function textPage(options: TextPageOptions = {}): GrayImage {
  const width = options.width ?? 850;
  const height = options.height ?? 1100;
  const paper = options.paper ?? 255;
  const ink = options.ink ?? 0;
  const spacing = options.lineSpacing ?? 24;
  const rand = prng(options.seed ?? 7);
  const pixels = new Uint8Array(width * height).fill(paper);
  const margin = Math.round(width * 0.08);
  for (let base = margin + spacing; base < height - margin; base += spacing) {
    let x = margin;
    while (x < width - margin) {
      const letters = 2 + Math.floor(rand() * 8);
      for (let l = 0; l < letters && x < width - margin - 6; l++, x += 6) {
        const top = base - (rand() < 0.3 ? 12 : 8);
        const bottom = base + (rand() < 0.1 ? 3 : 0);
        for (let y = top; y < bottom; y++) for (let dx = 0; dx < 2; dx++) pixels[y * width + x + dx] = ink;
        // A crossbar on some letters, so strokes are not all vertical.
        if (rand() < 0.4) for (let dx = 0; dx < 5; dx++) pixels[(base - 4) * width + x + dx] = ink;
      }
      x += 10 + Math.floor(rand() * 8);
    }
  }
  return { pixels, width, height, stride: width };
}

export const blankPage = (width: number, height: number, value = 255): GrayImage => ({
  pixels: new Uint8Array(width * height).fill(value),
  width,
  height,
  stride: width,
});

/** Mean absolute pixel difference over the central region (away from rotated-in corners). */
export function centralDifference(a: GrayImage, b: GrayImage, inset = 0.15): number {
  const x0 = Math.round(a.width * inset);
  const y0 = Math.round(a.height * inset);
  let sum = 0;
  let n = 0;
  for (let y = y0; y < a.height - y0; y++)
    for (let x = x0; x < a.width - x0; x++, n++)
      sum += Math.abs(a.pixels[y * a.stride + x]! - b.pixels[y * b.stride + x]!);
  return sum / n;
}

/** The same image with `pad` junk (black) bytes after every row, as mupdf pixmaps may have. */
export function withStride(image: GrayImage, pad: number): GrayImage {
  const stride = image.width + pad;
  const pixels = new Uint8Array(stride * image.height);
  for (let y = 0; y < image.height; y++)
    pixels.set(image.pixels.subarray(y * image.stride, y * image.stride + image.width), y * stride);
  return { pixels, width: image.width, height: image.height, stride };
}
