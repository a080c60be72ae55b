/**
 * The frame a page's boxes are read in: upright, and straight. OCR reports geometry on the image it was given
 * (Textract does; so does the local engine, which maps what it read on the page it straightened back onto the
 * scan). A scan turned by quarter turns is read upright through its orientation (geometry.ts). A page that
 * lies skewed or slanted on the image (a photo, a sheet crooked on the glass) is read through its PAGE
 * polygon, the page's corners on the image: the projective map from those corners to the unit square makes
 * its text lines level again, and maps a field's box back onto the scan exactly as its words came from it.
 */
import type { BoundingBox } from "../../domain/fields";
import { toImageBox, toUprightBox, type PageOrientation } from "./geometry";

/** A 3×3 projective map, row-major: (x, y) → ((m0 x + m1 y + m2) / w, (m3 x + m4 y + m5) / w), w = m6 x + m7 y + m8. */
export type Homography = readonly [number, number, number, number, number, number, number, number, number];

/** Where an upright page lies on its (quarter-turned-upright) image; plain data, as the page model is. */
export interface PageWarp {
  /** Upright page (unit square) → image. */
  toImage: Homography;
  /** Image → upright page. */
  toPage: Homography;
}

/** How a page lies on its image: turned (0 when absent) and, when skewed or slanted, warped. A PageModel is one. */
export interface PageFrame {
  orientation?: PageOrientation;
  warp?: PageWarp;
}

/** The frame of a page whose words say it is turned by `orientation` and whose PAGE block has `polygon`. */
export function pageFrameOf(
  polygon: readonly { X?: number; Y?: number }[] | undefined,
  orientation: PageOrientation,
): PageFrame {
  const warp = pageWarpOf(polygon, orientation);
  return warp ? { orientation, warp } : { orientation };
}

type Point = readonly [number, number];

/**
 * Page corners (normalized) departing from an axis-aligned rectangle by less than this are a straight page
 * (a scan's PAGE polygon: Textract's are the image, or the paper a hair inside it, ≤ 0.002 off square): its
 * boxes are read as they are. 0.005 is a skew of about 0.3° across a page.
 */
const STRAIGHT_TOLERANCE = 0.005;

/**
 * The warp of a page whose PAGE polygon (its corners on the image) is skewed or slanted, after turning it
 * upright by `orientation`; undefined for a straight page, or a polygon that is not a plausible page (not four
 * corners, not convex, smaller than a quarter of the image).
 */
export function pageWarpOf(
  polygon: readonly { X?: number; Y?: number }[] | undefined,
  orientation: PageOrientation,
): PageWarp | undefined {
  if (polygon?.length !== 4) return undefined;
  const points: Point[] = [];
  for (const p of polygon) {
    if (!Number.isFinite(p.X) || !Number.isFinite(p.Y)) return undefined;
    points.push(uprightPoint(p.X!, p.Y!, orientation));
  }
  const corners = orderCorners(points);
  if (!corners) return undefined;
  const [tl, tr, br, bl] = corners;
  const offSquare = Math.max(
    Math.abs(tl[1] - tr[1]),
    Math.abs(bl[1] - br[1]),
    Math.abs(tl[0] - bl[0]),
    Math.abs(tr[0] - br[0]),
  );
  if (offSquare <= STRAIGHT_TOLERANCE || !isConvex(corners) || quadArea(corners) < 0.25) return undefined;
  const toImage = squareToQuad(corners);
  const toPage = toImage && invert(toImage);
  return toImage && toPage ? { toImage, toPage } : undefined;
}

/**
 * A block's box in the page's frame: its polygon's corners (or its box's, without one) turned upright and,
 * on a warped page, mapped onto the straight page; the hull of those. Corners the map cannot place (beyond
 * the horizon of a steep slant: a word outside the page) are left out; with none left, the box is only turned.
 */
export function boxInFrame(
  frame: PageFrame,
  box: { left: number; top: number; width: number; height: number },
  polygon?: readonly Point[],
): BoundingBox {
  const orientation = frame.orientation ?? 0;
  if (!frame.warp) return toUprightBox(box, orientation);
  const corners = polygon && polygon.length >= 3 ? polygon : cornersOf(box);
  const toPage = frame.warp.toPage;
  const mapped = hull(corners.map(([x, y]) => apply(toPage, ...uprightPoint(x, y, orientation))));
  return mapped ?? toUprightBox(box, orientation);
}

/** A box in the page's frame → the box it covers on the stored image (within the image). */
export function boxOnImage(frame: PageFrame, box: BoundingBox): BoundingBox {
  const orientation = frame.orientation ?? 0;
  if (!frame.warp) return toImageBox(box, orientation);
  const toImage = frame.warp.toImage;
  const onUpright = hull(
    cornersOf(box).map(([x, y]) => apply(toImage, x, y)),
    true,
  );
  return toImageBox(onUpright ?? box, orientation);
}

