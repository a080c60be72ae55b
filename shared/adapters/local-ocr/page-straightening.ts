/**
 * How the local engine straightened a page before OCR, as plain data (a job record is persisted as JSON), and
 * the map from a point on the straightened page back to the stored scan. Textract reports geometry on the
 * image it was given; so does the local engine, through this map, so a viewer highlights a field where it is
 * on the scan and not where it was on the page tesseract read.
 */

/** A straight page edge on the scan, x = a + b·y (pixels). */
export interface EdgeLine {
  a: number;
  b: number;
}

export interface PageStraightening {
  /**
   * A photo's slanted page edges on the scan: each row's span between them was stretched to the full width
   * (correct-keystone.ts), before any rotation.
   */
  keystone?: { left: EdgeLine; right: EdgeLine };
  /**
   * Degrees the page was then rotated by, clockwise about its centre, keeping its pixel size (deskew.ts);
   * 0 or absent when it was not.
   */
  rotation?: number;
}

/** Whether the page was straightened at all (its boxes need mapping back). */
export function isStraightened(s: PageStraightening | undefined): s is PageStraightening {
  return !!s && (!!s.keystone || !!s.rotation);
}

/**
 * The point on the stored scan (pixels of the same size as the page) that ended up at (x, y) of the
 * straightened page: the inverse of the rotation (rotateGray samples its source at c + R(θ)·(p − c)), then of
 * the row stretch.
 */
export function scanPointMapper(
  s: PageStraightening,
  width: number,
  height: number,
): (x: number, y: number) => [number, number] {
  const rad = ((s.rotation ?? 0) * Math.PI) / 180;
  const [cos, sin] = [Math.cos(rad), Math.sin(rad)];
  const [cx, cy] = [width / 2, height / 2];
  const keystone = s.keystone;
  return (x, y) => {
    let [px, py] = [x, y];
    if (rad !== 0) {
      const [dx, dy] = [x - cx, y - cy];
      [px, py] = [dx * cos + dy * sin + cx, -dx * sin + dy * cos + cy];
    }
    if (keystone) {
      const left = keystone.left.a + keystone.left.b * py;
      const right = keystone.right.a + keystone.right.b * py;
      px = left + (px * (right - left)) / width;
    }
    return [px, py];
  };
}
