/**
 * Labels as OCR reads them off worn scans: parenthetical hints after a label, grid captions misread or
 * followed by specks, captions with one wrong letter. Lines mirror what the local OCR printed for degraded
 * synthetic charts (bench/accuracy.ts --sets degraded --verbose).
 */
import { describe, expect, it } from "vitest";
import { extractDocument } from "../../support/extraction";
import type { TextractDocument } from "../../../shared/ocr/textract-blocks";
import { buildDoc, page, REF_DATE } from "./build-blocks";

const values = (doc: TextractDocument) =>
  Object.fromEntries(
    Object.entries(extractDocument(doc, { referenceDate: REF_DATE }).fields).map(([k, f]) => [k, f?.value]),
  );

describe("parenthetical hints after a label", () => {
  it("reads 'Name (Last, First):' and 'Sex (M/F):' as labels", () => {
    const doc = buildDoc(
      page(
        "Name (Last, First): Wyman, Colin        Date of Birth: 11/28/95",
        "Sex (M/F): M        Chart #: MRN-628981",
      ),
    );
    expect(values(doc)).toMatchObject({
      patientName: "Wyman, Colin",
      dateOfBirth: "1995-11-28",
      sex: "male",
      mrn: "MRN-628981",
    });
  });

  it("uses a '(Last, First)' hint to mark the order of a name printed without its comma", () => {
    // Names keep their printed order; the comma says which word is the family name.
    expect(values(buildDoc(page("Patient Name (Last, First): Wyman Colin"))).patientName).toBe(
      "Wyman, Colin",
    );
    // Without a hint the printed order stands.
    expect(values(buildDoc(page("Patient Name: Colin Wyman"))).patientName).toBe("Colin Wyman");
  });

  it("reads 'Date of Birth (mm/dd/yyyy):'", () => {
    expect(values(buildDoc(page("Date of Birth (mm/dd/yyyy): 03/14/1962"))).dateOfBirth).toBe("1962-03-14");
  });

  it("does not take a value in parentheses for a hint", () => {
    // "(62 y/o)" after the name is part of the value line, not a hint; the name still reads.
    expect(values(buildDoc(page("Patient: Jane Doe (62 y/o)"))).patientName).toBe("Jane Doe");
  });
});

describe("grid captions on a worn scan (values on the line below)", () => {
  const doc = buildDoc(
    page(
      { text: "Saltmarsh Family Health Clinic", height: 0.018, x: 0.09, y: 0.08 },
      { text: "ADMISSION HISTORY AND PHYSICAL", x: 0.29, y: 0.15 },
      // Specks after "Date of Birth", "Gender" read as "Gander".
      { text: "Patient Name                  Date of Birth     .  !            Gander", x: 0.1, y: 0.186 },
      { text: "Garfield Donnelly             December 12, 1990                 Male .", x: 0.1, y: 0.199 },
      // "Date of Exam" garbled beyond recognition.
      { text: "Medical Record No,      .     Dae olExem                        Physician", x: 0.1, y: 0.221 },
      {
        text: "37406846                      January 29, 2024                  Dr. Alan Reyes, MD",
        x: 0.1,
        y: 0.234,
      },
      { text: "REASON FOR CONSULTATION:", x: 0.09, y: 0.264 },
    ),
  );

  it("still reads the values under captions followed by specks or misread captions", () => {
    expect(values(doc)).toMatchObject({
      patientName: "Garfield Donnelly",
      dateOfBirth: "1990-12-12",
      sex: "male",
      mrn: "37406846",
      provider: "Dr. Alan Reyes, MD",
    });
  });

  it("does not borrow a date from the next line for a label used in prose", () => {
    const d = buildDoc(
      page(
        { text: "Date of Birth confirmed with the patient at check-in.", y: 0.1 },
        { text: "Seen 01/02/2024 for follow-up of hypertension.", y: 0.113 },
      ),
    );
    expect(values(d).dateOfBirth).toBeUndefined();
  });

  it("a misread caption needs column gaps around it (not prose)", () => {
    const d = buildDoc(page({ text: "Discussed Gander identity", y: 0.1 }, { text: "Male", y: 0.113 }));
    expect(values(d).sex).toBeUndefined();
  });
});

