import * as mupdf from "mupdf";
import { describe, expect, it } from "vitest";
import { isDocumentType } from "../../../shared/domain/document-types";
import { FIELD_NAMES } from "../../../shared/domain/fields";
import { buildChartSpec, mulberry32 } from "../../../samples/generator/chart-spec";
import { buildCorpus, type CorpusItem } from "../../../samples/generator/corpus";
import {
  applyDegradation,
  binarize,
  bleedThrough,
  blur,
  degradeProfile,
  downsample,
  faxLines,
  jpegRoundTrip,
  keystone,
  photoProfile,
  rotate,
  speckle,
  unevenLight,
  type GrayImage,
} from "../../../samples/generator/degrade";
import { CORPUS_DOCUMENT_TYPES, LAYOUTS, formatDate, formatName } from "../../../samples/generator/layouts";
import { renderLayoutDocument, renderSeparatorPage } from "../../../samples/generator/render-layout";
import { declaredDpi, PAPER_INCHES } from "../../../samples/generator/scan-variation";

const MIME = { pdf: "application/pdf", tiff: "image/tiff", png: "image/png", jpeg: "image/jpeg" } as const;

function pageCount(item: CorpusItem): number {
  const doc = mupdf.Document.openDocument(item.file, MIME[item.format]);
  try {
    return doc.countPages();
  } finally {
    doc.destroy();
  }
}

/** A 200×300 test card: white, a black bar and a grey square. */
function card(): GrayImage {
  const width = 200;
  const height = 300;
  const pixels = new Uint8Array(width * height).fill(255);
  for (let y = 100; y < 110; y++) for (let x = 20; x < 180; x++) pixels[y * width + x] = 0;
  for (let y = 200; y < 240; y++) for (let x = 60; x < 100; x++) pixels[y * width + x] = 128;
  return { width, height, dpi: 300, pixels };
}

const differs = (a: GrayImage, b: GrayImage) => a.pixels.some((v, i) => v !== b.pixels[i]);
const ISO = /^\d{4}-\d{2}-\d{2}$/;

describe("layouts", () => {
  it("registers at least 12 distinct named layouts", () => {
    expect(LAYOUTS.length).toBeGreaterThanOrEqual(12);
    expect(new Set(LAYOUTS.map((l) => l.name)).size).toBe(LAYOUTS.length);
  });

  it("formats dates and names the ways charts print them", () => {
    expect(formatDate("1962-03-14", "MM/DD/YYYY")).toBe("03/14/1962");
    expect(formatDate("1962-03-14", "M-D-YY")).toBe("3-14-62");
    expect(formatDate("1962-03-14", "DD-Mon-YYYY")).toBe("14-Mar-1962");
    expect(formatDate("1962-03-14", "Month D, YYYY")).toBe("March 14, 1962");
    expect(formatName("Jane", "Doe", "LAST, FIRST")).toEqual({ printed: "DOE, JANE", truth: "JANE DOE" });
    expect(formatName("Jane", "Doe", "Last, First")).toEqual({ printed: "Doe, Jane", truth: "Jane Doe" });
  });

  it.each(LAYOUTS.map((l) => [l.name, l] as const))(
    "renders %s with ink and a consistent truth",
    (_name, layout) => {
      const type = layout.documentTypes?.[0] ?? "progress_note";
      const spec = buildChartSpec({ seed: 11, documentType: type });
      const doc = renderLayoutDocument({ spec, layout }, { dpi: 40, maxPages: 2 });
      expect(doc.pages.length).toBeGreaterThanOrEqual(1);
      expect(doc.pages.length).toBeLessThanOrEqual(2);
      for (const page of doc.pages) {
        expect(page).toMatchObject({ width: Math.round(8.5 * 40), height: 11 * 40, dpi: 40 });
        expect(page.pixels.filter((v) => v < 200).length).toBeGreaterThan(300);
      }
      const f = doc.fields;
      expect(f.patientName?.toLowerCase()).toBe(spec.patient.name.toLowerCase());
      expect(f.dateOfBirth).toBe(spec.patient.dob);
      // The truth holds exactly what the layout prints.
      expect(f.sex).toBe(layout.sexStyle === "none" ? undefined : spec.patient.sex);
      expect(f.mrn).toBe(layout.labels.mrn ? spec.patient.mrn : undefined);
      const printsFacility = layout.letterhead !== "none" || layout.footer === "facility";
      expect(f.facility).toBe(printsFacility ? spec.facility.name : undefined);
      expect(f.dateOfService ?? f.dischargeDate).toBeDefined();
      expect(Object.keys(doc.printed).sort()).toEqual(Object.keys(f).sort());
    },
  );

  it("leaves the provider out of an intake form's truth and keeps distractors out", () => {
    const layout = LAYOUTS.find((l) => l.distractor === "Account #:");
    expect(layout).toBeDefined();
    const spec = buildChartSpec({ seed: 4, documentType: "patient_intake_form" });
    const doc = renderLayoutDocument({ spec, layout: layout! }, { dpi: 30, maxPages: 1 });
    expect(doc.fields.provider).toBeUndefined();
    expect(doc.fields.mrn).toBe(spec.patient.mrn);
  });

  it("renders blank and separator sheets", () => {
    const blank = renderSeparatorPage("blank", 50, 1);
    const sep = renderSeparatorPage("separator", 50, 1);
    expect(blank.pixels.every((v) => v === 255)).toBe(true);
    expect(sep.pixels.some((v) => v < 100)).toBe(true);
  });
});

