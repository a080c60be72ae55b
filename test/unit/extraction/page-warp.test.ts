/**
 * Pages lying skewed or slanted on the image (a sheet crooked on the glass, a phone photo): OCR reports
 * geometry on the image, with the PAGE polygon giving the page's corners there. The read model reads such a
 * page straight through the projective map onto those corners, and extraction reports each field's box on
 * the stored image, where its words are.
 */
import { describe, expect, it } from "vitest";
import type { ExtractionResult } from "../../../shared/domain/fields";
import { buildModel, type DocModel } from "../../../shared/extraction/model/document-model";
import { pageWarpOf } from "../../../shared/extraction/model/page-frame";
import type { TextractBlock, TextractDocument } from "../../../shared/ocr/textract-blocks";
import { buildDocModelWithParser } from "../../support/parser-model";
import { extractDocument } from "../../support/extraction";
import { boxAround, buildDoc, corners, REF_DATE, type Point } from "./build-blocks";

type PointMap = (p: Point) => Point;

/** Letter paper: height ÷ width, so a rotation is a rotation of the sheet, not of the unit square. */
const ASPECT = 11 / 8.5;

/** The page rotated `degrees` clockwise about its centre, on an image of the same size (a crooked scan). */
const rotated =
  (degrees: number): PointMap =>
  ({ X, Y }) => {
    const [c, s] = [Math.cos((degrees * Math.PI) / 180), Math.sin((degrees * Math.PI) / 180)];
    const [dx, dy] = [X - 0.5, (Y - 0.5) * ASPECT];
    return { X: 0.5 + dx * c - dy * s, Y: 0.5 + (dx * s + dy * c) / ASPECT };
  };

/**
 * A phone photo held below the page's top edge: the page a trapezoid on the desk, 13 % narrower at the top,
 * its top rows squeezed (a true perspective: straight lines stay straight), a little inside the frame.
 */
/** Scanned a quarter turn counter-clockwise (the text reads bottom to top: the page needs 90° clockwise). */
const sideways: PointMap = ({ X, Y }) => ({ X: Y, Y: 1 - X });

const photographed: PointMap = ({ X, Y }) => {
  const w = 1.15 - 0.15 * Y; // farther away at the top
  return { X: 0.5 + (0.9 * (X - 0.5)) / w, Y: 0.04 + (0.92 * Y) / w };
};

/**
 * `doc` as OCR reports the same page lying on the image as `map` puts it: every polygon point moved,
 * BoundingBox = the box around the moved polygon (within the image), the PAGE polygon = the page's corners.
 */
function onImage(doc: TextractDocument, map: PointMap): TextractDocument {
  const move = (b: TextractBlock): TextractBlock => {
    if (!b.Geometry) return b;
    const bb = b.Geometry.BoundingBox;
    const box = { left: bb.Left, top: bb.Top, width: bb.Width, height: bb.Height };
    const polygon = (b.Geometry.Polygon ?? corners(box)).map(map);
    const hull = boxAround(polygon.map((p) => ({ X: clamp01(p.X), Y: clamp01(p.Y) })));
    return {
      ...b,
      Geometry: {
        BoundingBox: { Left: hull.left, Top: hull.top, Width: hull.width, Height: hull.height },
        Polygon: polygon,
      },
    };
  };
  return { ...doc, Blocks: doc.Blocks.map(move) };
}
const clamp01 = (v: number) => Math.min(1, Math.max(0, v));

function rounded<T>(value: T, digits = 6): T {
  return JSON.parse(
    JSON.stringify(value, (_k, v: unknown) => (typeof v === "number" ? Number(v.toFixed(digits)) : v)),
  ) as T;
}

/** The model without how its pages lay on the image (a straight, upright page's model has orientation 0). */
const withoutFrame = (model: DocModel): DocModel => ({
  ...model,
  pages: model.pages.map(({ warp: _w, orientation: _o, ...p }) => p),
});

const opts = { referenceDate: REF_DATE };

/** A chart page whose label/value pairs sit far apart on their lines (a skew lifts one against the other). */
const chart = () =>
  buildDoc({
    lines: [
      { text: "PROGRESS NOTE", height: 0.025 },
      "Patient: Jane Doe                                   DOB: 07/02/1975",
      "Sex: Female                                          MRN: 00987",
      "Date of Service: 06/02/2024",
      "Provider: Dr. Alan Grant",
      "Assessment: stable, follow up in three months",
    ],
  });

const values = (r: ExtractionResult) =>
  Object.fromEntries(Object.entries(r.fields).map(([k, f]) => [k, f.value]));

