/**
 * What the world varies and the layouts hold fixed: the sheet a page was printed on, where on it the print
 * sits, the type, and the resolution the scanner writes into the file. A corpus built without it (every
 * page Letter, every tag right) reads 1.000 where real scans fail: a 300-dpi page tagged 72 was read as
 * nothing until resolution came from the pixels.
 */
import type { Layout } from "./layouts";
import type { GrayPage } from "./tiff";

export type Paper = "letter" | "a4" | "legal";
/** What the file says about its resolution: the truth, nothing, a software default, or another number. */
export type DeclaredResolution = "correct" | "missing" | "72" | "96" | "wrong";

export interface ScanVariation {
  paper: Paper;
  /** Inches the print is moved right and down on the sheet (a sheet fed askew, a form printed off-centre). */
  shift: { x: number; y: number };
  declared: DeclaredResolution;
  font: Layout["font"];
  /** Points added to the layout's body size. */
  fontSizeDelta: number;
}

export const PAPER_INCHES: Record<Paper, { width: number; height: number }> = {
  letter: { width: 8.5, height: 11 },
  a4: { width: 8.27, height: 11.69 },
  legal: { width: 8.5, height: 14 },
};

function pick<T>(rng: () => number, items: readonly T[]): T {
  return items[Math.floor(rng() * items.length)] as T;
}

/** One item's variation, from its own random stream (the rest of the item is drawn as before). */
export function pickVariation(rng: () => number): ScanVariation {
  return {
    paper: pick(rng, ["letter", "letter", "a4", "legal"] as const),
    shift: { x: (rng() - 0.5) * 0.4, y: (rng() - 0.5) * 0.5 },
    declared: pick(rng, ["correct", "missing", "72", "96", "wrong"] as const),
    font: pick(rng, ["serif", "sans-serif", "monospace"] as const),
    fontSizeDelta: pick(rng, [-1, -0.5, 0, 0.5, 1]),
  };
}

/** The layout as this item prints it: its own type family and size. */
export function varyLayout(layout: Layout, variation: ScanVariation): Layout {
  const fontSize = Math.min(11, Math.max(8, layout.fontSize + variation.fontSizeDelta));
  return { ...layout, font: variation.font, fontSize };
}

/**
 * The resolution the file declares for pages scanned at `dpi`: undefined for none. "wrong" is another
 * scanner setting than the one used (half or double).
 */
export function declaredDpi(variation: ScanVariation, dpi: number): number | undefined {
  switch (variation.declared) {
    case "correct":
      return dpi;
    case "missing":
      return undefined;
    case "72":
      return 72;
    case "96":
      return 96;
    case "wrong":
      return dpi >= 300 ? dpi / 2 : dpi * 2;
  }
}

/**
 * A Letter page as scanned from `paper`: the sheet's size at the page's resolution, the print moved by the
 * variation's shift, white where the sheet extends beyond it, cut where the sheet is smaller (A4 is
 * narrower than Letter).
 */
export function onPaper(page: GrayPage, variation: ScanVariation): GrayPage {
  const size = PAPER_INCHES[variation.paper];
  const width = Math.round(size.width * page.dpi);
  const height = Math.round(size.height * page.dpi);
  // Centred horizontally, top-aligned (Legal sheets carry Letter forms at the top), then shifted.
  const dx = Math.round((width - page.width) / 2 + variation.shift.x * page.dpi);
  const dy = Math.round(Math.min(0, (height - page.height) / 2) + variation.shift.y * page.dpi);
  const pixels = new Uint8Array(width * height).fill(255);
  for (let y = 0; y < height; y++) {
    const sy = y - dy;
    if (sy < 0 || sy >= page.height) continue;
    const from = Math.max(0, -dx);
    const to = Math.min(page.width, width - dx);
    if (to <= from) continue;
    pixels.set(page.pixels.subarray(sy * page.width + from, sy * page.width + to), y * width + from + dx);
  }
  return { width, height, dpi: page.dpi, pixels };
}
