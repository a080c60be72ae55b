import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { extractDocument } from "../../support/extraction";
import { buildModel } from "../../../shared/extraction/model/document-model";
import { splitDocuments } from "../../../shared/extraction";
import { extractDocuments, splitDocument, subDocument } from "../../support/extraction";
import { sameName, normalizeMrnKey } from "../../../shared/extraction/split/identity";
import { numberingsOnLine } from "../../../shared/extraction/split/page-signals";
import { titleTypeOf as titleType } from "../../../shared/extraction/classify-document";
import type { TextractDocument } from "../../../shared/ocr/textract-blocks";
import { buildDoc, page, REF_DATE, type LineSpec, type PageSpec } from "./build-blocks";

const split = (doc: TextractDocument) => splitDocument(doc, { referenceDate: REF_DATE });
const ranges = (doc: TextractDocument) => split(doc).map((r) => r.pages);
const reasons = (doc: TextractDocument) => split(doc).map((r) => r.reason);

const footer = (text: string): LineSpec => ({ text, y: 0.95 });

const SMITH = "Patient: John Smith      DOB: 03/14/1962      MRN: 00123";
const DOE = "Patient: Jane Doe      DOB: 07/02/1975      MRN: 00987";

/** A first page: title, patient header, body. */
function firstPage(title: string, header: string, ...body: (string | LineSpec)[]): PageSpec {
  return page({ text: title, height: 0.025 }, header, ...body);
}

