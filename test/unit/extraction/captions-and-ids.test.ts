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
