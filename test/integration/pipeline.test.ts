import * as mupdf from "mupdf";
import { beforeAll, describe, expect, it } from "vitest";
import { buildChartSpec, type ChartSpec } from "../../samples/generator/chart-spec";
import { toPdf, toPng, toTiff } from "../../samples/generator/render-chart";
import { emptyFile, encryptedPdf, textFileAsPdf, truncatedPdf } from "../../samples/generator/bad-files";
import type { ChartRecord } from "../../shared/domain/chart-record";
import { stackClient } from "./stack-client";

/**
 * The whole chain on the real local stack: local S3 upload → ingest → local OCR → ocr-complete → DynamoDB Local
 * → stream → index-records → search API. Charts are generated, scanned-looking, with known ground truth.
 */
describe("pipeline, end to end", () => {
  const stack = stackClient();
  const stackApi = stack;
  let spec: ChartSpec;
  let pdf: Uint8Array;
  let original: ChartRecord;

  beforeAll(async () => {
    spec = buildChartSpec({ seed: 4242, documentType: "discharge_summary", pages: 2 });
    pdf = toPdf(spec);
    const id = await stack.upload("vendor-a/batch-1/discharge.pdf", pdf);
    original = await stack.settled(id);
  });

  it("extracts the identity fields from a scanned multi-page PDF and indexes the record", () => {
    // Local OCR confidence on names varies; a low one sends the record to review, which is still indexed.
    expect(["INDEXED", "NEEDS_REVIEW"]).toContain(original.status);
    expect(original.pageCount).toBe(2);
    expect(original.documentType).toBe("discharge_summary");
    expect(original.fields.patientName?.value).toBe(spec.patient.name);
    expect(original.fields.dateOfBirth?.value).toBe(spec.patient.dob);
    expect(original.fields.mrn?.value).toBe(spec.patient.mrn);
    const mrn = original.fields.mrn!;
    expect([1, 2]).toContain(mrn.page);
    expect(mrn.bbox.left).toBeGreaterThanOrEqual(0);
    expect(mrn.bbox.left + mrn.bbox.width).toBeLessThanOrEqual(1);
    expect(mrn.confidence).toBeGreaterThan(0.5);
    expect(original.source).toMatchObject({ vendor: "vendor-a", batch: "batch-1" });
    expect(original.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(original.history.map((h) => h.to).slice(0, 2)).toEqual(["RECEIVED", "OCR_PENDING"]);
    if (original.status === "INDEXED")
      expect(original.history.map((h) => h.to).slice(2)).toEqual(["EXTRACTED", "INDEXED"]);
  });

  it("finds the record by patient name, even misspelled, by MRN and by a word of its text", async () => {
    const lastName = spec.patient.lastName;
    const byName = await stack.searchUntil({ q: lastName }, original.id);
    expect(byName.hits.map((h) => h.id)).toContain(original.id);
    const hit = byName.hits.find((h) => h.id === original.id)!;
    expect(hit.fields).toMatchObject({
      patientName: spec.patient.name,
      mrn: spec.patient.mrn,
      dateOfBirth: spec.patient.dob,
    });

    const typo =
      lastName.length > 4 ? lastName.slice(0, 2) + lastName[3] + lastName[2] + lastName.slice(4) : lastName;
    expect((await stack.search({ q: typo })).hits.map((h) => h.id)).toContain(original.id);

    expect((await stack.search({ mrn: spec.patient.mrn })).hits.map((h) => h.id)).toEqual([original.id]);
    // The same MRN written another way ("MRN-004512" / "004512") is the same key.
    const mrn = spec.patient.mrn;
    const otherSpelling = mrn.startsWith("MRN-") ? mrn.slice(4) : `mrn ${mrn}`;
    expect((await stack.search({ mrn: otherSpelling })).hits.map((h) => h.id)).toEqual([original.id]);
    const word = spec.diagnoses[0]!.text.split(/\s+/).find((w) => w.length > 5) ?? spec.diagnoses[0]!.text;
    const byWord = await stack.search({ q: word });
    expect(byWord.hits.map((h) => h.id)).toContain(original.id);
    // Highlights say which page of the two the word was read on; facets count the matches.
    const wordHit = byWord.hits.find((h) => h.id === original.id)!;
    expect(wordHit.highlights.length).toBeGreaterThan(0);
    for (const h of wordHit.highlights) {
      expect(h.text).toMatch(/<em>/);
      expect([1, 2]).toContain(h.page);
    }
    expect(byWord.facets.documentType).toContainEqual({
      value: "discharge_summary",
      count: expect.any(Number),
    });
    expect(byWord.facets.yearOfService.reduce((n, b) => n + b.count, 0)).toBeLessThanOrEqual(byWord.total);
  });

  it("keeps the original record when the same key is uploaded again: a new S3 version, a new record", async () => {
    const againId = await stack.upload("vendor-a/batch-1/discharge.pdf", pdf);
    expect(againId).not.toBe(original.id);
    const again = await stack.settled(againId);
    expect(again.status).toBe("DUPLICATE");
    expect(again.duplicateOf).toBe(original.id);
    const unchanged = (await stack.record(original.id))!;
    expect(unchanged.version).toBe(original.version);
    expect(unchanged.source.versionId).toBe(original.source.versionId);
    expect(again.source.versionId).not.toBe(original.source.versionId);
  });

  it("marks the same bytes under another key DUPLICATE, linked to the original", async () => {
    const id = await stack.upload("vendor-b/batch-9/copy-of-discharge.pdf", pdf);
    const duplicate = await stack.settled(id);
    expect(duplicate.status).toBe("DUPLICATE");
    expect(duplicate.statusReason).toBe("DUPLICATE_CONTENT");
    expect(duplicate.duplicateOf).toBe(original.id);
  });

  it.each([
    ["empty.pdf", () => emptyFile(), "EMPTY_FILE"],
    ["notes.pdf", () => textFileAsPdf(), "UNSUPPORTED_TYPE"],
    ["truncated.pdf", () => truncatedPdf(), "UNREADABLE"],
    ["encrypted.pdf", () => encryptedPdf(), "ENCRYPTED_PDF"],
  ])("rejects %s with its reason code and keeps the object", async (name, bytes, reason) => {
    const id = await stack.upload(`vendor-a/bad/${name}`, bytes());
    const record = await stack.settled(id);
    expect(record.status).toBe("REJECTED");
    expect(record.statusReason).toBe(reason);
    const byStatus = await stack.searchUntil({ status: "REJECTED" }, id);
    expect(byStatus.hits.map((h) => h.id)).toContain(id);
  });

  it("keeps working after bad input: a TIFF and a PNG are processed and searchable", async () => {
    expect((await stack.get<{ status: string }>("/health")).body).toEqual({
      status: "ok",
      dependencies: { dynamodb: "up", s3: "up", ocr: "up" },
      deadLetters: 0,
    });
    const tiffSpec = buildChartSpec({ seed: 77, documentType: "progress_note" });
    const pngSpec = buildChartSpec({ seed: 78, documentType: "lab_report" });
    const [tiffId, pngId] = await Promise.all([
      stack.upload("vendor-c/b/progress.tiff", toTiff(tiffSpec)),
      stack.upload("vendor-c/b/lab.png", toPng(pngSpec)),
    ]);
    const [tiff, png] = await Promise.all([stack.settled(tiffId), stack.settled(pngId)]);
    expect(tiff.fields.mrn?.value).toBe(tiffSpec.patient.mrn);
    expect(tiff.documentType).toBe("progress_note");
    expect(png.fields.mrn?.value).toBe(pngSpec.patient.mrn);
    expect(png.documentType).toBe("lab_report");
    const found = await stack.searchUntil({ mrn: pngSpec.patient.mrn }, pngId);
    expect(found.hits.map((h) => h.id)).toEqual([pngId]);
  });

  it("files a scanned stack of two patients as two records, each searchable by its own MRN", async () => {
    const first = buildChartSpec({ seed: 31, documentType: "progress_note" });
    const second = buildChartSpec({ seed: 32, documentType: "discharge_summary" });
    const stack = new mupdf.PDFDocument();
    for (const spec of [first, second]) {
      const src = mupdf.Document.openDocument(toPdf(spec), "application/pdf") as mupdf.PDFDocument;
      for (let p = 0; p < src.countPages(); p++) stack.graftPage(-1, src, p);
      src.destroy();
    }
    const bytes = new Uint8Array(stack.saveToBuffer("compress").asUint8Array());
    stack.destroy();

    const id = await stackApi.upload("vendor-s/stack/two-patients.pdf", bytes);
    const upload = await stackApi.settled(id);
    expect(upload.split?.of).toBe(2);
    const [, secondId] = upload.split!.partIds!;
    const part2 = await stackApi.settled(secondId!);
    expect(upload.fields.mrn?.value).toBe(first.patient.mrn);
    expect(part2.fields.mrn?.value).toBe(second.patient.mrn);
    expect(part2.split).toMatchObject({ fileRecordId: id, part: 2 });
    expect(part2.split!.pages[0]).toBe(upload.split!.pages[1] + 1);
    const found = await stackApi.searchUntil({ mrn: second.patient.mrn }, secondId!);
    expect(found.hits.map((h) => h.id)).toEqual([secondId]);
  });

  it("answers bad search parameters with 400 and a reason", async () => {
    const res = await stack.get<{ message: string }>("/search?dob=03/14/1962");
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/dob/);
  });
});