describe("splitDocument", () => {
  it("keeps one document over 3 pages with running headers and 'Page n of 3' footers as one range", () => {
    const doc = buildDoc([
      firstPage(
        "DISCHARGE SUMMARY",
        SMITH,
        "Admission Date: 05/01/2024      Discharge Date: 05/05/2024",
        "HOSPITAL COURSE:",
        "The patient was admitted with chest pain and ruled out for myocardial infarction.",
        footer("Page 1 of 3"),
      ),
      page(
        "SMITH, JOHN      MRN: 00123      Page 2 of 3",
        "He was seen in consultation by cardiology and started on aspirin.",
        footer("Page 2 of 3"),
      ),
      page(
        "SMITH, JOHN      MRN: 00123      Page 3 of 3",
        "DISCHARGE MEDICATIONS:",
        "Aspirin 81 mg daily",
        footer("Page 3 of 3"),
      ),
    ]);
    expect(split(doc)).toEqual([{ pages: [1, 3], reason: "start" }]);
  });

  it("splits two patients back to back (new-patient)", () => {
    const doc = buildDoc([
      firstPage("PROGRESS NOTE", SMITH, "Assessment: stable."),
      page("SMITH, JOHN      MRN: 00123", "Plan: follow up in 3 months."),
      firstPage("PROGRESS NOTE", DOE, "Assessment: improving."),
    ]);
    expect(split(doc)).toEqual([
      { pages: [1, 2], reason: "start" },
      { pages: [3, 3], reason: "new-patient" },
    ]);
  });

  it("splits on a different patient even when the page numbering says it continues", () => {
    const doc = buildDoc([
      page(SMITH, "Body text one.", footer("Page 1 of 2")),
      page(DOE, "Body text two.", footer("Page 2 of 2")),
    ]);
    expect(split(doc)).toEqual([
      { pages: [1, 1], reason: "start" },
      { pages: [2, 2], reason: "new-patient" },
    ]);
  });

  it("splits on a different MRN alone, and on a different running-header name alone", () => {
    const byMrn = buildDoc([
      page("Patient: John Smith      MRN: 00123", "Body."),
      page("Patient: John Smith      MRN: 00124", "Body."),
    ]);
    expect(reasons(byMrn)).toEqual(["start", "new-patient"]);
    const byHeaderName = buildDoc([
      page("SMITH, JOHN      MRN: 00123", "Body."),
      page("DOE, JANE      DOB: 07/02/1975", "Body."),
    ]);
    expect(reasons(byHeaderName)).toEqual(["start", "new-patient"]);
  });

  it("forgives one misread MRN character only when both pages print the very same patient name", () => {
    // A worn "1" read as "7" on page 1; pages 2 and 3 read it right.
    const slip = buildDoc([
      page("Patient: Wyman, Colin      MRN: MRN-628987", "Consultation report."),
      page("Patient: Wyman, Colin      MRN: MRN-628981", "Exam."),
      page("Patient: Wyman, Colin      MRN: MRN-628981", "Comments."),
    ]);
    expect(reasons(slip)).toEqual(["start"]);
    // Consecutive registrations: neighbouring MRNs, different (or unread) names are different patients.
    const neighbours = buildDoc([
      page("Patient: Colin Wyman      MRN: MRN-628981", "Body."),
      page("Patient: Calin Wyman      MRN: MRN-628982", "Body."), // one letter off: sameName, not the same print
      page("MRN: MRN-628983", "Body."),
    ]);
    expect(reasons(neighbours)).toEqual(["start", "new-patient", "new-patient"]);
    // Same name, two characters apart: not a slip.
    const twoApart = buildDoc([
      page("Patient: Colin Wyman      MRN: MRN-628981"),
      page("Patient: Colin Wyman      MRN: MRN-628917"),
    ]);
    expect(reasons(twoApart)).toEqual(["start", "new-patient"]);
  });

  it("keeps a chart whose running header reads the name with OCR's lookalike letters (rn for m) as one", () => {
    const doc = buildDoc([
      page("Name (Last, First): Wyrnan, Colin      Chart #: MRN-628981", "Consultation report."),
      page("Wyman, Colin      Chart #: MRN-628981", "Exam."),
      page("Wyman, Calin      Chart #: MRN-628981", "Comments."),
    ]);
    expect(reasons(doc)).toEqual(["start"]);
    // Another patient with the same record number printed is still another document.
    const other = buildDoc([
      page("Patient: Wyman, Colin      MRN: MRN-628981"),
      page("Patient: Wyatt, Collin      MRN: MRN-628981"),
    ]);
    expect(reasons(other)).toEqual(["start", "new-patient"]);
  });

  it("splits the same patient's two document types (new-title)", () => {
    const doc = buildDoc([
      firstPage("DISCHARGE SUMMARY", SMITH, "HOSPITAL COURSE:", "Uneventful."),
      page("SMITH, JOHN      MRN: 00123", "DISCHARGE MEDICATIONS:", "Aspirin 81 mg daily"),
      firstPage(
        "LABORATORY REPORT",
        SMITH,
        "Collected: 05/02/2024",
        "Test      Result      Units      Reference Range",
      ),
    ]);
    expect(split(doc)).toEqual([
      { pages: [1, 2], reason: "start" },
      { pages: [3, 3], reason: "new-title" },
    ]);
  });

  it("keeps a title repeated as a running header, but splits two same-titled notes of different dates", () => {
    const running = buildDoc([
      firstPage("LABORATORY REPORT", SMITH, "Collected: 05/02/2024", "Sodium 140 mmol/L"),
      firstPage("LABORATORY REPORT", SMITH, "Collected: 05/02/2024", "Potassium 4.1 mmol/L"),
    ]);
    expect(ranges(running)).toEqual([[1, 2]]);
    const twoNotes = buildDoc([
      firstPage("PROGRESS NOTE", SMITH, "Date of Service: 05/01/2024", "Assessment: stable."),
      firstPage("PROGRESS NOTE", SMITH, "Date of Service: 05/08/2024", "Assessment: better."),
    ]);
    expect(split(twoNotes)).toEqual([
      { pages: [1, 1], reason: "start" },
      { pages: [2, 2], reason: "new-title" },
    ]);
  });

  it("keeps a different title on a numbered continuation page ('Page 2 of 2')", () => {
    const doc = buildDoc([
      firstPage("DISCHARGE SUMMARY", SMITH, "Uneventful course.", footer("Page 1 of 2")),
      page("LABORATORY DATA", "Sodium 140 mmol/L", footer("Page 2 of 2")),
    ]);
    expect(ranges(doc)).toEqual([[1, 2]]);
  });

  it("excludes a blank separator page and starts a new document after it", () => {
    const doc = buildDoc([
      firstPage("PROGRESS NOTE", SMITH, "Assessment: stable."),
      page(),
      page("Assessment: continued from a note without a header."),
    ]);
    expect(split(doc)).toEqual([
      { pages: [1, 1], reason: "start" },
      { pages: [3, 3], reason: "after-separator" },
    ]);
  });

  it("treats a near-empty page (speckle, 'intentionally left blank') as blank", () => {
    const doc = buildDoc([
      page(SMITH, "Body."),
      page({ text: ".", y: 0.5 }, { text: "'", y: 0.7 }),
      page(SMITH, "More body."),
      page("This page intentionally left blank"),
    ]);
    expect(split(doc)).toEqual([
      { pages: [1, 1], reason: "start" },
      { pages: [3, 3], reason: "after-separator" },
    ]);
  });

  it("excludes a separator sheet ('SEPARATOR', batch barcode) between documents", () => {
    const doc = buildDoc([
      page(SMITH, "Body."),
      page({ text: "SEPARATOR", y: 0.45, height: 0.08 }),
      page(SMITH, "Body."),
      page({ text: "*BATCH0042*", y: 0.45 }),
      page(SMITH, "Body."),
    ]);
    expect(split(doc)).toEqual([
      { pages: [1, 1], reason: "start" },
      { pages: [3, 3], reason: "after-separator" },
      { pages: [5, 5], reason: "after-separator" },
    ]);
  });

  it("reports new-patient rather than after-separator when the patient changes across a separator", () => {
    const doc = buildDoc([page(SMITH, "Body."), page("SEPARATOR SHEET"), page(DOE, "Body.")]);
    expect(split(doc)).toEqual([
      { pages: [1, 1], reason: "start" },
      { pages: [3, 3], reason: "new-patient" },
    ]);
  });

  it("bridges a blank back page inside a numbered document (duplex scan)", () => {
    const doc = buildDoc([
      page(SMITH, "Body.", footer("Page 1 of 2")),
      page(),
      page("More body.", footer("Page 2 of 2")),
      page(),
    ]);
    expect(ranges(doc)).toEqual([[1, 3]]);
  });

  it("splits 'Page 1 of 2, Page 2 of 2, Page 1 of 1' into two documents (page-numbering)", () => {
    const doc = buildDoc([
      page("Results of the visit.", footer("Page 1 of 2")),
      page("More results.", footer("Page 2 of 2")),
      page("A short letter.", footer("Page 1 of 1")),
    ]);
    expect(split(doc)).toEqual([
      { pages: [1, 2], reason: "start" },
      { pages: [3, 3], reason: "page-numbering" },
    ]);
  });

  it("splits when the numbering does not continue (other total, or after 'm of m')", () => {
    const otherTotal = buildDoc([
      page("One.", footer("Page 1 of 3")),
      page("Two.", footer("Page 2 of 3")),
      page("Three.", footer("Page 3 of 4")),
    ]);
    expect(reasons(otherTotal)).toEqual(["start", "page-numbering"]);
    const afterLast = buildDoc([page("One.", footer("Page 1 of 1")), page("Two.", footer("Page 2 of 3"))]);
    expect(reasons(afterLast)).toEqual(["start", "page-numbering"]);
  });

  it("keeps a continuation page with only body text (no header, no title, no numbering)", () => {
    const doc = buildDoc([
      firstPage("CONSULTATION REPORT", SMITH, "REASON FOR CONSULT:", "Shortness of breath."),
      page(
        "was noted on exam. The patient had a consultation with pulmonology last year",
        "and a Laboratory report from May is reviewed below.",
      ),
    ]);
    expect(ranges(doc)).toEqual([[1, 2]]);
  });

  it("does not take a date of service next to the DOB for a different birth date", () => {
    const doc = buildDoc([
      firstPage("PROGRESS NOTE", "Patient: John Smith      DOB: 03/14/1962      DOS: 05/01/2024"),
      page("Smith, John      DOS: 05/01/2024      DOB: 03/14/1962", "Plan: continue."),
      page("SMITH, JOHN      DOB: 03/14/1962      Date of Service: 05/01/2024", "More plan."),
      page("John Smith      Date of Service: 05/01/2024", "Even more plan."),
    ]);
    expect(ranges(doc)).toEqual([[1, 4]]);
  });

  it("tolerates one OCR error in the repeated name", () => {
    const doc = buildDoc([
      page("Patient: John Smith      DOB: 03/14/1962", "Body."),
      page("Patient: John Smlth      DOB: 03/14/1962", "Body."),
      page("Patient: SMITH, J0HN", "Body."),
      page("SMlTH, JOHN      MRN: 00123", "Body."),
    ]);
    expect(ranges(doc)).toEqual([[1, 4]]);
  });

  it("keeps a file that is one document as one range when it has no signals at all", () => {
    const doc = buildDoc([page("Hello."), page("World."), page("Again.")]);
    expect(split(doc)).toEqual([{ pages: [1, 3], reason: "start" }]);
  });

  it("leaves leading and trailing blank pages out of the range", () => {
    const doc = buildDoc([page(), page(SMITH, "Body."), page("More."), page()]);
    expect(split(doc)).toEqual([{ pages: [2, 3], reason: "start" }]);
  });

  it("returns one range over all pages for an all-blank file, none for a file without pages", () => {
    expect(split(buildDoc([page(), page(), page()]))).toEqual([{ pages: [1, 3], reason: "start" }]);
    expect(split({ DocumentMetadata: { Pages: 0 }, Blocks: [] })).toEqual([]);
  });

  it("works without Page fields (synchronous Textract)", () => {
    const doc = buildDoc([page(SMITH, "Body."), page(DOE, "Body.")], { omitPageField: true });
    expect(split(doc)).toEqual([
      { pages: [1, 1], reason: "start" },
      { pages: [2, 2], reason: "new-patient" },
    ]);
  });

  it("does not take an emergency contact's name on a continuation page for a new patient", () => {
    const doc = buildDoc([
      page(
        { text: "PATIENT INTAKE FORM", height: 0.025 },
        "Patient Name: John Smith      DOB: 03/14/1962",
        "Address: 1 Main St",
      ),
      page("EMERGENCY CONTACT", "Name: Mary Smith      Phone: 555-0100", "Relationship: Spouse"),
    ]);
    expect(ranges(doc)).toEqual([[1, 2]]);
  });

  it("splits on a different DOB even with the same name (errs towards two records)", () => {
    const doc = buildDoc([
      page("Patient: John Smith      DOB: 03/14/1962", "Body."),
      page("Patient: John Smith      DOB: 11/02/1990", "Body."),
    ]);
    expect(reasons(doc)).toEqual(["start", "new-patient"]);
  });

  it("does not take a heading below running text for a title", () => {
    const doc = buildDoc([
      firstPage("DISCHARGE SUMMARY", SMITH, "Uneventful."),
      page(
        "the patient was discharged home in stable condition with follow up arranged in clinic",
        "CONSULTATION",
        "Cardiology saw him on day two.",
      ),
    ]);
    expect(ranges(doc)).toEqual([[1, 2]]);
  });

  it("reads identity from FORMS key/value pairs too", () => {
    const doc = buildDoc([
      page({ text: "Patient Name: John Smith", kv: true }, "Body."),
      page({ text: "Patient Name: Jane Doe", kv: true }, "Body."),
    ]);
    expect(reasons(doc)).toEqual(["start", "new-patient"]);
  });
});