function cornersOf({ left, top, width, height }: BoundingBox): Point[] {
  return [
    [left, top],
    [left + width, top],
    [left + width, top + height],
    [left, top + height],
  ];
}

/** A point of the image on the page turned upright by `orientation` (as toUprightBox turns boxes). */
function uprightPoint(x: number, y: number, orientation: PageOrientation): Point {
  switch (orientation) {
    case 0:
      return [x, y];
    case 90:
      return [1 - y, x];
    case 180:
      return [1 - x, 1 - y];
    case 270:
      return [y, 1 - x];
  }
}

/** Top-left, top-right, bottom-right, bottom-left of a roughly upright quadrilateral; undefined if ambiguous. */
function orderCorners(points: readonly Point[]): [Point, Point, Point, Point] | undefined {
  const by = (f: (p: Point) => number, max: boolean) =>
    points.reduce((best, p) => ((max ? f(p) > f(best) : f(p) < f(best)) ? p : best));
  const tl = by((p) => p[0] + p[1], false);
  const br = by((p) => p[0] + p[1], true);
  const tr = by((p) => p[0] - p[1], true);
  const bl = by((p) => p[0] - p[1], false);
  return new Set([tl, tr, br, bl]).size === 4 ? [tl, tr, br, bl] : undefined;
}

function isConvex(q: readonly Point[]): boolean {
  let sign = 0;
  for (let i = 0; i < 4; i++) {
    const [a, b, c] = [q[i]!, q[(i + 1) % 4]!, q[(i + 2) % 4]!];
    const cross = (b[0] - a[0]) * (c[1] - b[1]) - (b[1] - a[1]) * (c[0] - b[0]);
    if (cross === 0) return false;
    if (sign === 0) sign = Math.sign(cross);
    else if (Math.sign(cross) !== sign) return false;
  }
  return true;
}

function quadArea(q: readonly Point[]): number {
  let twice = 0;
  for (let i = 0; i < 4; i++) twice += q[i]![0] * q[(i + 1) % 4]![1] - q[(i + 1) % 4]![0] * q[i]![1];
  return Math.abs(twice) / 2;
}

/** The projective map taking the unit square's corners (0,0), (1,0), (1,1), (0,1) to `q` (Heckbert, 1989). */
function squareToQuad(q: readonly [Point, Point, Point, Point]): Homography | undefined {
  const [[x0, y0], [x1, y1], [x2, y2], [x3, y3]] = q;
  const [sx, sy] = [x0 - x1 + x2 - x3, y0 - y1 + y2 - y3];
  if (sx === 0 && sy === 0) return [x1 - x0, x2 - x1, x0, y1 - y0, y2 - y1, y0, 0, 0, 1];
  const [dx1, dx2, dy1, dy2] = [x1 - x2, x3 - x2, y1 - y2, y3 - y2];
  const den = dx1 * dy2 - dx2 * dy1;
  if (den === 0) return undefined;
  const g = (sx * dy2 - dx2 * sy) / den;
  const h = (dx1 * sy - sx * dy1) / den;
  return [x1 - x0 + g * x1, x3 - x0 + h * x3, x0, y1 - y0 + g * y1, y3 - y0 + h * y3, y0, g, h, 1];
}

function invert(m: Homography): Homography | undefined {
  const [a, b, c, d, e, f, g, h, i] = m;
  const A = e * i - f * h;
  const B = f * g - d * i;
  const C = d * h - e * g;
  const det = a * A + b * B + c * C;
  if (!Number.isFinite(det) || Math.abs(det) < 1e-12) return undefined;
  return [
    A / det,
    (c * h - b * i) / det,
    (b * f - c * e) / det,
    B / det,
    (a * i - c * g) / det,
    (c * d - a * f) / det,
    C / det,
    (b * g - a * h) / det,
    (a * e - b * d) / det,
  ];
}

/** The mapped point; undefined beyond the map's horizon (w ≤ 0: no place on the other side) or not finite. */
function apply(m: Homography, x: number, y: number): Point | undefined {
  const w = m[6] * x + m[7] * y + m[8];
  if (!(w > 1e-9)) return undefined;
  const p: Point = [(m[0] * x + m[1] * y + m[2]) / w, (m[3] * x + m[4] * y + m[5]) / w];
  return Number.isFinite(p[0]) && Number.isFinite(p[1]) ? p : undefined;
}

/**
 * The axis-aligned box around the points placed; `clip`: within the unit square (a box on the image).
 * Undefined when none was placed.
 */
function hull(points: readonly (Point | undefined)[], clip = false): BoundingBox | undefined {
  const placed = points.filter((p): p is Point => p !== undefined);
  if (!placed.length) return undefined;
  const c = (v: number) => (clip ? Math.min(1, Math.max(0, v)) : v);
  const xs = placed.map((p) => c(p[0]));
  const ys = placed.map((p) => c(p[1]));
  const [left, top] = [Math.min(...xs), Math.min(...ys)];
  return { left, top, width: Math.max(...xs) - left, height: Math.max(...ys) - top };
}
