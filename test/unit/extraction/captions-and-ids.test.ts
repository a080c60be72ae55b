import { describe, expect, it } from "vitest";
import { extractDocument } from "../../support/extraction";
import type { TextractDocument } from "../../../shared/ocr/textract-blocks";
import { buildDoc, REF_DATE } from "./build-blocks";

const values = (doc: TextractDocument) =>
  Object.fromEntries(
    Object.entries(extractDocument(doc, { referenceDate: REF_DATE }).fields).map(([k, f]) => [k, f?.value]),
  );

describe("'Patient number' as a weaker MRN label", () => {
  it("reads the id after 'Patient Number:' / 'Patient No.:' as the MRN", () => {
    expect(values(buildDoc({ lines: ["Patient Number: 012345abcd67"] })).mrn).toBe("012345abcd67");
    expect(values(buildDoc({ lines: ["Patient No.: 00451234"] })).mrn).toBe("00451234");
  });

  it("an explicit MRN label still wins over 'Patient number'", () => {
    const doc = buildDoc({ lines: ["Patient Number: 77777777", "MRN: 00123456"] });
    expect(values(doc).mrn).toBe("00123456");
  });
});

describe("QUERIES name answer vs captioned first/last name fields", () => {
  it("the captions decide which word is the first name when the query answer has them reversed", () => {
    const doc = buildDoc({
      lines: [
        { text: "Last Name: Mary", x: 0.05, y: 0.1, kv: true, conf: 92 },
        { text: "First Name: Major", x: 0.5, y: 0.1, kv: true, conf: 92 },
      ],
      queries: [
        { text: "What is the patient name?", alias: "PATIENT_NAME", answer: "Mary Major", confidence: 99 },
      ],
    });
    expect(values(doc).patientName).toBe("Major Mary");
  });

  it("a query answer in the captions' order is kept", () => {
    const doc = buildDoc({
      lines: [
        { text: "Last Name: Doe", x: 0.05, y: 0.1, kv: true },
        { text: "First Name: Jane", x: 0.5, y: 0.1, kv: true },
      ],
      queries: [{ text: "What is the patient name?", alias: "PATIENT_NAME", answer: "Jane Doe" }],
    });
    expect(values(doc).patientName).toBe("Jane Doe");
  });
});

describe("remittance / explanation of payment pages", () => {
  it("classify as insurance_claim by keywords (payor, claim, EOP)", () => {
    const doc = buildDoc({
      lines: [
        "ePayment Transmittal",
        "Claim Payor: Wellfleet",
        "CLAIM #: 202209130818",
        "please contact the Payor indicated in the box at the upper right hand corner of this EOP.",
      ],
    });
    expect(extractDocument(doc, { referenceDate: REF_DATE }).documentType).toBe("insurance_claim");
  });
});

describe("a blank form's printed captions after a name box", () => {
  it("are not a patient name (a UB-04 read 'REASON DX CODE' at 0.86)", () => {
    const doc = buildDoc({
      lines: ["UB-04 CLAIM", { text: "Patient Name: REASON DX CODE", conf: 96 }, "DOB: 03/04/1961"],
    });
    const { fields } = extractDocument(doc, { referenceDate: REF_DATE });
    expect(fields.patientName).toBeUndefined();
    expect(
      values(buildDoc({ lines: ["Patient Name: GROUP NUMBER POLICY OR GROUP"] })).patientName,
    ).toBeUndefined();
  });

  it("make a name holding one of them doubtful: below the review threshold, not filed on its own", () => {
    const doc = buildDoc({ lines: [{ text: "Patient Name: Grace Code", conf: 98 }, "DOB: 03/04/1961"] });
    const name = extractDocument(doc, { referenceDate: REF_DATE }).fields.patientName;
    expect(name?.value).toBe("Grace Code");
    expect(name!.confidence).toBeLessThan(0.8);
    const plain = buildDoc({ lines: [{ text: "Patient Name: Grace Cole", conf: 98 }, "DOB: 03/04/1961"] });
    expect(
      extractDocument(plain, { referenceDate: REF_DATE }).fields.patientName!.confidence,
    ).toBeGreaterThan(0.8);
  });
});

