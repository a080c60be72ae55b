/**
 * Pages scanned turned (upside down, sideways): Textract keeps the image's coordinates, so the read model
 * detects each page's orientation from its words' polygons, turns every box upright for the rules, and
 * extraction reports field boxes back on the stored scan.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { BoundingBox, ExtractionResult } from "../../../shared/domain/fields";
import { extractPart } from "../../../shared/extraction";
import { extractDocument, subModel } from "../../support/extraction";
import { buildModel, type DocModel } from "../../../shared/extraction/model/document-model";
import { buildDocModelWithParser } from "../../support/parser-model";
import {
  orientationOfDirection,
  toImageBox,
  toUprightBox,
  type PageOrientation,
} from "../../../shared/extraction/model/geometry";
import type { TextractBlock, TextractDocument } from "../../../shared/ocr/textract-blocks";
import { parseTextractJson } from "../../../local/cli/commands/extract";
import { boxAround, buildDoc, corners, page, REF_DATE, type PageSpec, type Point } from "./build-blocks";

/**
 * Where a point of the upright page lands on a scan that needs `orientation` (clockwise) to be upright, i.e.
 * the upright page turned counter-clockwise by `orientation`. Written out here, independently of geometry.ts.
 */
function onScan(p: Point, orientation: PageOrientation): Point {
  switch (orientation) {
    case 0:
      return p;
    case 90: // turned a quarter counter-clockwise: the upright top edge is now the left edge
      return { X: p.Y, Y: 1 - p.X };
    case 180:
      return { X: 1 - p.X, Y: 1 - p.Y };
    case 270: // turned a quarter clockwise: the upright top edge is now the right edge
      return { X: 1 - p.Y, Y: p.X };
  }
}

/** An upright box as it appears on the turned scan (axis-aligned, as Textract's BoundingBox). */
function boxOnScan(b: BoundingBox, orientation: PageOrientation): BoundingBox {
  return boxAround(corners(b).map((p) => onScan(p, orientation)));
}

/**
 * `doc` as Textract returns it for the same pages scanned turned: every polygon point moved (order kept, so
 * Polygon[0] stays the text's top-left in reading direction), BoundingBox = the box around the moved polygon.
 * Block order (Textract's reading order) is unchanged. `pages` limits which pages are turned.
 */
function turnDoc(
  doc: TextractDocument,
  orientation: PageOrientation,
  pages?: readonly number[],
): TextractDocument {
  const turn = (b: TextractBlock): TextractBlock => {
    if (!b.Geometry || (pages && !pages.includes(b.Page ?? 1))) return b;
    const bb = b.Geometry.BoundingBox;
    const box = { left: bb.Left, top: bb.Top, width: bb.Width, height: bb.Height };
    const polygon = (b.Geometry.Polygon ?? corners(box)).map((p) => onScan(p, orientation));
    const moved = boxAround(polygon);
    return {
      ...b,
      Geometry: {
        BoundingBox: { Left: moved.left, Top: moved.top, Width: moved.width, Height: moved.height },
        ...(b.Geometry.Polygon ? { Polygon: polygon } : {}),
      },
    };
  };
  return { ...doc, Blocks: doc.Blocks.map(turn) };
}

/** Every number rounded (turning twice through 1 − x leaves float noise). */
function rounded<T>(value: T, digits = 9): T {
  return JSON.parse(
    JSON.stringify(value, (_k, v: unknown) => (typeof v === "number" ? Number(v.toFixed(digits)) : v)),
  ) as T;
}

/** The model without its pages' orientation, for comparing a turned page's model with the upright one. */
function withoutOrientation(model: DocModel): DocModel {
  return { ...model, pages: model.pages.map(({ orientation: _o, ...p }) => p) };
}

function expectBoxClose(actual: BoundingBox | undefined, expected: BoundingBox, digits = 3): void {
  expect(actual).toBeDefined();
  for (const k of ["left", "top", "width", "height"] as const)
    expect(actual?.[k]).toBeCloseTo(expected[k], digits);
}