describe("real Textract fixture", () => {
  const doc = JSON.parse(
    readFileSync(
      new URL("../../fixtures/textract/test_textractor_start_document_text_detection.json", import.meta.url),
      "utf8",
    ),
  ) as TextractDocument;

  it("keeps the 2-page Textractor test document as one range", () => {
    // Both pages print the same "Textractor Test / Document / Page (n)" layout and no patient or title the
    // classifier knows: nothing marks a boundary.
    expect(split(doc)).toEqual([{ pages: [1, 2], reason: "start" }]);
  });

  it("cuts each page out as its own document", () => {
    const second = subDocument(doc, [2, 2]);
    expect(second.DocumentMetadata.Pages).toBe(1);
    expect(second.Blocks.every((b) => b.Page === 1)).toBe(true);
    const model = buildModel(second);
    expect(model.pageCount).toBe(1);
    expect(model.lines.some((l) => l.text === "Page (2)")).toBe(true);
    expect(model.lines.some((l) => l.text === "Page (1)")).toBe(false);
  });
});

describe("real Textract fixture with two different forms", () => {
  const url = new URL("../../fixtures/textract/multi_page_example_file.json", import.meta.url);

  it("splits a patient intake form from a job application naming someone else", () => {
    const doc = JSON.parse(readFileSync(url, "utf8")) as TextractDocument;
    // Page 1: "Patient Information", ALEJANDRO ROSALEZ; page 2: "Employment Application", Full Name: Jane Doe
    // under "Applicant Information" (an applicant, not a patient: the new title is what splits).
    expect(split(doc)).toEqual([
      { pages: [1, 1], reason: "start" },
      { pages: [2, 2], reason: "new-title" },
    ]);
  });
});