describe("dense prose", () => {
  it("does not read 'The patient' in a justified sentence as a caption over the next heading", () => {
    // Word gaps wider than the letters are tall (justified, small type), the next line a heading.
    const doc = buildDoc(
      page(
        "PROGRESS NOTE",
        {
          text: "None.   The   patient   has   declined   use   of   chair   check   and   bed   check.",
          y: 0.3,
        },
        { text: "INTERVAL HISTORY:", y: 0.325 },
      ),
    );
    expect(values(doc).patientName).toBeUndefined();
  });
});

describe("specks and skew", () => {
  it("skips a speck OCR read between 'Sex:' and the answer", () => {
    expect(values(buildDoc(page("Sex:  a    Female      Med Rec #:  MRN-980982"))).sex).toBe("female");
    expect(values(buildDoc(page("Sex:   ’     Female"))).sex).toBe("female");
    // The printed choices of a blank form are still not an answer.
    expect(values(buildDoc(page("Sex:  .  M   F"))).sex).toBeUndefined();
  });

  it("reads a sex answer misread by one letter, and an MRN behind a bracket speck, as repairs", () => {
    const doc = buildDoc(
      page("Patient: Marvin Morar    DOB: 05/08/1970", "Sex: ‘ b Mule    MR#:  }  44544092"),
    );
    const f = extractDocument(doc, { referenceDate: REF_DATE }).fields;
    expect(f.sex?.value).toBe("male");
    expect(f.sex?.confidence).toBeLessThan(0.85);
    expect(f.mrn?.value).toBe("44544092");
  });

  it("reads right-column values on a skewed scan from the row the label is on", () => {
    // Values right of the labels, each a little higher than the label (page rotated counter-clockwise); the
    // label lines are long, so their boxes reach down into the next row.
    const doc = buildDoc(
      page(
        { text: "Name:      Dolores Salazar        Birth Date:", x: 0.09, y: 0.168 },
        { text: "September 28, 1992", x: 0.7, y: 0.163 },
        { text: "Gender:    Female      Medical Record No:", x: 0.09, y: 0.189 },
        { text: "52736889", x: 0.69, y: 0.185 },
      ),
    );
    expect(values(doc)).toMatchObject({ dateOfBirth: "1992-09-28", mrn: "52736889", sex: "female" });
  });

  it("reads a value below a caption when the row below is skewed", () => {
    // Each word of the value row sits lower the further right it is (page rotated clockwise).
    const doc = buildDoc(
      page(
        { text: "Patient Name                  Date of Birth                     Gender", x: 0.1, y: 0.174 },
        { text: "Garfield Donnelly", x: 0.1, y: 0.185 },
        { text: "December 12, 1990", x: 0.34, y: 0.19 },
        { text: "Male", x: 0.58, y: 0.196 },
      ),
    );
    expect(values(doc)).toMatchObject({
      patientName: "Garfield Donnelly",
      dateOfBirth: "1990-12-12",
      sex: "male",
    });
  });
});

describe("claim and remittance pages", () => {
  it("a payment, check or print date is not the date of service", () => {
    const d = buildDoc(page("ePayment Transmittal", "Payment Date: 09/28/2022", "Check Date: 09/29/2022"));
    expect(values(d).dateOfService).toBeUndefined();
  });

  it("reads a service line's from–to range under a 'Date of Service' column caption", () => {
    // Textract gives one LINE per cell; a wider procedure cell sits between the caption and its value.
    const d = buildDoc(
      page(
        { text: "Date of Service", x: 0.079, y: 0.416, height: 0.008 },
        { text: "Procedure", x: 0.258, y: 0.416, height: 0.008 },
        { text: "Amount", x: 0.414, y: 0.422, height: 0.008 },
        { text: "90651 9VHPV VACC 2/3 DOSE SCHED IM", x: 0.177, y: 0.435, height: 0.008 },
        { text: "09/10/22-09/10/22", x: 0.076, y: 0.441, height: 0.008 },
        { text: "$235.00", x: 0.428, y: 0.441, height: 0.008 },
      ),
    );
    expect(values(d).dateOfService).toBe("2022-09-10");
  });

  it("a page listing two patients' claims goes to review", () => {
    const d = buildDoc(
      page(
        "ePayment Transmittal",
        "PT: Jane Doe      PT. DOB: 2004-02-14",
        "Date of Service: 09/10/22",
        "PT: John Roe      PT. DOB: 1997-10-07",
        "Date of Service: 09/10/22",
      ),
    );
    const r = extractDocument(d, { referenceDate: REF_DATE });
    expect(r.fields.patientName?.value).toBe("Jane Doe");
    expect(r.fields.patientName?.confidence).toBeLessThan(0.8);
    expect(r.fields.dateOfBirth?.confidence).toBeLessThan(0.8);
  });
});