describe("degradations", () => {
  const img = card();

  it("rotates within bounds: same canvas by default, bounding box when expanded", () => {
    const r = rotate(img, 3);
    expect([r.width, r.height]).toEqual([img.width, img.height]);
    expect(differs(r, img)).toBe(true);
    const e = rotate(img, -3, { expand: true });
    const rad = (3 * Math.PI) / 180;
    expect(e.width).toBe(Math.ceil(img.width * Math.cos(rad) + img.height * Math.sin(rad) - 1e-9));
    expect(e.height).toBe(Math.ceil(img.width * Math.sin(rad) + img.height * Math.cos(rad) - 1e-9));
    expect(rotate(img, 0).pixels).toEqual(img.pixels);
    // Ink is preserved roughly (bilinear smears edges, it does not create or destroy the bar).
    const ink = (g: GrayImage) => g.pixels.reduce((a, v) => a + (255 - v), 0);
    expect(Math.abs(ink(r) - ink(img)) / ink(img)).toBeLessThan(0.05);
  });

  it("blurs, downsamples, binarizes and fax-stretches", () => {
    const b = blur(img, 1.2);
    expect(differs(b, img)).toBe(true);
    expect([b.width, b.height]).toEqual([img.width, img.height]);
    const d = downsample(img, 200);
    expect(d).toMatchObject({ width: Math.round((200 * 200) / 300), height: 200, dpi: 200 });
    expect(downsample(img, 600).width).toBe(img.width);
    const bin = binarize(b, { jitter: 20, rng: mulberry32(1) });
    expect(bin.pixels.every((v) => v === 0 || v === 255)).toBe(true);
    const fx = faxLines(b);
    for (let y = 0; y + 1 < fx.height; y += 2)
      expect(fx.pixels.subarray(y * fx.width, (y + 1) * fx.width)).toEqual(
        fx.pixels.subarray((y + 1) * fx.width, (y + 2) * fx.width),
      );
  });

  it("adds speckles, JPEG artifacts and a faint mirrored bleed-through", () => {
    expect(differs(speckle(img, mulberry32(2), { density: 200 }), img)).toBe(true);
    const j = jpegRoundTrip(img, 30);
    expect([j.width, j.height]).toEqual([img.width, img.height]);
    expect(differs(j, img)).toBe(true);
    const white: GrayImage = { ...img, pixels: new Uint8Array(img.pixels.length).fill(255) };
    const bled = bleedThrough(white, img, 0.08);
    const darkest = Math.min(...bled.pixels);
    expect(darkest).toBeLessThan(255);
    expect(darkest).toBeGreaterThanOrEqual(Math.floor(255 * 0.92) - 1);
    // Mirrored: the grey square at x 60–100 shows through at x 100–140.
    expect(bled.pixels[220 * img.width + 120]).toBeLessThan(255);
    expect(bled.pixels[220 * img.width + 70]).toBe(255);
  });

  it("photographs a page: darker away from the light, narrower at the top, on a grey desk", () => {
    const white: GrayImage = { ...img, pixels: new Uint8Array(img.pixels.length).fill(255) };
    const lit = unevenLight(white, { cx: 0, cy: 0, falloff: 0.4, ramp: 0 });
    expect(lit.pixels[0]).toBe(255);
    // The far corner gets 40 % less light.
    expect(Math.abs(lit.pixels[lit.pixels.length - 1]! - 255 * 0.6)).toBeLessThanOrEqual(2);
    const slanted = keystone(white, 0.1, 110);
    // The top row's page is 10 % narrower, the desk showing at both ends; the bottom row is all page.
    const top = slanted.pixels.subarray(0, img.width);
    const desk = top.filter((v) => v === 110).length;
    expect(desk / img.width).toBeGreaterThan(0.08);
    expect(desk / img.width).toBeLessThan(0.12);
    expect(top[0]).toBe(110);
    expect(top[img.width - 1]).toBe(110);
    expect(slanted.pixels.subarray((img.height - 1) * img.width).every((v) => v === 255)).toBe(true);
  });

  it("draws phone photos and carbon copies for the photo corpus, apart from the scan profiles", () => {
    const kinds = new Set<string>();
    for (let s = 1; s <= 100; s++) {
      const p = photoProfile(mulberry32(s));
      kinds.add(p.kind);
      if (p.kind === "phone-photo") expect(p.light && p.keystone).toBeTruthy();
      else expect(p.paper - p.ink).toBeLessThan(125);
    }
    expect([...kinds].sort()).toEqual(["carbon-copy", "phone-photo"]);
  });

  it("draws realistic profiles (|skew| ≤ 3°) and applies them deterministically", () => {
    const kinds = new Set<string>();
    for (let s = 1; s <= 200; s++) {
      const p = degradeProfile(mulberry32(s));
      kinds.add(p.kind);
      expect(Math.abs(p.rotation)).toBeLessThanOrEqual(3);
      if (p.jpegQuality !== undefined) expect(p.jpegQuality).toBeGreaterThanOrEqual(20);
      if (p.bleed !== undefined) expect(p.bleed).toBeLessThanOrEqual(0.1);
    }
    expect(kinds.size).toBe(4);
    const profile = degradeProfile(mulberry32(9));
    const a = applyDegradation(img, profile, mulberry32(3), img);
    const b = applyDegradation(img, profile, mulberry32(3), img);
    expect(a.pixels).toEqual(b.pixels);
    expect(differs(a, img) || a.width !== img.width).toBe(true);
  });
});

