import { describe, expect, it } from "vitest";
import { extractDocument } from "../../support/extraction";
import { isIcd10Code, parseDiagnosis } from "../../../shared/extraction/rules/diagnoses";
import { splitAllergies } from "../../../shared/extraction/rules/allergies";
import {
  clinicalList,
  MAX_ENTRY_CHARS,
  MAX_LIST_ENTRIES,
} from "../../../shared/extraction/rules/clinical-list";
import type { TextractDocument } from "../../../shared/ocr/textract-blocks";
import { buildDoc, page, REF_DATE } from "./build-blocks";

const extract = (doc: TextractDocument) => extractDocument(doc, { referenceDate: REF_DATE });

describe("allergies", () => {
  it.each(["ALLERGIES: NKDA", "Allergies: No known drug allergies.", "ALLERGIES:\nNKDA", "Allergies: NKA"])(
    "%j → NKDA",
    (text) => {
      const doc = buildDoc(page(...text.split("\n"), "MEDICATIONS:", "Aspirin 81 mg daily"));
      expect(extract(doc).allergies).toEqual([{ text: "NKDA", page: 1 }]);
    },
  );

  it("finds NKDA without a heading", () => {
    expect(extract(buildDoc(page("Allergies nkda, reviewed today"))).allergies).toEqual([
      { text: "NKDA", page: 1 },
    ]);
  });

  it("lists allergies from the heading line and the lines under it", () => {
    const doc = buildDoc(
      page("ALLERGIES: Penicillin (rash, hives); Sulfa", "- Codeine", "- Latex", "SOCIAL HISTORY", "Smoker"),
    );
    expect(extract(doc).allergies.map((a) => a.text)).toEqual([
      "Penicillin (rash, hives)",
      "Sulfa",
      "Codeine",
      "Latex",
    ]);
  });

  it("splitAllergies keeps commas inside brackets", () => {
    expect(splitAllergies("Penicillin (rash, hives), Sulfa;  Eggs")).toEqual([
      "Penicillin (rash, hives)",
      "Sulfa",
      "Eggs",
    ]);
  });

  it("has none when the document says nothing", () => {
    expect(extract(buildDoc(page("PROGRESS NOTE", "Patient: Jane Doe"))).allergies).toEqual([]);
  });
});

describe("diagnoses", () => {
  it("checks the ICD-10-CM code form", () => {
    for (const ok of [
      "I50.9",
      "E11.65",
      "J44.1",
      "Z79.4",
      "M54.5",
      "S72.001A",
      "C50.911",
      "O09.513",
      "A09",
      "E11",
    ])
      expect(isIcd10Code(ok), ok).toBe(true);
    for (const bad of ["U07.1", "I5.9", "150.9", "I50.", "I50.12345", "i50.9", "ABC"])
      expect(isIcd10Code(bad), bad).toBe(false);
  });

  it("splits code and description in the usual layouts", () => {
    expect(parseDiagnosis("1. Congestive heart failure (I50.9)", { strict: false })).toEqual({
      text: "Congestive heart failure",
      code: "I50.9",
    });
    expect(parseDiagnosis("I50.9 - Congestive heart failure", { strict: false })).toEqual({
      text: "Congestive heart failure",
      code: "I50.9",
    });
    expect(parseDiagnosis("ICD-10: E11.9 Type 2 diabetes mellitus", { strict: false })).toEqual({
      text: "Type 2 diabetes mellitus",
      code: "E11.9",
    });
    expect(parseDiagnosis("Hypertension", { strict: false })).toEqual({ text: "Hypertension" });
  });

  it("reads items under DIAGNOSES / ASSESSMENT / IMPRESSION headings until the next heading", () => {
    const doc = buildDoc(
      page(
        "DISCHARGE SUMMARY",
        "DISCHARGE DIAGNOSES:",
        "1. Acute on chronic systolic heart failure (I50.23)",
        "2. Type 2 diabetes mellitus with hyperglycemia",
        "   E11.65",
        "3. Hypertension",
        "HOSPITAL COURSE:",
        "Patient improved with diuresis.",
      ),
    );
    expect(extract(doc).diagnoses).toEqual([
      { text: "Acute on chronic systolic heart failure", code: "I50.23", page: 1 },
      { text: "Type 2 diabetes mellitus with hyperglycemia", code: "E11.65", page: 1 },
      { text: "Hypertension", page: 1 },
    ]);
  });

  it("reads an inline impression", () => {
    const doc = buildDoc(
      page("IMPRESSION: No acute cardiopulmonary process.", "Electronically signed by: Ann Lee, MD"),
    );
    expect(extract(doc).diagnoses).toEqual([{ text: "No acute cardiopulmonary process", page: 1 }]);
  });

  it("finds well-formed codes anywhere, but not look-alikes in prose", () => {
    const doc = buildDoc(
      page(
        "Problem: COPD with exacerbation J44.1",
        "Vitamin B12 level low; T12 compression fracture noted",
        "Dx (E78) hyperlipidemia",
        "Glucose 110 mg/dL",
      ),
    );
    expect(extract(doc).diagnoses).toEqual([
      { text: "Problem: COPD with exacerbation", code: "J44.1", page: 1 },
      { text: "hyperlipidemia", code: "E78", page: 1 },
    ]);
  });

  it("does not repeat the same code", () => {
    const doc = buildDoc(page("ASSESSMENT:", "CHF (I50.9)", "PLAN:", "Continue meds for CHF I50.9"));
    expect(extract(doc).diagnoses).toHaveLength(1);
  });
});