describe("letterhead", () => {
  it("a sentence near the top that mentions healthcare is not the facility", () => {
    const d = buildDoc(
      page(
        "Pt: Jane Doe   DOB 03/14/1962   MRN# 0877837",
        "CODE STATUS:",
        "Do not resuscitate, healthcare proxy, palliative care orders in place.",
      ),
    );
    expect(values(d).facility).toBeUndefined();
    expect(values(buildDoc(page("Cedar Hollow Regional Hospital", "Patient: Jane Doe"))).facility).toBe(
      "Cedar Hollow Regional Hospital",
    );
  });
});

describe("signature date fallback", () => {
  it("is not used for an inpatient stay (admission/discharge dates date it)", () => {
    const d = buildDoc(
      page(
        "DISCHARGE SUMMARY",
        "Patient: Jane Doe   Admission Date: 10/20/2022   Discharge Date: 10/24/2022",
        "Electronically signed by: Dr. Ann Lee, MD on October 26, 2022",
      ),
    );
    expect(values(d)).toMatchObject({ admissionDate: "2022-10-20", dischargeDate: "2022-10-24" });
    expect(values(d).dateOfService).toBeUndefined();
  });
});

describe("letters and signature blocks", () => {
  it("reads the patient from a letter's RE: line and the provider from the typed name under the closing", () => {
    const doc = buildDoc(
      page(
        "October 11, 2023",
        "Dr. Rosa Delgado",
        "Riverside Primary Care",
        "RE: Carson Ernser",
        "Dear Dr. Rosa Delgado:",
        "Thank you for referring this patient.",
        { text: "Sincerely,", y: 0.8 },
        { text: "P Nzarajar", y: 0.83 }, // the scrawled signature, read as letters
        { text: "Dr. Priya Natarajan, MD", y: 0.86 },
      ),
    );
    expect(values(doc)).toMatchObject({ patientName: "Carson Ernser", provider: "Dr. Priya Natarajan, MD" });
  });

  it("takes the typed name above an NPI / Signed line, but not a sentence that starts with a doctor's name", () => {
    const signed = buildDoc(
      page("CONSULTATION NOTE", { text: "Dr. Naomi Sato, DO", y: 0.82 }, "NPI 1498381733 Signed 09/19/2024"),
    );
    expect(values(signed).provider).toBe("Dr. Naomi Sato, DO");
    const prose = buildDoc(
      page("PROGRESS NOTE", { text: "Dr. Lee will see the patient again", y: 0.82 }, "Signed 09/19/2024"),
    );
    expect(values(prose).provider).toBeUndefined();
  });

  it("does not take a capitalized word opening a sentence as the provider", () => {
    const doc = buildDoc(
      page("COMMENTS:", "Medications Prescribed: Therapeutic trial of Inderal 40mg daily"),
    );
    expect(values(doc).provider).toBeUndefined();
  });
});

describe("stacked labels (each caption alone on its line, its value below)", () => {
  it("reads generic captions that stand alone over their values", () => {
    const doc = buildDoc(
      page(
        "CLINICAL LABORATORY RESULTS",
        { text: "Patient Name", x: 0.1, y: 0.186 },
        { text: "Steffanie O'Keefe", x: 0.1, y: 0.199 },
        { text: "Gender", x: 0.64, y: 0.186 },
        { text: "Female", x: 0.64, y: 0.199 },
        { text: "Collected", x: 0.37, y: 0.221 },
        { text: "January 26, 2022", x: 0.37, y: 0.234 },
      ),
    );
    expect(values(doc)).toMatchObject({ sex: "female", dateOfService: "2022-01-26" });
  });

  it("does not take a drug under a lone 'Name' column header as the patient", () => {
    const doc = buildDoc(
      page("MEDICATION LIST", { text: "Name", x: 0.1 }, { text: "Lisinopril 10 mg daily", x: 0.1 }),
    );
    expect(values(doc).patientName).toBeUndefined();
  });
});
