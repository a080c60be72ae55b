import { describe, expect, it } from "vitest";
import { extractDocument } from "../../support/extraction";
import type { TextractBlock, TextractDocument } from "../../../shared/ocr/textract-blocks";
import { buildDoc, CHAR_WIDTH, LINE_HEIGHT, page, REF_DATE } from "./build-blocks";

const extract = (doc: TextractDocument) => extractDocument(doc, { referenceDate: REF_DATE });
const fields = (doc: TextractDocument) => extract(doc).fields;
const values = (doc: TextractDocument) =>
  Object.fromEntries(Object.entries(fields(doc)).map(([k, f]) => [k, f?.value]));

describe("discharge summary header", () => {
  const doc = buildDoc(
    page(
      { text: "Mercy General Hospital", height: 0.025, x: 0.3 },
      "1200 Main Street, Springfield",
      "DISCHARGE SUMMARY",
      "Patient Name: Jane A. Doe",
      "DOB: 03/14/1962",
      "MRN: 00123456",
      "Sex: F",
      "Admission Date: 05/01/2025",
      "Discharge Date: 05/04/2025",
      "Attending Physician: Robert Smith, MD",
    ),
  );

  it("reads every header field", () => {
    expect(values(doc)).toEqual({
      patientName: "Jane A. Doe",
      dateOfBirth: "1962-03-14",
      sex: "female",
      mrn: "00123456",
      admissionDate: "2025-05-01",
      dischargeDate: "2025-05-04",
      provider: "Robert Smith, MD",
      facility: "Mercy General Hospital",
    });
  });

  it("classifies it", () => {
    expect(extract(doc).documentType).toBe("discharge_summary");
    expect(extract(doc).pageCount).toBe(1);
  });

  it("scores label+colon values as OCR confidence × 0.98, with the value words' box", () => {
    const dob = fields(doc).dateOfBirth;
    expect(dob?.confidence).toBeCloseTo(0.99 * 0.98, 3);
    expect(dob?.page).toBe(1);
    // "DOB: " is 5 characters; the value box is the date word only.
    expect(dob?.bbox.left).toBeCloseTo(0.05 + 5 * CHAR_WIDTH, 4);
    expect(dob?.bbox.width).toBeCloseTo(10 * CHAR_WIDTH, 4);
    expect(dob?.bbox.height).toBeCloseTo(LINE_HEIGHT, 4);
  });

  it("unions the boxes of multi-word values and averages their confidence", () => {
    const d = buildDoc(page({ text: "Patient Name: Jane Doe", conf: [99, 99, 90, 80] }));
    const name = fields(d).patientName;
    expect(name?.value).toBe("Jane Doe");
    expect(name?.confidence).toBeCloseTo(0.85 * 0.98, 3);
    expect(name?.bbox.left).toBeCloseTo(0.05 + 14 * CHAR_WIDTH, 4);
    expect(name?.bbox.width).toBeCloseTo(8 * CHAR_WIDTH, 4);
  });
});

