/**
 * Papers that get scanned with a chart but are not one of the chart document types: an immunization card,
 * an employment application. They classify as "other" and an applicant's name is not the patient's.
 */
import { describe, expect, it } from "vitest";
import { extractDocument } from "../../support/extraction";
import { buildDoc, page, REF_DATE } from "./build-blocks";

const extract = (lines: string[]) => extractDocument(buildDoc(page(...lines)), { referenceDate: REF_DATE });

describe("papers that are none of the chart types", () => {
  it("a vaccination record card is 'other', even with First/Last Name boxes", () => {
    const r = extract([
      "Sample Vaccination Record Card",
      "Last Name: Mary    First Name: Major",
      "Date of Birth: 1/6/58",
    ]);
    expect(r.documentType).toBe("other");
    // Its patient fields are still read.
    expect(r.fields.dateOfBirth?.value).toBe("1958-01-06");
  });

  it("an employment application is 'other' and its applicant is not a patient", () => {
    const r = extract([
      "Employment Application",
      "Applicant Information",
      "Full Name: Jane Doe",
      "Phone Number: 555-0100",
      "Home Address: 123 Any Street, Any Town, USA",
    ]);
    expect(r.documentType).toBe("other");
    expect(r.fields.patientName).toBeUndefined();
  });

  it("on a paper with no sign of a chart, a name under a caption that does not say whose is reviewed", () => {
    // No heading says whose the name is (an applicant's, a member's).
    const r = extract(["Library Card Registration", "Full Name: Jane Doe", "Phone Number: 555-0100"]);
    expect(r.documentType).toBe("other");
    expect(r.fields.patientName?.value).toBe("Jane Doe");
    expect(r.fields.patientName?.confidence).toBeLessThan(0.8);
    // A caption that names the patient is the patient's, whatever the paper.
    const card = extract(["Sample Vaccination Record Card", "Patient Name: Jane Doe"]);
    expect(card.documentType).toBe("other");
    expect(card.fields.patientName?.confidence).toBeGreaterThanOrEqual(0.8);
  });

  it("an account holder, a customer or an applicant named by the caption is nobody's patient", () => {
    for (const caption of ["Account name", "Customer Name:", "Applicant Name:"]) {
      const r = extract(["Savings Account Statement", `${caption} John Doe`, "Statement Date: 02/28/2022"]);
      expect(r.fields.patientName).toBeUndefined();
    }
  });

  it("an intake form with the same boxes is still an intake form", () => {
    const r = extract([
      "Patient Information",
      "Last Name: Doe    First Name: Jane",
      "Address: 123 Any Street",
      "Emergency Contact: John Doe",
    ]);
    expect(r.documentType).toBe("patient_intake_form");
    expect(r.fields.patientName?.value).toBe("Jane Doe");
  });
});
