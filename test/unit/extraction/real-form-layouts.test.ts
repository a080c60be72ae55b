/**
 * Layouts of real sample forms (test/fixtures/images) that the rules missed or misread, rebuilt as lines
 * with positions: each test is the shape of one real form, not its text.
 */
import { describe, expect, it } from "vitest";
import { extractDocument, extractWithReview } from "../../support/extraction";
import { buildDoc, REF_DATE, type LineSpec } from "./build-blocks";

const extract = (lines: (LineSpec | string)[]) =>
  extractDocument(buildDoc({ lines }), { referenceDate: REF_DATE });

describe("captions stacked over their fill boxes beside another table (a progress tracker)", () => {
  const tracker = [
    { text: "MEDICAL PROGRESS TEMPLATE", x: 0.11, y: 0.05 },
    { text: "PATIENT NAME", x: 0.11, y: 0.12, height: 0.01 },
    { text: "Jane Doe", x: 0.11, y: 0.16, height: 0.02 },
    { text: "DATE OF BIRTH", x: 0.11, y: 0.22, height: 0.01 },
    // The progress table's first row sits on the caption's row, far to its right.
    { text: "02/03/20 Patient is complaining of chest discomfort", x: 0.31, y: 0.214, height: 0.02 },
    { text: "01/01/2000", x: 0.11, y: 0.26, height: 0.02 },
    { text: "PATIENT ID", x: 0.11, y: 0.33, height: 0.01 },
    { text: "02/14/20 Patient has undergone primary surgery", x: 0.31, y: 0.324, height: 0.02 },
    { text: "XX-XX-XXXX", x: 0.11, y: 0.37, height: 0.02 },
    { text: "NEXT APPOINTMENT DATE", x: 0.11, y: 0.53, height: 0.01 },
    { text: "02/20/20", x: 0.11, y: 0.57, height: 0.02 },
  ];

  it("reads the value under the caption, not the other table's row on its right", () => {
    const { fields } = extract(tracker);
    expect(fields.patientName?.value).toBe("Jane Doe");
    expect(fields.dateOfBirth?.value).toBe("2000-01-01");
  });

  it("a date is never a record number, and a next appointment is not the date of service", () => {
    const { fields } = extract(tracker);
    expect(fields.mrn).toBeUndefined();
    expect(fields.dateOfService).toBeUndefined();
  });

  it("a caption with a colon keeps its tab-aligned value, whatever is under it", () => {
    const { fields } = extract([
      { text: "Provider:", x: 0.08, y: 0.173 },
      { text: "Dr. Grace Whitfield, MD", x: 0.28, y: 0.173 },
      { text: "CURRENT MEDICATIONS:", x: 0.07, y: 0.195 },
    ]);
    expect(fields.provider?.value).toBe("Dr. Grace Whitfield, MD");
  });

  it("a value in the cell right beside its caption still wins (a bordered header table)", () => {
    const { fields } = extract([
      { text: "Date of Birth", x: 0.05, y: 0.1 },
      { text: "03/14/1962", x: 0.2, y: 0.1 },
      { text: "04/01/2024", x: 0.05, y: 0.125 },
    ]);
    expect(fields.dateOfBirth?.value).toBe("1962-03-14");
  });
});

describe("captions in a row, each over its value, read by OCR as separate lines", () => {
  it("the value under the next caption is not this caption's, even when it sits a little higher", () => {
    const { fields } = extract([
      { text: "Patient Name", x: 0.1, y: 0.202 },
      { text: "Steffanie O'Keefe", x: 0.1, y: 0.216 },
      { text: "Date of Birth", x: 0.38, y: 0.2 },
      { text: "November 29, 1978", x: 0.38, y: 0.214 },
    ]);
    expect(fields.patientName?.value).toBe("Steffanie O'Keefe");
    expect(fields.dateOfBirth?.value).toBe("1978-11-29");
  });
});

