/**
 * Header layouts of the synthetic corpus (samples/generator/layouts.ts), rebuilt as OCR lines the way the
 * local OCR reads them: one LINE per printed row, columns separated by wide gaps.
 */
import { describe, expect, it } from "vitest";
import { extractDocument } from "../../support/extraction";
import type { TextractDocument } from "../../../shared/ocr/textract-blocks";
import { buildDoc, page, REF_DATE } from "./build-blocks";

const values = (doc: TextractDocument) =>
  Object.fromEntries(
    Object.entries(extractDocument(doc, { referenceDate: REF_DATE }).fields).map(([k, f]) => [k, f?.value]),
  );

describe("stacked labels (caption above the value, three cells per row, no colons)", () => {
  // "Patient Name" at x 0.10, "Date of Birth" at 0.37, "Gender" at 0.64 — as tesseract merges a grid row.
  const doc = buildDoc(
    page(
      { text: "Saltmarsh Family Health Clinic", height: 0.018, x: 0.09, y: 0.08 },
      { text: "ADMISSION HISTORY AND PHYSICAL", x: 0.29, y: 0.15 },
      { text: "Patient Name                  Date of Birth                     Gender", x: 0.1, y: 0.186 },
      { text: "Garfield Donnelly             December 12, 1990                 Male", x: 0.1, y: 0.199 },
      { text: "Medical Record No.            Date of Exam                      Physician", x: 0.1, y: 0.221 },
      {
        text: "37406846                      January 29, 2024                  Dr. Alan Reyes, MD",
        x: 0.1,
        y: 0.234,
      },
      { text: "REASON FOR CONSULTATION:", x: 0.09, y: 0.264 },
      { text: "Renal failure evaluation for possible dialysis therapy.", x: 0.09, y: 0.283 },
    ),
  );

  it("reads every cell's value from the line below, within its column", () => {
    expect(values(doc)).toMatchObject({
      patientName: "Garfield Donnelly",
      dateOfBirth: "1990-12-12",
      sex: "male",
      mrn: "37406846",
      dateOfService: "2024-01-29",
      provider: "Dr. Alan Reyes, MD",
    });
  });

  it("reads a long date ('March 14, 1962') under a caption", () => {
    const d = buildDoc(
      page(
        { text: "Patient Name            Date of Birth", y: 0.1 },
        { text: "Jane Doe                March 14, 1962", y: 0.113 },
      ),
    );
    expect(values(d)).toMatchObject({ patientName: "Jane Doe", dateOfBirth: "1962-03-14" });
  });

  it("still ignores a generic word ending a prose line", () => {
    const d = buildDoc(
      page({ text: "Follow up with the referring physician", y: 0.1 }, { text: "Jane Doe", y: 0.113 }),
    );
    expect(values(d).provider).toBeUndefined();
    // A generic caption needs a column gap before it when it ends the line.
    const e = buildDoc(page({ text: "Discussed with Gender", y: 0.1 }, { text: "Male", y: 0.113 }));
    expect(values(e).sex).toBeUndefined();
  });
});

describe("provider labels and signatures", () => {
  it("reads 'Seen by:' with a capitalized name without Dr. (dense transcription line)", () => {
    const doc = buildDoc(
      page(
        "Pt: O'KEEFE, STEFFANIE   DOB 11/29/78   MRN# 0877837",
        "DOS: 9/18/24   Seen by: THOMAS LINDQVIST, MD",
      ),
    );
    expect(values(doc)).toMatchObject({ provider: "THOMAS LINDQVIST, MD", dateOfService: "2024-09-18" });
  });

  it("reads 'Admitting MD:' and 'Ordered By:'", () => {
    expect(values(buildDoc(page("DOS: 6/18/25   Admitting MD: PRIYA NATARAJAN, MD"))).provider).toBe(
      "PRIYA NATARAJAN, MD",
    );
    expect(
      values(buildDoc(page("Collected:     05/23/2024        Ordered By:      Dr. Samuel Okafor, DO"))),
    ).toMatchObject({ provider: "Dr. Samuel Okafor, DO", dateOfService: "2024-05-23" });
  });

  it("reads a 'Seen by:' cell of an EHR grid", () => {
    const doc = buildDoc(
      page(
        "Encounter #:     E0293952          DOS:            2023-04-26",
        "Seen by:         Dr. Helen Marsh, MD",
      ),
    );
    expect(values(doc)).toMatchObject({ provider: "Dr. Helen Marsh, MD", dateOfService: "2023-04-26" });
  });

  it("reads an e-signature followed by 'on <date> <time>'", () => {
    const doc = buildDoc(page("Electronically signed by: Dr. Samuel Okafor, DO on 05/23/2024 12:52"));
    expect(values(doc).provider).toBe("Dr. Samuel Okafor, DO");
  });

  it("keeps lower-case name particles", () => {
    const doc = buildDoc(page("Attending Physician: Dr. Anna van der Berg, MD"));
    expect(values(doc).provider).toBe("Dr. Anna van der Berg, MD");
  });

  it("prefers the header's provider over the signature", () => {
    const doc = buildDoc(
      page("Attending: Dr. Alan Reyes, MD", {
        text: "Electronically signed by: Dr. Grace Whitfield, MD on 05/06/2024 11:59",
        y: 0.8,
      }),
    );
    expect(values(doc).provider).toBe("Dr. Alan Reyes, MD");
  });
});

describe("date of service label variants", () => {
  it.each([
    ["Procedure Date:", "05-06-2024", "2024-05-06"],
    ["Date of Surgery:", "05/06/2024", "2024-05-06"],
    ["Date of Procedure:", "05/06/2024", "2024-05-06"],
    ["Consult Date:", "March 3, 2025", "2025-03-03"],
    ["Study Date:", "3/13/23", "2023-03-13"],
    ["Date Reviewed:", "01/02/2025", "2025-01-02"],
    ["List Date:", "01/02/2025", "2025-01-02"],
  ])("reads %s", (label, printed, iso) => {
    const doc = buildDoc(page(`${label}  ${printed}        Primary Surgeon:  Dr. Grace Whitfield, MD`));
    expect(values(doc).dateOfService).toBe(iso);
  });

  it("reads a procedure date under a running header (patient line at the top, no labels on it)", () => {
    const doc = buildDoc(
      page(
        {
          text: "O'CONNER, DOREEN  MRN: MRN-980982  DOB: 03-05-1942                     REPORT OF OPERATION",
          y: 0.046,
        },
        { text: "Pt Name:            Doreen O'Conner        D.O.B.:           03-05-1942", y: 0.168 },
        {
          text: "Procedure Date:     05-06-2024             Primary Surgeon:  Dr. Grace Whitfield, MD",
          y: 0.209,
        },
      ),
    );
    expect(values(doc)).toMatchObject({
      patientName: "Doreen O'Conner",
      dateOfBirth: "1942-03-05",
      dateOfService: "2024-05-06",
      provider: "Dr. Grace Whitfield, MD",
    });
  });

  it("prefers an explicit 'Date of Service' over the procedure date", () => {
    const doc = buildDoc(page("Date of Service: 05/01/2024", "Procedure Date: 05/06/2024"));
    expect(values(doc).dateOfService).toBe("2024-05-01");
  });
});