const opts = { referenceDate: REF_DATE };

/** A chart page with line fields, key/value pairs, glued label/values, a table and a query with a box. */
function chartPage(): PageSpec {
  return {
    lines: [
      { text: "PROGRESS NOTE", height: 0.025 },
      { text: "Patient: Jane Doe      DOB:07/02/1975", kv: true },
      "Sex: Female      MRN#00987",
      { text: "Date of Service: 06/02/2024", kv: true },
      "Provider: Dr. Alan Grant",
      "Allergies: Penicillin (rash)",
      "DIAGNOSES:",
      "1. Hypertension",
      "MEDICATIONS:",
      "Lisinopril 10 mg PO daily",
    ],
    tables: [
      {
        y: 0.6,
        rows: [
          ["Medication", "Dose"],
          ["Metformin", "500 mg"],
        ],
      },
    ],
    queries: [{ text: "What is the patient's MRN?", alias: "MRN", answer: "00987", confidence: 88 }],
  };
}

function chartDoc(): TextractDocument {
  const doc = buildDoc(chartPage());
  // build-blocks gives QUERY_RESULTs no geometry; give this one a box so query boxes are turned too.
  const box = { Left: 0.4, Top: 0.7, Width: 0.05, Height: 0.012 };
  doc.Blocks = doc.Blocks.map((b) =>
    b.BlockType === "QUERY_RESULT"
      ? {
          ...b,
          Geometry: {
            BoundingBox: box,
            Polygon: corners({ left: box.Left, top: box.Top, width: box.Width, height: box.Height }),
          },
        }
      : b,
  );
  return doc;
}

const TURNS = [90, 180, 270] as const;

describe("geometry: turning boxes upright and back", () => {
  const box = { left: 0.1, top: 0.2, width: 0.3, height: 0.05 };

  it("orientationOfDirection snaps a word's top edge (Polygon[0]→[1]) to the turn that makes it upright", () => {
    expect(orientationOfDirection(0.1, 0.001)).toBe(0); // reads left to right
    expect(orientationOfDirection(-0.1, 0.002)).toBe(180); // reads right to left: upside down
    expect(orientationOfDirection(0.001, -0.1)).toBe(90); // reads bottom to top: turn a quarter clockwise
    expect(orientationOfDirection(-0.002, 0.1)).toBe(270); // reads top to bottom: turn a quarter counter-clockwise
    expect(orientationOfDirection(0, 0)).toBeUndefined();
    expect(orientationOfDirection(Number.NaN, 0.1)).toBeUndefined();
  });

  it("0: boxes are left as they are", () => {
    expect(toUprightBox(box, 0)).toEqual(box);
    expect(toImageBox(box, 0)).toEqual(box);
  });

  it("180: left' = 1 − left − width, top' = 1 − top − height", () => {
    expectBoxClose(toUprightBox(box, 180), { left: 0.6, top: 0.75, width: 0.3, height: 0.05 }, 9);
    expectBoxClose(toUprightBox(boxOnScan(box, 180), 180), box, 9);
  });

  it("90 (text reads bottom to top on the scan): the scan's left edge is the upright top", () => {
    const scan = boxOnScan(box, 90);
    // A wide upright box is tall on a sideways scan, near the scan's left edge for a box near the upright top.
    expectBoxClose(scan, { left: 0.2, top: 0.6, width: 0.05, height: 0.3 }, 9);
    expectBoxClose(toUprightBox(scan, 90), box, 9);
    expectBoxClose(toImageBox(box, 90), scan, 9);
  });

  it("270 (text reads top to bottom on the scan): the scan's right edge is the upright top", () => {
    const scan = boxOnScan(box, 270);
    expectBoxClose(scan, { left: 0.75, top: 0.1, width: 0.05, height: 0.3 }, 9);
    expectBoxClose(toUprightBox(scan, 270), box, 9);
    expectBoxClose(toImageBox(box, 270), scan, 9);
  });

  it("toImageBox undoes toUprightBox for every turn", () => {
    for (const o of [0, ...TURNS] as const) expectBoxClose(toImageBox(toUprightBox(box, o), o), box, 9);
  });

  it("the turned test page's words read in the direction the orientation names", () => {
    const word = (o: PageOrientation) =>
      turnDoc(buildDoc(page("Patient: Jane Doe")), o).Blocks.find((b) => b.BlockType === "WORD");
    const direction = (o: PageOrientation) => {
      const [a, b] = word(o)?.Geometry?.Polygon ?? [];
      return a && b ? orientationOfDirection(b.X - a.X, b.Y - a.Y) : undefined;
    };
    for (const o of [0, ...TURNS] as const) expect(direction(o)).toBe(o);
    const [a, b] = word(90)?.Geometry?.Polygon ?? [];
    expect((b?.Y ?? 0) - (a?.Y ?? 0)).toBeLessThan(0); // 90: reads upwards on the scan
  });
});

