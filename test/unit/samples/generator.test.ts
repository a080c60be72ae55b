import { describe, expect, it } from "vitest";
import { DOCUMENT_TYPE_NAMES } from "../../../shared/domain/document-types";
import { ageOn, buildChartSpec, mulberry32, sampleData } from "../../../samples/generator/chart-spec";
import { scanChart, toPdf, toPng, toTiff } from "../../../samples/generator/render-chart";
import { lzwEncode } from "../../../samples/generator/tiff";

describe("mulberry32", () => {
  it("is deterministic per seed", () => {
    const a = mulberry32(123);
    const b = mulberry32(123);
    const c = mulberry32(124);
    const xs = [a(), a(), a()];
    expect([b(), b(), b()]).toEqual(xs);
    expect(c()).not.toBe(xs[0]);
    for (const x of xs) expect(x >= 0 && x < 1).toBe(true);
  });
});

describe("buildChartSpec", () => {
  it("gives the same spec for the same seed", () => {
    expect(buildChartSpec({ seed: 99 })).toEqual(buildChartSpec({ seed: 99 }));
    expect(buildChartSpec({ seed: 99 })).not.toEqual(buildChartSpec({ seed: 100 }));
  });

  it("never leaves an identity field empty, for every document type and many seeds", () => {
    for (const documentType of DOCUMENT_TYPE_NAMES) {
      for (let seed = 1; seed <= 25; seed++) {
        const spec = buildChartSpec({ seed, documentType });
        const p = spec.patient;
        for (const value of [
          p.name,
          p.firstName,
          p.lastName,
          p.dob,
          p.sex,
          p.mrn,
          spec.dateOfService,
          spec.provider,
          spec.facility.name,
        ])
          expect(value.trim()).not.toBe("");
        expect(p.name).toBe(`${p.firstName} ${p.lastName}`);
        expect(p.name).not.toMatch(/\d/); // Synthea's numeric suffixes are stripped
        expect(p.dob).toMatch(/^\d{4}-\d{2}-\d{2}$/);
        expect(spec.dateOfService).toMatch(/^\d{4}-\d{2}-\d{2}$/);
        expect(p.mrn).toMatch(/^(MRN-\d{6}|\d{8})$/);
        expect(spec.provider).toMatch(/^Dr\. .+, (MD|DO)$/);
        expect(ageOn(p.dob, spec.dateOfService)).toBeGreaterThanOrEqual(18);
        expect(spec.documentType).toBe(documentType);
        expect(spec.sections.length).toBeGreaterThan(0);
        for (const d of spec.diagnoses) expect(d.code).toMatch(/^[A-Z]\d{2}(\.[0-9A-Z]{1,4})?$/);
        if (documentType === "discharge_summary") {
          expect(spec.admissionDate! < spec.dischargeDate!).toBe(true);
          expect(spec.dischargeDate).toBe(spec.dateOfService);
        }
        if (documentType === "lab_report") expect(spec.labResults?.length).toBeGreaterThan(0);
        // No unfilled placeholders reach the page.
        expect(JSON.stringify(spec.sections)).not.toMatch(/\{\{/);
      }
    }
  });

  it("bundles about 20 synthetic patients with names stripped of digits", () => {
    const { patients, notes } = sampleData();
    expect(patients.length).toBeGreaterThanOrEqual(15);
    for (const p of patients) expect(`${p.firstName}${p.lastName}`).not.toMatch(/\d/);
    expect(notes.length).toBeGreaterThan(5);
  });
});

describe("rendering", () => {
  const spec = buildChartSpec({ seed: 5, documentType: "radiology_report" });

  it("produces the same bytes for the same spec", () => {
    expect(Buffer.from(toPng(spec, { dpi: 50 })).equals(Buffer.from(toPng(spec, { dpi: 50 })))).toBe(true);
    expect(Buffer.from(toPdf(spec, { dpi: 50 })).equals(Buffer.from(toPdf(spec, { dpi: 50 })))).toBe(true);
    expect(Buffer.from(toTiff(spec, { dpi: 50 })).equals(Buffer.from(toTiff(spec, { dpi: 50 })))).toBe(true);
  });

  it("honours a requested minimum page count and scans at the requested DPI", () => {
    const one = buildChartSpec({ seed: 5, documentType: "radiology_report" });
    expect(scanChart(one, { dpi: 50 })).toHaveLength(1);
    const pages = scanChart({ ...one, pages: 3 }, { dpi: 50 });
    expect(pages).toHaveLength(3);
    expect(pages[0]).toMatchObject({ width: Math.round(8.5 * 50), height: 11 * 50, dpi: 50 });
  });
});

describe("lzwEncode", () => {
  it("starts with a Clear code and compresses runs", () => {
    const out = lzwEncode(new Uint8Array(10_000).fill(250));
    expect(out[0]).toBe(0x80); // 256 as 9 bits, MSB first: 1000 0000 0
    expect(out.length).toBeLessThan(500);
  });
});