describe("subDocument", () => {
  const doc = buildDoc([
    firstPage("PROGRESS NOTE", SMITH, "Assessment: stable."),
    page(),
    {
      lines: [{ text: "LABORATORY REPORT", height: 0.025 }, { text: DOE, kv: true }, "Sodium 140 mmol/L"],
      tables: [
        {
          y: 0.5,
          rows: [
            ["Test", "Result"],
            ["Sodium", "140"],
          ],
        },
      ],
    },
  ]);

  it("renumbers pages from 1 and keeps relationships inside the range", () => {
    const sub = subDocument(doc, [3, 3]);
    expect(sub.DocumentMetadata.Pages).toBe(1);
    expect(new Set(sub.Blocks.map((b) => b.Page))).toEqual(new Set([1]));
    const ids = new Set(sub.Blocks.map((b) => b.Id));
    for (const b of sub.Blocks)
      for (const r of b.Relationships ?? []) for (const id of r.Ids) expect(ids.has(id)).toBe(true);
    const pageBlock = sub.Blocks.find((b) => b.BlockType === "PAGE");
    expect(pageBlock?.Relationships?.[0]?.Ids.length).toBeGreaterThan(0);
    // The input is untouched.
    expect(doc.Blocks.filter((b) => b.Page === 3).length).toBe(sub.Blocks.length);
  });

  it("extracts one logical document", () => {
    const r = extractDocument(subDocument(doc, [3, 3]), { referenceDate: REF_DATE });
    expect(r.documentType).toBe("lab_report");
    expect(r.pageCount).toBe(1);
    expect(r.fields.patientName).toMatchObject({ value: "Jane Doe", page: 1 });
    expect(r.fields.mrn?.value).toBe("00987");
  });

  it("keeps Warnings for the pages in range, renumbered", () => {
    const sub = subDocument(
      {
        ...doc,
        Warnings: [
          { ErrorCode: "W", Pages: [1, 3] },
          { ErrorCode: "X", Pages: [2] },
        ],
      },
      [2, 3],
    );
    expect(sub.Warnings).toEqual([
      { ErrorCode: "W", Pages: [2] },
      { ErrorCode: "X", Pages: [1] },
    ]);
  });
});