describe("labels sharing one line", () => {
  it("splits at the next label", () => {
    const doc = buildDoc(page("Patient: Jane Doe   DOB: 03/14/1962   MRN: 00123"));
    expect(values(doc)).toMatchObject({ patientName: "Jane Doe", dateOfBirth: "1962-03-14", mrn: "00123" });
  });

  it("splits without wide gaps too (label matching), and with glued colons", () => {
    const doc = buildDoc(page("Patient Name: DOE, JANE DOB:03/14/1962 Sex: F MRN#00123"));
    expect(values(doc)).toMatchObject({
      patientName: "DOE, JANE",
      dateOfBirth: "1962-03-14",
      sex: "female",
      mrn: "00123",
    });
  });

  it("stops a value at an unknown label after a wide gap", () => {
    const doc = buildDoc(page("Patient: Jane Doe        Marital Status: Married"));
    expect(values(doc).patientName).toBe("Jane Doe");
    const doc2 = buildDoc(page("Patient: Jane Doe        Bed Location: 4B"));
    expect(values(doc2).patientName).toBe("Jane Doe");
  });

  it("keeps a DOB and a date of service apart", () => {
    const doc = buildDoc(page("DOB: 03/14/1962     Date of Service: 04/02/2025"));
    expect(values(doc)).toMatchObject({ dateOfBirth: "1962-03-14", dateOfService: "2025-04-02" });
    const reversed = buildDoc(page("DOS: 04/02/2025  D.O.B.: 3/14/62"));
    expect(values(reversed)).toMatchObject({ dateOfBirth: "1962-03-14", dateOfService: "2025-04-02" });
  });

  it("never takes an Account # as the MRN", () => {
    const doc = buildDoc(page("Account #: 998877   MRN: 00123"));
    expect(values(doc).mrn).toBe("00123");
    const onlyAccount = buildDoc(page("Patient: Jane Doe  Account #: 998877  Acct No: 55"));
    expect(values(onlyAccount).mrn).toBeUndefined();
    const medRec = buildDoc(page("Acct: 998877  Med Rec #: A-00123"));
    expect(values(medRec).mrn).toBe("A-00123");
  });

  it("keeps the provider and the patient apart", () => {
    const doc = buildDoc(page("Patient: Jane Doe     Attending: Robert Smith, MD"));
    expect(values(doc)).toMatchObject({ patientName: "Jane Doe", provider: "Robert Smith, MD" });
    const reversed = buildDoc(page("Physician: Dr. Ann Lee   Patient Name: John Roe"));
    expect(values(reversed)).toMatchObject({ patientName: "John Roe", provider: "Dr. Ann Lee" });
  });
});

describe("label variants", () => {
  it.each([
    ["Patient Name: Jane Doe", "patientName", "Jane Doe"],
    ["Pt Name: Jane Doe", "patientName", "Jane Doe"],
    ["PATIENT NAME: JANE DOE", "patientName", "JANE DOE"],
    ["Name: Mrs. Jane Doe", "patientName", "Jane Doe"],
    ["Date of Birth: 14-Mar-1962", "dateOfBirth", "1962-03-14"],
    ["Birth Date: March 14, 1962", "dateOfBirth", "1962-03-14"],
    ["D.O.B. 03/14/1962", "dateOfBirth", "1962-03-14"],
    ["Medical Record No.: 445566", "mrn", "445566"],
    ["Medical Record Number 445566", "mrn", "445566"],
    ["Chart #: 445566", "mrn", "445566"],
    ["Gender: Male", "sex", "male"],
    ["Visit Date: 04/02/2025", "dateOfService", "2025-04-02"],
    ["Date of Visit: 04/02/2025", "dateOfService", "2025-04-02"],
    ["Encounter Date: 04/02/2025", "dateOfService", "2025-04-02"],
    ["Exam Date: 04/02/2025", "dateOfService", "2025-04-02"],
    ["Collection Date: 04/02/2025", "dateOfService", "2025-04-02"],
    ["Date of Admission: 04/02/2025", "admissionDate", "2025-04-02"],
    ["Admitted: 04/02/2025", "admissionDate", "2025-04-02"],
    ["Date of Discharge: 04/05/2025", "dischargeDate", "2025-04-05"],
    ["Provider: Ann Lee, NP", "provider", "Ann Lee, NP"],
    ["Dictated by: Robert Smith, MD", "provider", "Robert Smith, MD"],
    ["Surgeon: Dr. Karen White", "provider", "Dr. Karen White"],
    ["Ordering Physician: Ann Lee", "provider", "Ann Lee"],
    ["Referring: Ann Lee", "provider", "Ann Lee"],
    ["Facility: Lakeside Clinic", "facility", "Lakeside Clinic"],
  ])("%s", (line, field, value) => {
    expect(values(buildDoc(page(line)))[field]).toBe(value);
  });

  it("reads a label with one OCR error (fuzzy) at lower confidence", () => {
    const f = fields(buildDoc(page("Patlent Name: Jane Doe"))).patientName;
    expect(f?.value).toBe("Jane Doe");
    expect(f?.confidence).toBeCloseTo(0.99 * 0.98 * 0.87, 3);
  });

  it("prefers the attending over a referring physician", () => {
    const doc = buildDoc(page("Referring Physician: Ann Lee, MD", "Attending: Robert Smith, MD"));
    expect(values(doc).provider).toBe("Robert Smith, MD");
  });

  it("uses a note header's bare Date: only when nothing better exists", () => {
    expect(
      values(buildDoc(page("PROGRESS NOTE", "Date: 04/02/2025", "Patient: Jane Doe"))).dateOfService,
    ).toBe("2025-04-02");
    const both = buildDoc(page("PROGRESS NOTE", "Date: 04/03/2025", "Date of Service: 04/02/2025"));
    expect(values(both).dateOfService).toBe("2025-04-02");
    // Not a header: a "Date:" next to a signature at the bottom is only the date the note was signed.
    const footer = buildDoc(page("PROGRESS NOTE", { text: "Signed: Ann Lee   Date: 04/09/2025", y: 0.9 }));
    const signed = extractDocument(footer, { referenceDate: REF_DATE }).fields.dateOfService;
    expect(signed).toMatchObject({ value: "2025-04-09" });
    expect(signed?.confidence).toBeLessThan(0.75);
  });

  it("falls back to the signature date for the date of service, below any labeled date", () => {
    const signedOnly = buildDoc(
      page(
        "PROGRESS NOTE",
        "Patient: Jane Doe",
        "Electronically signed by: Dr. Ann Lee, MD on January 29, 2024 13:48",
      ),
    );
    expect(values(signedOnly).dateOfService).toBe("2024-01-29");
    const npi = buildDoc(
      page("CONSULTATION REPORT", "Dr. Grace Whitfield, MD", "NPI 1632677307  Signed 12/9/24"),
    );
    expect(values(npi).dateOfService).toBe("2024-12-09");
    const labeled = buildDoc(
      page(
        "PROGRESS NOTE",
        "DOS: 01/26/2024",
        "Electronically signed by: Dr. Ann Lee, MD on January 29, 2024",
      ),
    );
    expect(values(labeled).dateOfService).toBe("2024-01-26");
  });
});