describe("buildCorpus", () => {
  it("gives the same bytes and truth for the same seed", () => {
    const opts = { seed: 5, count: 3, degraded: true, stacks: 1, dpi: 72 };
    const a = buildCorpus(opts);
    const b = buildCorpus(opts);
    expect(a.map((i) => i.id)).toEqual(b.map((i) => i.id));
    a.forEach((item, k) => {
      expect(Buffer.from(item.file).equals(Buffer.from(b[k]!.file))).toBe(true);
      expect(item.documents).toEqual(b[k]!.documents);
    });
    const c = buildCorpus({ ...opts, seed: 6 });
    expect(c.some((item, k) => !Buffer.from(item.file).equals(Buffer.from(a[k]!.file)))).toBe(true);
  });

  it("covers 12+ layouts and 8+ document types over 24 items, with sound stacks and truth", () => {
    const items = buildCorpus({ seed: 1, count: 24, degraded: false, stacks: 5, dpi: 60 });
    expect(items).toHaveLength(24);
    expect(new Set(items.map((i) => i.layout)).size).toBeGreaterThanOrEqual(12);
    const types = new Set(items.flatMap((i) => i.documents.map((d) => d.documentType)));
    expect(types.size).toBeGreaterThanOrEqual(8);
    for (const t of CORPUS_DOCUMENT_TYPES) expect(types.has(t)).toBe(true);
    expect(new Set(items.map((i) => i.format))).toEqual(new Set(["pdf", "tiff", "png", "jpeg"]));

    const stacks = items.filter((i) => i.documents.length > 1);
    expect(stacks).toHaveLength(5);
    expect(stacks.some((s) => new Set(s.documents.map((d) => d.fields.mrn)).size > 1)).toBe(true);
    for (const item of items) {
      const pages = pageCount(item);
      expect(pages).toBeGreaterThanOrEqual(1);
      expect(pages).toBeLessThanOrEqual(3);
      if (item.format === "png" || item.format === "jpeg") expect(pages).toBe(1);
      // Contiguous, non-overlapping ranges covering every page of the file.
      let next = 1;
      for (const d of item.documents) {
        expect(d.pages[0]).toBe(next);
        expect(d.pages[1]).toBeGreaterThanOrEqual(d.pages[0]);
        next = d.pages[1] + 1;
      }
      expect(next - 1).toBe(pages);
      for (const p of item.separatorPages ?? []) expect(p).toBeLessThanOrEqual(pages);
      expect(item.documents.length).toBeLessThanOrEqual(3);
      for (const d of item.documents) {
        expect(isDocumentType(d.documentType)).toBe(true);
        for (const key of Object.keys(d.fields)) expect(FIELD_NAMES as readonly string[]).toContain(key);
        const f = d.fields;
        expect(f.patientName).toBeTruthy();
        for (const date of [f.dateOfBirth, f.dateOfService, f.admissionDate, f.dischargeDate])
          if (date) expect(date).toMatch(ISO);
        if (f.sex) expect(["female", "male"]).toContain(f.sex);
        if (d.documentType === "discharge_summary") expect(f.admissionDate! < f.dischargeDate!).toBe(true);
      }
    }
  });

  it("varies paper, print position, type and declared resolution in a wide corpus, truth unchanged", () => {
    const opts = { seed: 3, count: 26, degraded: false, stacks: 0, dpi: 100 };
    const fixed = buildCorpus(opts);
    const wide = buildCorpus({ ...opts, variation: "wide" });
    expect(wide.map((i) => i.documents)).toEqual(fixed.map((i) => i.documents));
    expect(fixed.every((i) => i.variation === undefined)).toBe(true);
    const seen = { paper: new Set<string>(), declared: new Set<string>(), font: new Set<string>() };
    for (const item of wide) {
      const v = item.variation!;
      seen.paper.add(v.paper);
      seen.declared.add(v.declared);
      seen.font.add(v.font);
      // The file holds the sheet at the scan's resolution; it declares what the variation says.
      const doc = mupdf.Document.openDocument(item.file, MIME[item.format]);
      try {
        const page = doc.loadPage(0);
        const [, , w, h] = page.getBounds();
        const sheet = PAPER_INCHES[v.paper];
        const declared = declaredDpi(v, 100);
        // mupdf takes an image without a declared resolution as 96 dpi; a PDF without one as 72 (a point a pixel).
        const readAs = declared ?? (item.format === "pdf" ? 72 : 96);
        expect(w).toBeCloseTo((Math.round(sheet.width * 100) * 72) / readAs, 0);
        expect(h).toBeCloseTo((Math.round(sheet.height * 100) * 72) / readAs, 0);
        page.destroy();
      } finally {
        doc.destroy();
      }
    }
    expect(seen.paper).toEqual(new Set(["letter", "a4", "legal"]));
    expect(seen.declared).toEqual(new Set(["correct", "missing", "72", "96", "wrong"]));
    expect(seen.font.size).toBe(3);
  });
});