describe("a claim form with a policy owner section before the patient's", () => {
  const claim = [
    { text: "Health insurance claim form", x: 0.1, y: 0.09 },
    { text: "(2) Policy owner details", x: 0.11, y: 0.34 },
    { text: "Surname", x: 0.24, y: 0.43 },
    { text: "Doe", x: 0.31, y: 0.43 },
    { text: "First name Jane", x: 0.57, y: 0.43 },
    { text: "Date of birth", x: 0.22, y: 0.67 },
    { text: "01/01/00", x: 0.36, y: 0.67 },
    // The patient's section, its number read as a mark.
    { text: "© Who is this claim for?", x: 0.12, y: 0.73 },
    // An answer box, not a heading: a long line starting with the words of one.
    { text: "Policy owner (go straight to step 4) policy - please complete below", x: 0.35, y: 0.756 },
    { text: "Surname", x: 0.24, y: 0.81 },
    { text: "Doe", x: 0.31, y: 0.81 },
    { text: "First name John", x: 0.57, y: 0.81 },
    { text: "Date of birth", x: 0.22, y: 0.85 },
    { text: "12/01/70", x: 0.36, y: 0.85 },
  ];

  it("the patient is the person the claim is for, not the policy owner", () => {
    const { fields } = extract(claim);
    expect(fields.patientName?.value).toBe("John Doe");
    expect(fields.dateOfBirth?.value).toBe("1970-12-01");
  });
});

describe("CMS-1500 box 3", () => {
  it("'3. PATIENT'S BIRTH DATE' gives the date below it, under its MM DD YY hint", () => {
    const { fields } = extract([
      { text: "HEALTH INSURANCE CLAIM FORM", x: 0.03, y: 0.07 },
      { text: "3. PATIENT'S BIRTH DATE", x: 0.37, y: 0.155, height: 0.008 },
      { text: "SEX", x: 0.6, y: 0.155, height: 0.008 },
      { text: "MM | DD | YY", x: 0.39, y: 0.163, height: 0.006 },
      { text: "01/02/1970", x: 0.39, y: 0.172, height: 0.01 },
    ]);
    expect(fields.dateOfBirth?.value).toBe("1970-01-02");
    expect(fields.dateOfService).toBeUndefined();
  });
});

describe("a signature page's printed name under its line", () => {
  const page = [
    { text: "HIPAA Privacy Authorization Form", x: 0.15, y: 0.05 },
    { text: "Jane Doe", x: 0.15, y: 0.527 },
    {
      text: "Printed name of patient or personal representative and his or her relationship to patient",
      x: 0.15,
      y: 0.551,
    },
    { text: "02/03/2020", x: 0.15, y: 0.58 },
    { text: "Date", x: 0.15, y: 0.614 },
  ];

  it("is found above the caption, and reviewed: it may be a representative's", () => {
    const name = extract(page).fields.patientName;
    expect(name?.value).toBe("Jane Doe");
    expect(name!.confidence).toBeLessThan(0.8);
  });
});

describe("an insurance member card", () => {
  it("the uncaptioned name over 'Member id' is found, for a person to confirm", () => {
    const name = extract([
      { text: "AnyInsurance Co.", x: 0.1, y: 0.08 },
      { text: "Jacob Michael", x: 0.06, y: 0.23, height: 0.04 },
      { text: "Member id", x: 0.07, y: 0.3, height: 0.03 },
      { text: "XZ 9147589652", x: 0.07, y: 0.37, height: 0.04 },
    ]).fields.patientName;
    expect(name?.value).toBe("Jacob Michael");
    expect(name!.confidence).toBeLessThan(0.8);
  });

  it("a company or plan name over it is not a name", () => {
    const { fields } = extract([
      { text: "AnyInsurance Co.", x: 0.07, y: 0.26, height: 0.03 },
      { text: "Member ID: XZ 9147589652", x: 0.07, y: 0.3, height: 0.03 },
    ]);
    expect(fields.patientName).toBeUndefined();
  });
});

describe("a discharge summary's ids", () => {
  it("the provider's patient id is the record number, ahead of another id further down", () => {
    const { fields } = extract([
      "Physician Hospital Discharge Summary",
      "Patient: John Doe    Provider's Pt ID: 00988277891    Patient Gender: Male",
      { text: "Patient ID: NARH-36640", y: 0.54 },
    ]);
    expect(fields.mrn?.value).toBe("00988277891");
    expect(fields.sex?.value).toBe("male");
  });
});