describe("what is not a label", () => {
  it("ignores label words in prose", () => {
    const doc = buildDoc(
      page(
        "Patient is a 62 year old female seen today.",
        "She was admitted through the emergency department on 04/02/2025",
        "The discharge date was 04/05/2025 per the physician note.",
        "Name of package: Textractor",
      ),
    );
    expect(fields(doc)).toEqual({});
  });

  it("ignores a name belonging to an emergency contact or other person", () => {
    const doc = buildDoc(
      page(
        "Patient Name: Jane Doe",
        "EMERGENCY CONTACT",
        "Name: John Doe",
        "Relationship to Patient: Husband",
        "Emergency Contact Name: Mary Roe",
      ),
    );
    expect(values(doc).patientName).toBe("Jane Doe");
    const onlyContact = buildDoc(page("Emergency Contact", "Name: John Doe", "Mother's Name: Mary Doe"));
    expect(values(onlyContact).patientName).toBeUndefined();
  });

  it("does not read printed choices as a sex", () => {
    expect(values(buildDoc(page("Sex: M F"))).sex).toBeUndefined();
    expect(values(buildDoc(page("Sex: Male / Female"))).sex).toBeUndefined();
  });
});

describe("values on the next line", () => {
  it("reads the line below a label that has no value", () => {
    const doc = buildDoc(
      page(
        { text: "Patient Name:", x: 0.05, y: 0.1 },
        { text: "Date of Birth:", x: 0.55, y: 0.1 },
        { text: "Jane Doe", x: 0.05, y: 0.115 },
        { text: "03/14/1962", x: 0.55, y: 0.115 },
      ),
    );
    const f = fields(doc);
    expect(f.patientName?.value).toBe("Jane Doe");
    expect(f.dateOfBirth?.value).toBe("1962-03-14");
    expect(f.patientName?.confidence).toBeCloseTo(0.99 * 0.9, 3);
  });

  it("takes only the label's column when the value line spans columns", () => {
    const doc = buildDoc(
      page(
        { text: "Patient Name:                 MRN:", y: 0.1 },
        { text: "Jane Doe                      00123", y: 0.115 },
      ),
    );
    expect(values(doc)).toMatchObject({ patientName: "Jane Doe", mrn: "00123" });
  });

  it("does not read another label row as a value", () => {
    const doc = buildDoc(page({ text: "Patient Name:", y: 0.1 }, { text: "MRN: 00123", y: 0.115 }));
    expect(values(doc)).toEqual({ mrn: "00123" });
  });

  it("does not reach for a line far below", () => {
    const doc = buildDoc(page({ text: "Patient Name:", y: 0.1 }, { text: "Jane Doe", y: 0.3 }));
    expect(values(doc).patientName).toBeUndefined();
  });
});

