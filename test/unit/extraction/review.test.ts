import { describe, expect, it } from "vitest";
import type { ExtractedField, ExtractionResult } from "../../../shared/domain/fields";
import { needsReview } from "../../../shared/extraction/review";

const field = (value: string, confidence = 0.95): ExtractedField => ({
  value,
  confidence,
  page: 1,
  bbox: { left: 0, top: 0, width: 0, height: 0 },
});
const result = (fields: ExtractionResult["fields"]): ExtractionResult => ({
  documentType: "other",
  pageCount: 1,
  fields,
  diagnoses: [],
  medications: [],
  allergies: [],
});

describe("needsReview", () => {
  it("passes a record with confident name and DOB or MRN", () => {
    expect(
      needsReview(result({ patientName: field("Jane Doe"), dateOfBirth: field("1962-03-14") })),
    ).toBeUndefined();
    expect(needsReview(result({ patientName: field("Jane Doe"), mrn: field("00123") }))).toBeUndefined();
  });

  it("flags a missing patient name", () => {
    expect(needsReview(result({ dateOfBirth: field("1962-03-14"), mrn: field("1") }))).toEqual({
      reasonCode: "MISSING_IDENTITY",
      fields: ["patientName"],
    });
  });

  it("flags missing DOB and MRN together", () => {
    expect(needsReview(result({ patientName: field("Jane Doe") }))).toEqual({
      reasonCode: "MISSING_IDENTITY",
      fields: ["dateOfBirth", "mrn"],
    });
    expect(needsReview(result({}))).toEqual({
      reasonCode: "MISSING_IDENTITY",
      fields: ["patientName", "dateOfBirth", "mrn"],
    });
  });

  it("flags present identity fields below the threshold (default 0.8)", () => {
    const r = result({
      patientName: field("Jane Doe", 0.79),
      dateOfBirth: field("1962-03-14", 0.95),
      mrn: field("00123", 0.5),
    });
    expect(needsReview(r)).toEqual({ reasonCode: "LOW_CONFIDENCE_IDENTITY", fields: ["patientName", "mrn"] });
    expect(needsReview(r, 0.4)).toBeUndefined();
    expect(
      needsReview(result({ patientName: field("Jane Doe", 0.8), mrn: field("1", 0.8) })),
    ).toBeUndefined();
  });

  it("ignores non-identity fields", () => {
    expect(
      needsReview(result({ patientName: field("Jane Doe"), mrn: field("1"), sex: field("female", 0.1) })),
    ).toBeUndefined();
  });
});