describe.each([
  ["scanned 3° crooked", rotated(3)],
  ["scanned 2.5° crooked the other way", rotated(-2.5)],
  ["photographed at a slant", photographed],
  ["scanned sideways and 3° crooked", (p: Point) => sideways(rotated(3)(p))],
])("a page %s", (_name, map) => {
  const straight = chart();
  const lying = onImage(straight, map);
  const model = buildModel(lying);

  it("is read as the straight page: same lines, same boxes", () => {
    expect(model.pages[0]?.warp).toBeDefined();
    expect(rounded(withoutFrame(model))).toEqual(rounded(withoutFrame(buildModel(straight))));
    expect(buildDocModelWithParser(lying)).toEqual(model);
  });

  it("extracts the same values, and reports each field's box where its words are on the image", () => {
    const a = extractDocument(straight, opts);
    const b = extractDocument(lying, opts);
    expect(Object.keys(a.fields).sort()).toEqual(
      ["dateOfBirth", "dateOfService", "mrn", "patientName", "provider", "sex"].sort(),
    );
    expect(values(b)).toEqual(values(a));
    for (const [name, field] of Object.entries(a.fields)) {
      const got = b.fields[name as keyof typeof b.fields]?.bbox;
      const expected = boxAround(corners(field.bbox).map(map));
      for (const k of ["left", "top", "width", "height"] as const)
        expect(got?.[k], `${name}.${k}`).toBeCloseTo(expected[k], 3);
    }
  });
});

describe("a steeply slanted page with words outside it", () => {
  it("gives every box a finite place: a word beyond the slant's horizon is only turned, not thrown away", () => {
    // The page's edges meet at y ≈ 0.44 on the image: the header words above that have no place on the page.
    const doc = chart();
    const steep = [
      { X: 0.45, Y: 0.5 },
      { X: 0.55, Y: 0.5 },
      { X: 1, Y: 1 },
      { X: 0, Y: 1 },
    ];
    doc.Blocks = doc.Blocks.map((b) =>
      b.BlockType === "PAGE" ? { ...b, Geometry: { ...b.Geometry!, Polygon: steep } } : b,
    );
    const model = buildModel(doc);
    expect(model.pages[0]?.warp).toBeDefined();
    // The title, on the image's top, stays where it is printed (not flipped through the horizon).
    const title = model.lines.find((l) => l.text === "PROGRESS NOTE")!;
    const onImage = doc.Blocks.find((b) => b.BlockType === "LINE" && b.Text === "PROGRESS NOTE")!;
    expect(title.box.top).toBeCloseTo(onImage.Geometry!.BoundingBox.Top, 9);
    const boxes = model.lines.flatMap((l) => [l.box, ...l.tokens.map((t) => t.box)]);
    for (const box of boxes) for (const v of Object.values(box)) expect(Number.isFinite(v)).toBe(true);
    for (const field of Object.values(extractDocument(doc, opts).fields))
      for (const v of Object.values(field.bbox)) {
        expect(Number.isFinite(v)).toBe(true);
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThanOrEqual(1);
      }
  });
});

describe("pageWarpOf: which PAGE polygons are a page lying crooked", () => {
  const square = (inset: number) => [
    { X: inset, Y: inset },
    { X: 1 - inset, Y: inset },
    { X: 1 - inset, Y: 1 - inset },
    { X: inset, Y: 1 - inset },
  ];

  it("a straight page is read as it is: the image, or the paper a little inside it (Textract's)", () => {
    expect(pageWarpOf(square(0), 0)).toBeUndefined();
    expect(pageWarpOf(square(0.012), 0)).toBeUndefined();
    // A real Textract PAGE polygon (multi_page_example_file.json, page 1): 0.002 off square.
    const textract = [
      { X: 0.009016, Y: 0.014471 },
      { X: 0.987763, Y: 0.013943 },
      { X: 0.985822, Y: 0.983593 },
      { X: 0.010447, Y: 0.983234 },
    ];
    expect(pageWarpOf(textract, 0)).toBeUndefined();
    // Upside down (Textract lists the corners from the page's own top-left): straight once turned.
    expect(pageWarpOf([...square(0)].reverse(), 180)).toBeUndefined();
  });

  it("no polygon, or one that is not a page, leaves the page unwarped", () => {
    expect(pageWarpOf(undefined, 0)).toBeUndefined();
    expect(pageWarpOf(square(0).slice(0, 3), 0)).toBeUndefined();
    const tiny = [
      { X: 0.4, Y: 0.4 },
      { X: 0.6, Y: 0.41 },
      { X: 0.6, Y: 0.6 },
      { X: 0.4, Y: 0.6 },
    ];
    expect(pageWarpOf(tiny, 0)).toBeUndefined();
    const dart = [
      { X: 0, Y: 0 },
      { X: 1, Y: 0.02 },
      { X: 0.3, Y: 0.3 },
      { X: 0, Y: 1 },
    ];
    expect(pageWarpOf(dart, 0)).toBeUndefined();
    expect(pageWarpOf([{ X: Number.NaN, Y: 0 }, ...square(0).slice(1)], 0)).toBeUndefined();
  });

  it("a page on the image under a clear skew or slant is warped", () => {
    expect(pageWarpOf(square(0).map(rotated(1)), 0)).toBeDefined();
    expect(pageWarpOf(square(0).map(photographed), 0)).toBeDefined();
  });
});