describe("two-digit years", () => {
  it("reads a DOB in the past and a service date near now", () => {
    const doc = buildDoc(page("DOB: 3-14-62   DOS: 4/2/25", "Admitted: 12/30/24"));
    expect(values(doc)).toMatchObject({
      dateOfBirth: "1962-03-14",
      dateOfService: "2025-04-02",
      admissionDate: "2024-12-30",
    });
  });

  it("puts a two-digit birth year that would be in the future in the 1900s", () => {
    expect(values(buildDoc(page("DOB: 08/01/25"))).dateOfBirth).toBe("1925-08-01");
    expect(values(buildDoc(page("DOB: 01/15/05"))).dateOfBirth).toBe("2005-01-15");
  });
});

describe("FORMS key/value pairs", () => {
  it("reads KEY_VALUE_SET values at 0.97 certainty", () => {
    const doc = buildDoc(page({ text: "Date of Birth: 03/14/1962", kv: true, conf: 90 }));
    const f = fields(doc).dateOfBirth;
    expect(f?.value).toBe("1962-03-14");
    // The same value is found on the line (0.98) and in the pair (0.97): the better one wins.
    expect(f?.confidence).toBeCloseTo(0.9 * 0.98, 3);
  });

  it("composes First Name + Last Name into the patient name", () => {
    const doc = buildDoc(
      page(
        { text: "First Name: Jane", kv: true, y: 0.1 },
        { text: "Last Name: Doe", kv: true, y: 0.1, x: 0.5 },
        { text: "Emergency Contact:", y: 0.3 },
        { text: "First Name: John", kv: true, y: 0.32 },
        { text: "Last Name: Roe", kv: true, y: 0.32, x: 0.5 },
      ),
    );
    expect(values(doc).patientName).toBe("Jane Doe");
  });
});

describe("tables and queries", () => {
  it("reads label/value table rows", () => {
    const doc = buildDoc({
      lines: [],
      tables: [
        {
          y: 0.1,
          rows: [
            ["Patient Name", "Jane Doe"],
            ["DOB", "03/14/1962"],
            ["Account #", "998877"],
          ],
        },
      ],
    });
    expect(values(doc)).toMatchObject({ patientName: "Jane Doe", dateOfBirth: "1962-03-14" });
    expect(values(doc).mrn).toBeUndefined();
  });

  it("reads QUERIES answers by alias or question, with the answer's confidence × 0.95", () => {
    const doc = buildDoc({
      lines: ["Jane Doe", "born 03/14/1962"],
      queries: [
        { text: "What is the patient name?", alias: "PATIENT_NAME", answer: "Jane Doe", confidence: 80 },
        { text: "What is the date of birth?", answer: "03/14/1962", confidence: 90 },
        { text: "What is the employee name?", alias: "EMPLOYEE", answer: "Jane Doe", confidence: 99 },
      ],
    });
    const f = fields(doc);
    expect(f.patientName?.value).toBe("Jane Doe");
    expect(f.patientName?.confidence).toBeCloseTo(0.8 * 0.95, 3);
    // The answer's words were found on the page, so the field has their box.
    expect(f.patientName?.bbox.width).toBeGreaterThan(0);
    expect(f.dateOfBirth?.value).toBe("1962-03-14");
    expect(f.provider).toBeUndefined();
  });
});