describe("extractDocuments", () => {
  it("extracts each logical document with its own identity and type", () => {
    const doc = buildDoc([
      firstPage("DISCHARGE SUMMARY", SMITH, "Uneventful."),
      page("SMITH, JOHN      MRN: 00123", "Aspirin 81 mg daily"),
      page(),
      firstPage("LABORATORY REPORT", DOE, "Collected: 05/02/2024"),
    ]);
    const out = extractDocuments(doc, { referenceDate: REF_DATE });
    expect(out.map((d) => d.pages)).toEqual([
      [1, 2],
      [4, 4],
    ]);
    expect(out[0]?.result).toMatchObject({ documentType: "discharge_summary", pageCount: 2 });
    expect(out[0]?.result.fields.patientName?.value).toBe("John Smith");
    expect(out[1]?.result).toMatchObject({ documentType: "lab_report", pageCount: 1 });
    expect(out[1]?.result.fields.patientName?.value).toBe("Jane Doe");
    expect(out[1]?.result.fields.dateOfBirth?.value).toBe("1975-07-02");
  });

  it("gives a one-document file exactly one result equal to extractDocument", () => {
    const doc = buildDoc([firstPage("PROGRESS NOTE", SMITH, "Assessment: stable."), page("Plan: rest.")]);
    const out = extractDocuments(doc, { referenceDate: REF_DATE });
    expect(out).toHaveLength(1);
    expect(out[0]?.result).toEqual(extractDocument(doc, { referenceDate: REF_DATE }));
  });
});

