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