describe("facility letterhead", () => {
  it("reads a prominent hospital name at the top of page 1", () => {
    const doc = buildDoc(
      page({ text: "St. Luke's Medical Center", height: 0.03 }, "PROGRESS NOTE", "Patient: Jane Doe"),
    );
    const f = fields(doc).facility;
    expect(f?.value).toBe("St. Luke's Medical Center");
    expect(f?.confidence).toBeCloseTo(0.99 * 0.9, 3);
  });

  it("does not take the document title or a line lower on the page", () => {
    const doc = buildDoc(page("RADIOLOGY REPORT", { text: "Mercy Hospital", y: 0.6 }));
    expect(fields(doc).facility).toBeUndefined();
  });

  it("does not take a footer notice after the facility's name as the facility", () => {
    const doc = buildDoc(
      page("LABORATORY REPORT", "Patient: Jane Doe", {
        text: "Maplewood General Hospital -   CONFIDENTIAL PATIENT INFORMATION",
        y: 0.95,
      }),
    );
    expect(values(doc).facility).not.toBe("CONFIDENTIAL PATIENT INFORMATION");
  });

  it("finds the letterhead by position when OCR reads a left column of labels first", () => {
    const labels = ["Patient:", "Sex:", "Account #:", "Provider:", "CURRENT MEDICATIONS:"];
    const meds = ["1. Jolivette 28 Day Pack", "2. Ibuprofen 200 MG Oral", "3. Camila 28 Day Pack"];
    const doc = buildDoc(
      page(
        ...labels.map((text, i) => ({ text, x: 0.1, y: 0.17 + i * 0.02 })),
        ...meds.map((text, i) => ({ text, x: 0.1, y: 0.28 + i * 0.02 })),
        { text: "Saltmarsh Family Health Clinic", x: 0.32, y: 0.07 },
        { text: "MEDICATION RECONCILIATION", x: 0.32, y: 0.13 },
      ),
    );
    // Column by column, as tesseract reads it: the left column's lines come before the letterhead.
    const column = (b: TextractBlock) =>
      b.BlockType === "LINE" && (b.Geometry?.BoundingBox.Left ?? 0) > 0.3 ? 1 : 0;
    const inColumns = { ...doc, Blocks: [...doc.Blocks].sort((a, b) => column(a) - column(b)) };
    expect(inColumns.Blocks.findIndex((b) => b.Text === "Saltmarsh Family Health Clinic")).toBeGreaterThan(8);
    expect(values(inColumns).facility).toBe("Saltmarsh Family Health Clinic");
  });

  it("drops a logo read as a short, unsure word before the letterhead's name", () => {
    const doc = buildDoc(
      page({ text: "Ne Maplewood General Hospital", conf: [13, 95, 96, 96] }, "OPERATIVE REPORT"),
    );
    expect(values(doc).facility).toBe("Maplewood General Hospital");
  });

  it("prefers an explicit Facility: label", () => {
    const doc = buildDoc(page("Springfield Health System", "Facility: Lakeside Clinic"));
    expect(values(doc).facility).toBe("Lakeside Clinic");
  });
});

describe("multi-page", () => {
  it("reports the page each value came from", () => {
    const doc = buildDoc([
      page("PROGRESS NOTE", "Visit Date: 04/02/2025"),
      page("Patient: Jane Doe", "MRN: 00123"),
    ]);
    const f = fields(doc);
    expect(f.dateOfService?.page).toBe(1);
    expect(f.patientName?.page).toBe(2);
    expect(f.mrn?.page).toBe(2);
    expect(extract(doc).pageCount).toBe(2);
  });
});