describe("helpers", () => {
  it("compares names allowing order, initials and one OCR slip per word", () => {
    expect(sameName("SMITH, JOHN", "John Smith")).toBe(true);
    expect(sameName("John A. Smith", "John Smith")).toBe(true);
    expect(sameName("John Smlth", "John Smith")).toBe(true);
    expect(sameName("John Smith", "Jane Smith")).toBe(false);
    expect(sameName("John Smith Jr", "John Smith Sr")).toBe(false);
    expect(sameName("Li Wei", "Lu Wei")).toBe(false);
    expect(sameName("Wyrnan, Colin", "Colin Wyman")).toBe(true); // rn read for m
    expect(sameName("Arnold Clark", "Amold Dark")).toBe(true); // one lookalike per word
    expect(sameName("Wyrnan, Calin", "Colin Wyman")).toBe(true);
    expect(sameName("Vvyrnan, Calin", "Colin Wyman")).toBe(false); // two slips in one word
  });

  it("normalizes MRNs for comparison", () => {
    expect(normalizeMrnKey("00-123")).toBe(normalizeMrnKey("123"));
    expect(normalizeMrnKey("0O123")).toBe("123");
    expect(normalizeMrnKey("00123")).not.toBe(normalizeMrnKey("00124"));
  });

  it("reads page numbering", () => {
    expect(numberingsOnLine("SMITH, JOHN  MRN: 00123  Page 2 of 3")).toEqual([{ n: 2, of: 3 }]);
    expect(numberingsOnLine("Pg. 1/4")).toEqual([{ n: 1, of: 4 }]);
    expect(numberingsOnLine("Page 7")).toEqual([{ n: 7 }]);
    expect(numberingsOnLine("2 of 5")).toEqual([{ n: 2, of: 5 }]);
    expect(numberingsOnLine("Page (2)")).toEqual([{ n: 2 }]);
    expect(numberingsOnLine("Printed 06/01/2024 Page 3")).toEqual([{ n: 3 }]);
    expect(numberingsOnLine("see page 4 of the report")).toEqual([]);
    expect(numberingsOnLine("as noted on page 4, the patient")).toEqual([]);
  });

  it("knows titles the way the classifier does", () => {
    expect(titleType("DISCHARGE SUMMARY")).toBe("discharge_summary");
    expect(titleType("Health Insurance Claim Form")).toBe("insurance_claim");
    expect(titleType("Progress Note")).toBe("progress_note");
    expect(titleType("Result Units Flag Reference Range")).toBeUndefined();
    expect(titleType("Textractor Test")).toBeUndefined();
  });
});

describe("long stacks", () => {
  it("splits a 100-page stack of 5-page notes for two patients into its 20 notes", () => {
    const prose = (i: number) =>
      Array.from(
        { length: 25 },
        (_, k) => `the patient reports improvement on day ${k} and page ${i} of the narrative continues here`,
      );
    const pages: PageSpec[] = [];
    for (let i = 0; i < 100; i++) {
      const doe = Math.floor(i / 10) % 2 === 1;
      const header = doe ? DOE : SMITH;
      const running = doe ? "DOE, JANE      MRN: 00987" : "SMITH, JOHN      MRN: 00123";
      const n = (i % 5) + 1;
      pages.push(
        n === 1
          ? firstPage(
              "PROGRESS NOTE",
              header,
              `Date of Service: 05/${String(i + 1).padStart(2, "0")}/2024`,
              ...prose(i),
              footer("Page 1 of 5"),
            )
          : page(`${running}      Page ${n} of 5`, ...prose(i), footer(`Page ${n} of 5`)),
      );
    }
    const model = buildModel(buildDoc(pages));
    const expected = Array.from({ length: 20 }, (_, k) => [k * 5 + 1, k * 5 + 5]);
    expect(splitDocuments(model, { referenceDate: REF_DATE }).map((r) => r.pages)).toEqual(expected);
  });
});
