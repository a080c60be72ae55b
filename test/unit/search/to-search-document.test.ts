import { describe, expect, it } from "vitest";
import { newRecord, type ChartRecord } from "../../../shared/domain/chart-record";
import type { ExtractedField } from "../../../shared/domain/fields";
import { toSearchDocument } from "../../../shared/search/to-search-document";

const f = (value: string): ExtractedField => ({
  value,
  confidence: 0.95,
  page: 1,
  bbox: { left: 0, top: 0, width: 0.1, height: 0.02 },
});

function record(overrides: Partial<ChartRecord> = {}): ChartRecord {
  const base = newRecord({
    id: "doc_0123456789abcdef0123456789abcdef",
    sha256: "a".repeat(64),
    source: {
      bucket: "uploads",
      key: "acme/2024-03/chart-001.pdf",
      vendor: "acme",
      batch: "2024-03",
      size: 1234,
    },
    fileType: "pdf",
    pageCount: 2,
    now: "2024-03-01T10:00:00.000Z",
  });
  return { ...base, ...overrides };
}

describe("toSearchDocument", () => {
  it("maps identity fields, lists, source and version", () => {
    const r = record({
      documentType: "discharge_summary",
      status: "EXTRACTED",
      version: 4,
      updatedAt: "2024-03-02T11:00:00.000Z",
      fields: {
        patientName: f("John Smith"),
        dateOfBirth: f("1961-07-04"),
        mrn: f("MR-004512"),
        dateOfService: f("2024-02-28"),
        provider: f("Dr. Alice Wong"),
        facility: f("St. Mary\n  Hospital"),
        sex: f("male"),
      },
      diagnoses: [{ text: "Type 2 diabetes mellitus", code: "E11.9" }, { text: "Hypertension" }],
      medications: [{ text: "Metformin 500 mg twice daily" }],
      allergies: [{ text: "Penicillin" }],
    });

    expect(toSearchDocument(r, "DISCHARGE SUMMARY\nPatient: John Smith")).toEqual({
      id: "doc_0123456789abcdef0123456789abcdef",
      version: 4,
      status: "EXTRACTED",
      documentType: "discharge_summary",
      patientName: "John Smith",
      dateOfBirth: "1961-07-04",
      mrn: "MR-004512",
      dateOfService: "2024-02-28",
      provider: "Dr. Alice Wong",
      facility: "St. Mary Hospital",
      diagnoses: ["Type 2 diabetes mellitus E11.9", "Hypertension"],
      medications: ["Metformin 500 mg twice daily"],
      allergies: ["Penicillin"],
      text: "DISCHARGE SUMMARY\nPatient: John Smith",
      vendor: "acme",
      batch: "2024-03",
      sourceKey: "acme/2024-03/chart-001.pdf",
      createdAt: "2024-03-01T10:00:00.000Z",
      updatedAt: "2024-03-02T11:00:00.000Z",
    });
  });

  it("leaves absent and empty values out, and text defaults to empty", () => {
    const r = record({
      fields: { patientName: f("  "), mrn: f("123") },
      source: { bucket: "b", key: "loose.pdf", size: 1 },
    });
    const d = toSearchDocument(r);
    expect(d).not.toHaveProperty("patientName");
    expect(d).not.toHaveProperty("documentType");
    expect(d).not.toHaveProperty("vendor");
    expect(d).not.toHaveProperty("batch");
    expect(d.mrn).toBe("123");
    expect(d.text).toBe("");
    expect(d.sourceKey).toBe("loose.pdf");
    expect(Object.values(d)).not.toContain(undefined);
  });

  it("uses a text property on older records when no text is passed", () => {
    const r = { ...record(), text: "legacy OCR text" } as ChartRecord;
    expect(toSearchDocument(r).text).toBe("legacy OCR text");
    expect(toSearchDocument(r, "from S3").text).toBe("from S3");
  });

  it("falls back to admission then discharge date for the date of service", () => {
    expect(
      toSearchDocument(record({ fields: { admissionDate: f("2024-01-02"), dischargeDate: f("2024-01-09") } }))
        .dateOfService,
    ).toBe("2024-01-02");
    expect(toSearchDocument(record({ fields: { dischargeDate: f("2024-01-09") } })).dateOfService).toBe(
      "2024-01-09",
    );
  });

  it("does not repeat a diagnosis code already in its text, and keeps a bare code", () => {
    const r = record({
      diagnoses: [{ text: "Hypertension (I10)", code: "I10" }, { text: "", code: "J45.909" }, { text: " " }],
    });
    expect(toSearchDocument(r).diagnoses).toEqual(["Hypertension (I10)", "J45.909"]);
  });
});