describe("medications", () => {
  it("reads lines under MEDICATIONS until the next ALL-CAPS heading", () => {
    const doc = buildDoc(
      page(
        "CURRENT MEDICATIONS:",
        "1. Metoprolol succinate 25 mg PO daily",
        "2. Lisinopril 10 mg PO daily",
        "3. Insulin glargine 20 units subcut at",
        "   bedtime",
        "ALLERGIES: NKDA",
        "PHYSICAL EXAM",
        "BP 120/80",
      ),
    );
    const r = extract(doc);
    expect(r.medications).toEqual([
      { text: "Metoprolol succinate 25 mg PO daily", page: 1 },
      { text: "Lisinopril 10 mg PO daily", page: 1 },
      { text: "Insulin glargine 20 units subcut at bedtime", page: 1 },
    ]);
    expect(r.allergies).toEqual([{ text: "NKDA", page: 1 }]);
  });

  it("keeps single ALL-CAPS drug names as items (not headings)", () => {
    const doc = buildDoc(
      page("DISCHARGE MEDICATIONS", "ASPIRIN", "ATORVASTATIN 40 MG", "FOLLOW UP:", "PCP in 1 week"),
    );
    expect(extract(doc).medications.map((m) => m.text)).toEqual(["ASPIRIN", "ATORVASTATIN 40 MG"]);
  });

  it("reads the rows of a table under the heading, skipping its header row", () => {
    const doc = buildDoc({
      lines: [
        { text: "MEDICATIONS", y: 0.1 },
        { text: "PLAN", y: 0.4 },
        { text: "Return in 2 weeks", y: 0.42 },
      ],
      tables: [
        {
          y: 0.13,
          rows: [
            ["Medication", "Dose", "Frequency"],
            ["Metformin", "500 mg", "BID"],
            ["Lisinopril", "10 mg", "daily"],
          ],
        },
      ],
    });
    expect(extract(doc).medications).toEqual([
      { text: "Metformin 500 mg BID", page: 1 },
      { text: "Lisinopril 10 mg daily", page: 1 },
    ]);
  });

  it("continues a list onto the next page, skipping page furniture and running headers", () => {
    const doc = buildDoc([
      page("MEDICATIONS:", "- Aspirin 81 mg daily"),
      page("Patient: Jane Doe   MRN: 00123", "Page 2 of 2", "- Atorvastatin 40 mg nightly"),
    ]);
    // The running header ends the section: content after it is not assumed to be medications.
    expect(extract(doc).medications.map((m) => m.text)).toEqual(["Aspirin 81 mg daily"]);
    const noHeader = buildDoc([
      page("MEDICATIONS:", "- Aspirin 81 mg daily"),
      page("Page 2 of 2", "- Atorvastatin 40 mg nightly"),
    ]);
    expect(extract(noHeader).medications).toEqual([
      { text: "Aspirin 81 mg daily", page: 1 },
      { text: "Atorvastatin 40 mg nightly", page: 2 },
    ]);
  });

  it("reads 'none'", () => {
    expect(extract(buildDoc(page("Medications: None", "PLAN:"))).medications).toEqual([]);
  });
});

describe("a long chart's lists", () => {
  const visitNote = (day: number) =>
    page(
      `Progress note 03/${String(day).padStart(2, "0")}/2024`,
      "MEDICATIONS:",
      "- Lisinopril 20 mg PO daily",
      "- metformin 1000 mg  PO twice daily",
      "ALLERGIES: Penicillin (rash)",
      "ASSESSMENT:",
      "1. Essential hypertension (I10)",
      "PLAN:",
      "Continue.",
    );

  it("lists a medication, allergy or diagnosis repeated on every visit note once, where it was first read", () => {
    const r = extract(buildDoc(Array.from({ length: 30 }, (_, i) => visitNote(i + 1))));
    expect(r.medications).toEqual([
      { text: "Lisinopril 20 mg PO daily", page: 1 },
      { text: "metformin 1000 mg PO twice daily", page: 1 },
    ]);
    expect(r.allergies).toEqual([{ text: "Penicillin (rash)", page: 1 }]);
    expect(r.diagnoses).toEqual([{ text: "Essential hypertension", code: "I10", page: 1 }]);
  });

  it("keeps the first entries of a list longer than a record can hold, and cuts a paragraph read as an item", () => {
    const many = Array.from({ length: MAX_LIST_ENTRIES + 50 }, (_, i) => ({
      text: `Drug ${i}`,
      page: i + 1,
    }));
    const kept = clinicalList(many);
    expect(kept).toHaveLength(MAX_LIST_ENTRIES);
    expect(kept.at(-1)).toEqual({ text: `Drug ${MAX_LIST_ENTRIES - 1}`, page: MAX_LIST_ENTRIES });

    const paragraph = "word ".repeat(200).trim();
    const [cut] = clinicalList([{ text: paragraph, page: 3 }]);
    expect(cut!.text.length).toBeLessThanOrEqual(MAX_ENTRY_CHARS);
    expect(cut!.text).toMatch(/^word( word)*…$/);
    expect(cut!.page).toBe(3);
  });
});
