import { readFileSync } from "node:fs";
import * as mupdf from "mupdf";
import { beforeAll, describe, expect, it } from "vitest";
import { bytesSource } from "../../../shared/intake/byte-source";
import { inspectDocument } from "../../../shared/intake/inspect-document";
import { validateUpload } from "../../../shared/intake/validate-upload";
import { badFiles, smallPdf, truncated } from "../../../samples/generator/bad-files";
import { buildChartSpec } from "../../../samples/generator/chart-spec";
import { pageCountOf, toJpeg, toPdf, toPng, toTiff } from "../../../samples/generator/render-chart";
import { encodeTiff } from "../../../samples/generator/tiff";

const DPI = 72; // small pages keep the tests fast

describe("validateUpload on generated charts", () => {
  const discharge = buildChartSpec({ seed: 7, documentType: "discharge_summary" });
  const progress = buildChartSpec({ seed: 2, documentType: "progress_note", pages: 3 });
  const lab = buildChartSpec({ seed: 67, documentType: "lab_report" });
  let pdf: Uint8Array, tiff: Uint8Array, png: Uint8Array, jpeg: Uint8Array;

  beforeAll(() => {
    pdf = toPdf(discharge, { dpi: DPI });
    tiff = toTiff(progress, { dpi: DPI });
    png = toPng(lab, { dpi: DPI });
    jpeg = toJpeg(lab, { dpi: DPI });
  });

  it("accepts a multi-page image-only PDF with its page count", () => {
    expect(pageCountOf(discharge)).toBeGreaterThanOrEqual(2);
    expect(validateUpload(pdf)).toEqual({ ok: true, fileType: "pdf", pageCount: pageCountOf(discharge) });
  });

  it("accepts a multi-page TIFF with its page count and pixel size", () => {
    expect(validateUpload(tiff)).toEqual({
      ok: true,
      fileType: "tiff",
      pageCount: 3,
      maxPixelSide: 11 * DPI,
    });
  });

  it("accepts PNG and JPEG pages", () => {
    expect(validateUpload(png)).toEqual({ ok: true, fileType: "png", pageCount: 1, maxPixelSide: 11 * DPI });
    expect(validateUpload(jpeg)).toEqual({
      ok: true,
      fileType: "jpeg",
      pageCount: 1,
      maxPixelSide: 11 * DPI,
    });
  });

  it("accepts a PDF with junk before the header", () => {
    const shifted = Uint8Array.from([...new TextEncoder().encode("X-Scanner: 1\r\n"), ...pdf]);
    expect(validateUpload(shifted)).toMatchObject({ ok: true, fileType: "pdf" });
  });

  it.each(["png", "jpeg", "tiff"] as const)("rejects a truncated %s as UNREADABLE", (type) => {
    const bytes = { png, jpeg, tiff }[type];
    for (const cut of [0.5, 0.9, 0.99]) {
      const result = validateUpload(bytes.slice(0, Math.floor(bytes.length * cut)));
      expect(result, `${type} cut at ${cut}`).toMatchObject({
        ok: false,
        reasonCode: "UNREADABLE",
        fileType: type,
      });
    }
  });

  it("rejects a PDF mupdf had to repair (damaged xref, %%EOF intact)", () => {
    const text = Buffer.from(pdf).toString("latin1");
    const damaged = Buffer.from(text.replace(/startxref\s+\d+/, "startxref\n17"), "latin1");
    expect(validateUpload(damaged)).toMatchObject({ ok: false, reasonCode: "UNREADABLE" });
  });
});

describe("validateUpload on bad files", () => {
  const bad = badFiles();
  it.each(bad.map((f) => [f.name, f] as const))("%s", (_name, file) => {
    const result = validateUpload(file.bytes);
    expect(result).toMatchObject({ ok: false, reasonCode: file.expected });
  });

  it("never puts file content in the detail", () => {
    for (const file of bad) {
      const result = validateUpload(file.bytes);
      expect(result.ok).toBe(false);
      expect(result.ok ? "" : (result.detail ?? "")).not.toMatch(/Scanned batch|not a PDF/);
    }
  });

  it("rejects an image wider than 10,000 pixels", () => {
    const pix = new mupdf.Pixmap(mupdf.ColorSpace.DeviceGray, [0, 0, 10_001, 2], false);
    pix.clear(255);
    const png = new Uint8Array(pix.asPNG());
    expect(validateUpload(png)).toMatchObject({
      ok: false,
      reasonCode: "IMAGE_TOO_LARGE",
      detail: "maxPixelSide=10001",
    });
  });

  it("rejects a TIFF with more than 3,000 pages", () => {
    const page = { width: 1, height: 1, dpi: 72, pixels: new Uint8Array([255]) };
    const tiff = encodeTiff(Array.from({ length: 3001 }, () => page));
    expect(validateUpload(tiff)).toMatchObject({
      ok: false,
      reasonCode: "TOO_MANY_PAGES",
      detail: "pages=3001",
    });
  });

  it("inspectDocument reports UNREADABLE for garbage with a valid magic number", () => {
    expect(
      inspectDocument(bytesSource(Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 0xff, 0xd9])), "jpeg"),
    ).toMatchObject({
      ok: false,
      reasonCode: "UNREADABLE",
    });
    expect(inspectDocument(bytesSource(truncated(smallPdf(3))), "pdf")).toMatchObject({
      ok: false,
      reasonCode: "UNREADABLE",
    });
  });
});

describe("bundled samples/charts", () => {
  const truth = JSON.parse(
    readFileSync(new URL("../../../samples/charts/ground-truth.json", import.meta.url), "utf8"),
  ) as {
    file: string;
    pageCount: number;
  }[];
  it.each(truth.map((t) => [t.file, t] as const))("%s validates with its page count", (_file, t) => {
    const bytes = new Uint8Array(readFileSync(new URL(`../../../samples/charts/${t.file}`, import.meta.url)));
    expect(bytes.length).toBeLessThan(1.5 * 1024 * 1024);
    expect(validateUpload(bytes)).toMatchObject({ ok: true, pageCount: t.pageCount });
  });
});
