/** Real Amazon Textract responses (see test/fixtures/textract/ATTRIBUTION.md). */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { extractDocument } from "../../support/extraction";
import { buildModel, needsReview, plainText as modelText } from "../../../shared/extraction";
import type { TextractDocument } from "../../../shared/ocr/textract-blocks";
import { REF_DATE } from "./build-blocks";

const load = (name: string): TextractDocument =>
  JSON.parse(
    readFileSync(new URL(`../../fixtures/textract/${name}`, import.meta.url), "utf8"),
  ) as TextractDocument;
const extract = (doc: TextractDocument) => extractDocument(doc, { referenceDate: REF_DATE });
const plainText = (doc: TextractDocument) => modelText(buildModel(doc));

describe("patient intake form (AnalyzeDocument FORMS + TABLES)", () => {
  const doc = load("patient_intake_form_sample.json");
  const r = extract(doc);

  it("is a patient intake form", () => {
    expect(r.documentType).toBe("patient_intake_form");
    expect(r.pageCount).toBe(1);
  });

  it("reads the patient's name from First Name + Last Name, not an emergency contact's", () => {
    // Printed: "First Name: ALEJANDRO  Last Name: ROSALEZ"; contacts CARLOS SALAZAR and JANE DOE further down.
    expect(r.fields.patientName?.value).toBe("ALEJANDRO ROSALEZ");
    expect(r.fields.patientName?.confidence).toBeGreaterThan(0.9);
    expect(r.fields.patientName?.page).toBe(1);
  });

  it("reads DOB and sex", () => {
    expect(r.fields.dateOfBirth).toMatchObject({ value: "1982-10-10", page: 1 });
    expect(r.fields.sex).toMatchObject({ value: "male", page: 1 });
    for (const f of [r.fields.dateOfBirth, r.fields.sex]) {
      expect(f?.confidence).toBeGreaterThan(0.9);
      expect(f?.bbox.width).toBeGreaterThan(0);
      expect(f?.bbox.left).toBeGreaterThanOrEqual(0);
      expect((f?.bbox.left ?? 0) + (f?.bbox.width ?? 0)).toBeLessThanOrEqual(1);
    }
  });

  it("finds nothing it should not: no MRN, dates of service, provider, or lists on this form", () => {
    expect(r.fields.mrn).toBeUndefined();
    expect(r.fields.dateOfService).toBeUndefined();
    expect(r.fields.provider).toBeUndefined();
    expect(r.diagnoses).toEqual([]);
    expect(r.medications).toEqual([]);
    expect(r.allergies).toEqual([]);
  });

  it("passes review (name + DOB, confident)", () => {
    expect(needsReview(r)).toBeUndefined();
  });

  it("plain text starts with the title", () => {
    expect(plainText(doc).split("\n")[0]).toBe("Patient Information");
    expect(plainText(doc)).not.toContain("\f");
  });
});

describe("2-page DetectDocumentText result (async Get…, merged)", () => {
  const doc = load("test_textractor_start_document_text_detection.json");

  it("counts pages and does not crash", () => {
    const r = extract(doc);
    expect(r.pageCount).toBe(2);
    expect(r.documentType).toBe("other");
    // Nothing medical here; "Name of package: Textractor" is not a patient name.
    expect(r.fields.patientName).toBeUndefined();
    expect(needsReview(r)?.reasonCode).toBe("MISSING_IDENTITY");
  });

  it("plain text has both pages, separated by a form feed", () => {
    const pages = plainText(doc).split("\f");
    expect(pages).toHaveLength(2);
    expect(pages[0]).toContain("Page (1)");
    expect(pages[1]).toContain("Page (2)");
    expect(pages[0]?.split("\n")).toHaveLength(25);
  });
});

describe("other real responses parse", () => {
  it("TABLES (test_table.json, no Page fields)", () => {
    const r = extract(load("test_table.json"));
    expect(r.pageCount).toBe(1);
    expect(r.fields).toEqual({});
  });

  it("QUERIES (test_queries_as_strings.json): unrelated questions are not mapped to fields", () => {
    const r = extract(load("test_queries_as_strings.json"));
    expect(r.fields).toEqual({});
  });

  it("QUERIES on a paystub (queries_sample.json): 'Employee Name' is not the patient", () => {
    const r = extract(load("queries_sample.json"));
    expect(r.fields.patientName).toBeUndefined();
    expect(r.pageCount).toBe(1);
  });
});