describe.each(TURNS)("a page scanned turned (needs %i° clockwise)", (orientation) => {
  const upright = chartDoc();
  const turned = turnDoc(upright, orientation);
  const uprightModel = buildModel(upright);
  const model = buildModel(turned);

  it("records the orientation on the page", () => {
    expect(uprightModel.pages[0]?.orientation).toBe(0);
    expect(model.pages.map((p) => p.orientation)).toEqual([orientation]);
  });

  it("builds the upright page's model: lines in the same order, every box upright", () => {
    // Lines, tokens (glued "DOB:07/02/1975" / "MRN#00987" split in upright order), key/values, tables, queries.
    expect(model.pages[0]?.queries[0]?.box).toBeDefined();
    expect(rounded(withoutOrientation(model))).toEqual(rounded(withoutOrientation(uprightModel)));
    const line = model.lines.find((l) => l.text.startsWith("Patient:"));
    const lefts = line?.tokens.map((t) => t.box.left) ?? [];
    expect(lefts).toEqual([...lefts].sort((a, b) => a - b));
    expect(line?.tokens.map((t) => t.text)).toEqual(["Patient:", "Jane", "Doe", "DOB:", "07/02/1975"]);
  });

  it("the parser-only reference builder gives the same model", () => {
    expect(buildDocModelWithParser(turned)).toEqual(model);
  });

  it("extracts the same values as the upright page", () => {
    const a = extractDocument(upright, opts);
    const b = extractDocument(turned, opts);
    const values = (r: ExtractionResult) =>
      Object.fromEntries(Object.entries(r.fields).map(([k, f]) => [k, f.value]));
    expect(Object.keys(a.fields).sort()).toEqual(
      ["dateOfBirth", "dateOfService", "mrn", "patientName", "provider", "sex"].sort(),
    );
    expect(values(b)).toEqual(values(a));
    expect({ ...b, fields: {} }).toEqual({ ...a, fields: {} });
  });

  it("reports field boxes on the stored (turned) scan", () => {
    const a = extractDocument(upright, opts);
    const b = extractDocument(turned, opts);
    for (const [name, field] of Object.entries(a.fields)) {
      const got = b.fields[name as keyof typeof b.fields];
      expect(got?.page, name).toBe(field.page);
      expectBoxClose(got?.bbox, boxOnScan(field.bbox, orientation));
    }
  });
});