describe("captions printed under their fill lines (a vaccination record card)", () => {
  const card = () =>
    buildDoc({
      lines: [
        { text: "Mary", x: 0.04, y: 0.145, height: 0.03 },
        { text: "Major M", x: 0.29, y: 0.141, height: 0.03 },
        { text: "Last Name", x: 0.03, y: 0.213, height: 0.019 },
        { text: "First Name MI", x: 0.29, y: 0.213, height: 0.019 },
        { text: "1/6/58", x: 0.04, y: 0.269, height: 0.03 },
        { text: "012345abcd67", x: 0.474, y: 0.271, height: 0.027 },
        { text: "Date of Birth", x: 0.03, y: 0.335, height: 0.021 },
        { text: "Patient number (medical record or IIS record number)", x: 0.463, y: 0.333, height: 0.028 },
      ],
    });

  it("reads each value from the line above its caption, for a person to confirm", () => {
    const { fields } = extractDocument(card(), { referenceDate: REF_DATE });
    expect(fields.patientName?.value).toBe("Major M Mary");
    expect(fields.dateOfBirth?.value).toBe("1958-01-06");
    expect(fields.mrn?.value).toBe("012345abcd67");
    for (const f of [fields.patientName, fields.dateOfBirth, fields.mrn])
      expect(f!.confidence).toBeLessThan(0.8);
  });

  it("never takes a value from above a caption that has a colon or a value of its own", () => {
    const doc = buildDoc({
      lines: [
        { text: "Referring: Ann Lee", x: 0.04, y: 0.15 },
        { text: "Patient Name:", x: 0.04, y: 0.17 },
        { text: "Jane Roe", x: 0.5, y: 0.3 },
        { text: "Date of Birth 03/04/1961", x: 0.04, y: 0.19 },
      ],
    });
    const { fields } = extractDocument(doc, { referenceDate: REF_DATE });
    expect(fields.patientName).toBeUndefined();
    expect(fields.dateOfBirth?.value).toBe("1961-03-04");
  });
});

describe("a name composed from bare first/last name captions", () => {
  const lines = [
    { text: "Resume", x: 0.4, y: 0.05 },
    { text: "Last Name: Doe", x: 0.05, y: 0.1 },
    { text: "First Name: John", x: 0.5, y: 0.1 },
    { text: "Previous jobs: Private Detective, Pastry Chef", x: 0.05, y: 0.2 },
  ];

  it("on a paper that is not a chart names someone, not a patient: reviewed", () => {
    const result = extractDocument(buildDoc({ lines }), { referenceDate: REF_DATE });
    expect(result.documentType).toBe("other");
    expect(result.fields.patientName?.value).toBe("John Doe");
    expect(result.fields.patientName!.confidence).toBeLessThan(0.8);
  });

  it("on a chart is the patient's name", () => {
    const chart = [
      { text: "DISCHARGE SUMMARY", x: 0.3, y: 0.03 },
      ...lines.slice(1, 3),
      { text: "Hospital course: admitted for pneumonia, discharged home.", x: 0.05, y: 0.3 },
      { text: "Discharge diagnosis: community acquired pneumonia", x: 0.05, y: 0.35 },
    ];
    const result = extractDocument(buildDoc({ lines: chart }), { referenceDate: REF_DATE });
    expect(result.documentType).toBe("discharge_summary");
    expect(result.fields.patientName!.confidence).toBeGreaterThan(0.8);
  });
});

describe("a name under a caption the rules do not know, on the line with the birth date", () => {
  const read = (...lines: string[]) => extractDocument(buildDoc({ lines }), { referenceDate: REF_DATE });

  it("is found, and always goes to review: the caption does not say whose name it is", () => {
    for (const [line, name] of [
      ["Resident: SMITH, JOHN   DOB: 03/14/1962", "SMITH, JOHN"],
      ["Client: Jane Q Doe   DOB 03/14/1962   Chart No 00123", "Jane Q Doe"],
      ["Child: Mary Major   MRN: 00451234", "Mary Major"],
    ] as const) {
      const r = read("OFFICE VISIT", line, "Assessment: stable.");
      expect(r.fields.patientName?.value, line).toBe(name);
      expect(r.fields.patientName!.confidence, line).toBeLessThan(0.8);
    }
  });

  it("over a birth date in a letter's reference block", () => {
    const r = read(
      "Dear Dr. Carver:",
      "Subject: Carson Ernser",
      "DOB: 03/14/1962",
      "Thank you for the referral.",
    );
    expect(r.fields.patientName?.value).toBe("Carson Ernser");
    expect(r.fields.patientName!.confidence).toBeLessThan(0.8);
    expect(read("Subject: Follow Up Visit", "DOB: 03/14/1962").fields.patientName).toBeUndefined();
    // Far below, or in another column, is not the identity's block.
    expect(
      read("Subject: Carson Ernser", "Seen today.", "DOB: 03/14/1962").fields.patientName,
    ).toBeUndefined();
  });

  it("not under a caption naming someone else, and not prose", () => {
    expect(read("OFFICE VISIT", "Mother: Jane Doe   DOB: 03/14/1962").fields.patientName).toBeUndefined();
    expect(read("OFFICE VISIT", "Insured: John Doe   DOB: 03/14/1962").fields.patientName).toBeUndefined();
    expect(read("OFFICE VISIT", "Note: she was seen   DOB: 03/14/1962").fields.patientName?.value).not.toBe(
      "She Was Seen",
    );
  });

  it("a caption the rules know still reads it at its own certainty", () => {
    const r = read("OFFICE VISIT", "Patient: Jane Doe   DOB: 03/14/1962");
    expect(r.fields.patientName?.value).toBe("Jane Doe");
    expect(r.fields.patientName!.confidence).toBeGreaterThan(0.9);
  });
});