describe("scan marks read as characters (degraded synthetic scans)", () => {
  it("an unsure one- or two-letter mark before a name is not part of it; a sure initial is", () => {
    const name = (conf: number) =>
      extract([
        {
          text: "Name: CN Bryant Daugherty    Birth Date: July 13, 1995",
          conf: [97, conf, 96, 95, 97, 97, 96, 96, 96],
        },
      ]).fields.patientName?.value;
    expect(name(38)).toBe("Bryant Daugherty");
    expect(name(93)).toBe("CN Bryant Daugherty");
  });

  it("an unsure mark with a column gap after it does not end the name's cell, nor start a caption of its own", () => {
    const name = (mark: string) =>
      extract([
        {
          text: `Pt Name: ${mark}     Doreen O'Conner      D.O.B.: 03-05-1942`,
          conf: [97, 96, 0, 97, 91, 68, 97],
        },
      ]).fields.patientName?.value;
    expect(name("y")).toBe("Doreen O'Conner");
    // "CC" is also the carbon-copy caption: at confidence 0 it is a smudge.
    expect(name("CC")).toBe("Doreen O'Conner");
  });

  it("a name OCR split on a faint stroke ('Daug herty') is put back together, for review", () => {
    const doc = buildDoc({ lines: ["Name: Bryant Daug herty    Birth Date: July 13, 1995"] });
    const words = (doc.Blocks ?? []).filter((b) => b.BlockType === "WORD");
    const piece = words.find((b) => b.Text === "Daug")?.Geometry?.BoundingBox;
    const rest = words.find((b) => b.Text === "herty")?.Geometry?.BoundingBox;
    if (!piece || !rest) throw new Error("layout");
    const split = extractWithReview(doc, { referenceDate: REF_DATE });
    expect(split.result.fields.patientName).toBeUndefined(); // a word space apart: two words, not a name
    rest.Left = (piece.Left ?? 0) + (piece.Width ?? 0) + 0.001; // closer than a word space
    const { result, review } = extractWithReview(doc, { referenceDate: REF_DATE });
    expect(result.fields.patientName?.value).toBe("Bryant Daugherty");
    expect(review?.fields).toContain("patientName");
  });

  it("a digit after a record-number caption is not a record number", () => {
    expect(extract(["Medical Record No. 0    Date of Exam: 03/04/2024"]).fields.mrn).toBeUndefined();
    expect(extract(["Medical Record No. 00451"]).fields.mrn?.value).toBe("00451");
  });
});

describe("captions are not facilities (held-out real papers)", () => {
  it("an empty facility box's caption, a caption line at the top, a word mid-sentence are no facility", () => {
    expect(extract(["32. SERVICE FACILITY LOCATION INFCRMATION"]).fields.facility).toBeUndefined();
    expect(
      extract(["Clinic Location 123 Unknown Clinic", "Reason for Immunization"]).fields.facility,
    ).toBeUndefined();
    expect(
      extract(["Supplementary Financing Facility Subsidy Account 0.9 (0.9)"]).fields.facility,
    ).toBeUndefined();
    // A facility caption with its value still reads.
    expect(extract(["Facility: Saltmarsh Family Health Clinic"]).fields.facility?.value).toBe(
      "Saltmarsh Family Health Clinic",
    );
    expect(extract(["Facility      Saltmarsh Family Health Clinic"]).fields.facility?.value).toBe(
      "Saltmarsh Family Health Clinic",
    );
  });
});

describe("document types of real papers", () => {
  const typeOf = (lines: string[]) => extract(lines).documentType;

  it("a patient's medical history form is an intake form; visit notes and a progress template are progress notes", () => {
    expect(typeOf(["MEDICAL HISTORY FORM TEMPLATE", "PATIENT NAME", "Jane Doe"])).toBe("patient_intake_form");
    expect(typeOf(["Patient visit notes", "Pt is 40yo mother, high school teacher"])).toBe("progress_note");
    expect(typeOf(["MEDICAL PROGRESS TEMPLATE", "PATIENT NAME", "Jane Doe"])).toBe("progress_note");
  });

  it("a pay stub is 'other' though it has a marital status and an address", () => {
    expect(
      typeOf([
        "ANY COMPANY CORP.",
        "Taxable Marital Status: Married",
        "Address: 475 Any Avenue",
        "Phone: 555-0100",
        "Earnings rate hours this period year to date",
        "Gross Pay 526.80",
        "Deductions Statutory",
      ]),
    ).toBe("other");
  });

  it("an application form's name, address and phone boxes do not make an intake form without a word of care", () => {
    const boxes = ["First Name: Jane", "Last Name: Doe", "Address: 123 Any Street", "Phone: 555-0100"];
    expect(typeOf(["APPLICATION FOR ASSISTANCE", "Marital Status: Single", ...boxes])).toBe("other");
    expect(typeOf(["Request for Verification of Employment", ...boxes])).toBe("other");
    expect(typeOf(["REGISTRATION", "Primary physician: Dr. Smith", "Marital Status: Single", ...boxes])).toBe(
      "patient_intake_form",
    );
  });
});