describe("orientation per page", () => {
  const upright = buildDoc([
    page("Patient: John Smith      DOB: 03/14/1962", "MRN: 00123"),
    { ...chartPage(), queries: [] },
  ]);
  const mixed = turnDoc(upright, 180, [2]);

  it("turns only the pages that need it", () => {
    const model = buildModel(mixed);
    expect(model.pages.map((p) => p.orientation)).toEqual([0, 180]);
    expect(rounded(withoutOrientation(model))).toEqual(rounded(withoutOrientation(buildModel(upright))));
    expect(buildDocModelWithParser(mixed)).toEqual(model);
  });

  it("maps a field's box back with its own page's orientation", () => {
    const a = extractDocument(upright, opts);
    const b = extractDocument(mixed, opts);
    expect(b.fields.mrn).toEqual(a.fields.mrn); // page 1, upright
    expect(b.fields.sex?.page).toBe(2);
    expectBoxClose(b.fields.sex?.bbox, boxOnScan(a.fields.sex?.bbox as BoundingBox, 180));
  });

  it("subModel keeps each page's orientation (and extractPart its box mapping)", () => {
    const model = buildModel(mixed);
    const second = subModel(model, [2, 2]);
    expect(second.pages.map((p) => [p.number, p.orientation])).toEqual([[1, 180]]);
    const alone = buildModel(turnDoc(buildDoc({ ...chartPage(), queries: [] }), 180));
    expect(rounded(extractPart(second, undefined, opts))).toEqual(
      rounded(extractPart(alone, undefined, opts)),
    );
  });

  it("a page without polygons is upright; a few sideways words do not turn a page", () => {
    const noPolygon = buildDoc(chartPage(), { omitPolygon: true });
    expect(buildModel(noPolygon).pages[0]?.orientation).toBe(0);

    // A vertical stamp along the margin (one word reading upwards) on an upright page.
    const doc = chartDoc();
    const stamp = doc.Blocks.find((b) => b.BlockType === "WORD" && b.Text === "NOTE");
    const p = stamp?.Geometry?.Polygon;
    if (stamp?.Geometry && p) stamp.Geometry.Polygon = p.map((q) => onScan(q, 90));
    const model = buildModel(doc);
    expect(model.pages[0]?.orientation).toBe(0);
    expect(buildDocModelWithParser(doc)).toEqual(model);
  });
});

describe("real upside-down scan (test/fixtures/textract/180-degree-roation.json)", () => {
  const read = (rel: string) => readFileSync(new URL(`../../fixtures/${rel}`, import.meta.url), "utf8");
  const doc = parseTextractJson(read("textract/180-degree-roation.json"));
  const labels = JSON.parse(read("labels/180-degree-roation.json")) as {
    fields: Record<string, string>;
  };
  const model = buildModel(doc);
  const r = extractDocument(doc, opts);

  it("is detected as upside down", () => {
    expect(model.pages.map((p) => p.orientation)).toEqual([180]);
  });

  it("lines and tokens come out upright", () => {
    const lines = model.lines.filter((l) => l.tokens.length > 1);
    const leftToRight = lines.filter((l) =>
      l.tokens.every((t, i) => i === 0 || t.box.left >= (l.tokens[i - 1]?.box.left ?? 0)),
    );
    expect(leftToRight.length / lines.length).toBeGreaterThan(0.95);
    // Textract's reading order starts at the (upright) top of the page.
    const tops = model.lines.map((l) => l.box.top);
    expect(tops[0]).toBeLessThan(0.1);
    expect(tops.slice(0, 10).reduce((s, t) => s + t, 0)).toBeLessThan(
      tops.slice(-10).reduce((s, t) => s + t, 0),
    );
  });

  it("finds the labeled patient, whose box lies in the lower part of the (upside-down) image", () => {
    const name = r.fields.patientName;
    expect(name?.value).toBe(labels.fields.patientName);
    expect(r.fields.dateOfBirth?.value).toBe(labels.fields.dateOfBirth);
    const box = name?.bbox as BoundingBox;
    expect(box.top + box.height / 2).toBeGreaterThan(0.5);
    // The box is where the name's words are on the stored scan: it holds a WORD block of each of them.
    const inBox = (w: { Left: number; Top: number; Width: number; Height: number } | undefined) =>
      !!w &&
      w.Left >= box.left - 0.001 &&
      w.Top >= box.top - 0.001 &&
      w.Left + w.Width <= box.left + box.width + 0.001 &&
      w.Top + w.Height <= box.top + box.height + 0.001;
    for (const word of name?.value.split(/\s+/) ?? []) {
      const blocks = doc.Blocks.filter((b) => b.BlockType === "WORD" && b.Text === word);
      expect(blocks.some((b) => inBox(b.Geometry?.BoundingBox))).toBe(true);
    }
  });
});
