import type { BoundingBox } from "../../domain/fields";

/** A zero-size box, used when OCR gave no geometry (e.g. a QUERY_RESULT without a matching word). */
export const EMPTY_BOX: BoundingBox = { left: 0, top: 0, width: 0, height: 0 };

export function right(b: BoundingBox): number {
  return b.left + b.width;
}

export function bottom(b: BoundingBox): number {
  return b.top + b.height;
}

export function centerX(b: BoundingBox): number {
  return b.left + b.width / 2;
}

/** Smallest box containing every box given; EMPTY_BOX for none. */
export function unionBoxes(boxes: readonly BoundingBox[]): BoundingBox {
  const first = boxes[0];
  if (!first) return { ...EMPTY_BOX };
  let l = first.left;
  let t = first.top;
  let r = right(first);
  let b = bottom(first);
  for (const box of boxes.slice(1)) {
    l = Math.min(l, box.left);
    t = Math.min(t, box.top);
    r = Math.max(r, right(box));
    b = Math.max(b, bottom(box));
  }
  return { left: l, top: t, width: r - l, height: b - t };
}

/** Length of the overlap of two horizontal ranges (0 if disjoint). */
export function horizontalOverlap(a: BoundingBox, b: BoundingBox): number {
  return Math.max(0, Math.min(right(a), right(b)) - Math.max(a.left, b.left));
}

/** Split a box horizontally into pieces proportional to the given weights (character counts). */
export function splitBoxHorizontally(box: BoundingBox, weights: readonly number[]): BoundingBox[] {
  const total = weights.reduce((s, w) => s + w, 0) || 1;
  let x = box.left;
  return weights.map((w) => {
    const width = (box.width * w) / total;
    const piece = { left: x, top: box.top, width, height: box.height };
    x += width;
    return piece;
  });
}

/**
 * How far a scanned page is turned: the clockwise rotation, in degrees, that makes it upright (Textract keeps
 * the image's own coordinates, so a page scanned upside down is 180, one whose text reads bottom-to-top 90,
 * top-to-bottom 270).
 */
export type PageOrientation = 0 | 90 | 180 | 270;

/**
 * The orientation of a page whose text runs along (dx, dy) in image coordinates (y down), e.g. from a word's
 * top-left to its top-right polygon corner: snapped to the nearest quarter turn. Undefined for a null (or
 * non-finite) vector.
 */
export function orientationOfDirection(dx: number, dy: number): PageOrientation | undefined {
  if (!Number.isFinite(dx) || !Number.isFinite(dy)) return undefined;
  if (Math.abs(dx) >= Math.abs(dy)) {
    if (dx > 0) return 0;
    return dx < 0 ? 180 : undefined;
  }
  // Text running down the image is upright after a quarter turn counter-clockwise (270° clockwise).
  return dy > 0 ? 270 : 90;
}

/**
 * A box in image coordinates (0–1, as Textract gives it) → the same region on the page turned upright, i.e.
 * rotated clockwise by `orientation`. Normalized coordinates make this exact for any aspect ratio.
 *   90:  (x, y) → (1 − y, x)     180: (x, y) → (1 − x, 1 − y)     270: (x, y) → (y, 1 − x)
 */
export function toUprightBox(box: BoundingBox, orientation: PageOrientation): BoundingBox {
  return orientation === 0 ? box : uprightBoxOf(box.left, box.top, box.width, box.height, orientation);
}

/** toUprightBox of the box (left, top, width, height), always a new object (no intermediate box). */
export function uprightBoxOf(
  left: number,
  top: number,
  width: number,
  height: number,
  orientation: PageOrientation,
): BoundingBox {
  switch (orientation) {
    case 0:
      return { left, top, width, height };
    case 90:
      return { left: 1 - top - height, top: left, width: height, height: width };
    case 180:
      return { left: 1 - left - width, top: 1 - top - height, width, height };
    case 270:
      return { left: top, top: 1 - left - width, width: height, height: width };
  }
}

/** The inverse of toUprightBox: a box in upright page coordinates → where it is on the stored (unturned) scan. */
export function toImageBox(box: BoundingBox, orientation: PageOrientation): BoundingBox {
  return toUprightBox(box, ((360 - orientation) % 360) as PageOrientation);
}
