/**
 * OCR confusions in identity values: repaired dates/MRNs are read but reviewed (confidence below the 0.8
 * threshold), and an identity field the document gives two different values for is reviewed too.
 */
import { describe, expect, it } from "vitest";
import { extractDocument, extractWithReview } from "../../support/extraction";
import { sameIdentityValue } from "../../../shared/extraction/select-fields";
import { findDate, normalizeDate, repairDateText } from "../../../shared/extraction/normalize/dates";
import { normalizeMrn } from "../../../shared/extraction/normalize/mrn";
import type { TextractDocument } from "../../../shared/ocr/textract-blocks";
import { buildDoc, page, REF_DATE } from "./build-blocks";

const opts = { referenceDate: REF_DATE };
const fields = (doc: TextractDocument) => extractDocument(doc, opts).fields;

describe("repairDateText / findDate with repair", () => {
  it("maps digit look-alikes inside otherwise-digit words", () => {
    expect(repairDateText("O3/14/I962")).toBe("03/14/1962");
    expect(repairDateText("O3/l4/I9S2")).toBeUndefined(); // more look-alikes than a date word has
    expect(repairDateText("O9/28/l992")).toBe("09/28/1992");
    expect(repairDateText("1O/08/197I")).toBe("10/08/1971");
    expect(repairDateText("03/14/19S2")).toBe("03/14/1952");
    expect(repairDateText("03/14/196Z")).toBe("03/14/1962");
    expect(repairDateText("B/14/1962")).toBe("8/14/1962");
    expect(repairDateText("Bl")).toBeUndefined(); // not a digit word
  });

  it("reads slashes read as 1s and dates printed without separators", () => {
    expect(repairDateText("0311411962")).toBe("03/14/1962");
    expect(repairDateText("03l14l1962")).toBe("03/14/1962");
    expect(repairDateText("03141962")).toBe("03/14/1962");
  });

  it("reads a date printed in MM | DD | YY boxes (CMS-1500), tick marks read as brackets, as a repair", () => {
    const birth = { kind: "birth" as const, referenceDate: REF_DATE };
    const boxed = (text: string) => findDate(text.split(" "), { ...birth, repair: true });
    expect(boxed("01] 02 1970 v[")).toMatchObject({ value: "1970-01-02", repaired: true });
    expect(boxed("01 | 02 | 1970")).toMatchObject({ value: "1970-01-02", repaired: true });
    expect(boxed("01 02 70")).toMatchObject({ value: "1970-01-02", repaired: true });
    expect(findDate("01 02 1970".split(" "), birth)).toBeUndefined(); // only as a repair
    expect(boxed("1 2 1970")).toBeUndefined(); // boxes hold two digits
    expect(boxed("13 45 1970")).toBeUndefined();
    // On the form: the caption, its box captions, and the boxes' digits with a tick read as "]".
    const doc = buildDoc(page("3. PATIENT'S BIRTH DATE", "MM   DD   YY", "01]   02   1970"));
    expect(fields(doc).dateOfBirth).toMatchObject({ value: "1970-01-02" });
    expect(fields(doc).dateOfBirth?.confidence).toBeLessThan(0.8);
  });

  it("leaves month names and words with other letters alone", () => {
    expect(repairDateText("March 14, 1962")).toBeUndefined();
    expect(repairDateText("Room 4B")).toBeUndefined();
    expect(repairDateText("Smith")).toBeUndefined();
  });

  it("only repairs when asked, and reports it", () => {
    const birth = { kind: "birth" as const, referenceDate: REF_DATE };
    expect(findDate(["O3/14/1962"], birth)).toBeUndefined();
    expect(findDate(["O3/14/1962"], { ...birth, repair: true })).toEqual({
      value: "1962-03-14",
      start: 0,
      end: 1,
      repaired: true,
    });
    // A clean date is not "repaired", and wins over a repairable one earlier in the window.
    expect(findDate(["03/14/1962"], { ...birth, repair: true })).toEqual({
      value: "1962-03-14",
      start: 0,
      end: 1,
    });
    expect(findDate(["0l", "03/14/1962"], { ...birth, repair: true })?.repaired).toBeUndefined();
    // Repairs still must give a valid date.
    expect(findDate(["0399411962"], { ...birth, repair: true })).toBeUndefined();
  });

  it("strips stray quotes around a date without calling it a repair", () => {
    expect(normalizeDate('10/08/1971"', { kind: "birth", referenceDate: REF_DATE })).toBe("1971-10-08");
    expect(normalizeDate("“10/08/1971", { kind: "birth", referenceDate: REF_DATE })).toBe("1971-10-08");
  });
});

describe("normalizeMrn repairs", () => {
  it("maps look-alikes inside the digit run, not a letter prefix", () => {
    expect(normalizeMrn(["37406B46"])).toEqual({ value: "37406846", count: 1, repaired: true });
    expect(normalizeMrn(["MRN-36l588"])).toEqual({ value: "MRN-361588", count: 1, repaired: true });
    expect(normalizeMrn(["A123456"])).toEqual({ value: "A123456", count: 1 });
    expect(normalizeMrn(["MRN-361588"])).toEqual({ value: "MRN-361588", count: 1 });
    expect(normalizeMrn(["00-12345"])).toEqual({ value: "00-12345", count: 1 });
  });

  it("drops specks before a full-length MRN, as a repair", () => {
    expect(normalizeMrn(["“0", "11", "MRN-361588"])).toEqual({
      value: "MRN-361588",
      count: 3,
      repaired: true,
    });
    // Without a stray mark, short leading words stay part of the number.
    expect(normalizeMrn(["00", "12345"])).toEqual({ value: "00 12345", count: 2 });
  });
});

describe("repaired identity values are reviewed", () => {
  it("reads a DOB with a letter O for a zero at a confidence below the review threshold", () => {
    const doc = buildDoc(page("Patient Name: Jane Doe", "DOB: O3/14/1962", "MRN: 00123456"));
    const { result, review } = extractWithReview(doc, opts);
    expect(result.fields.dateOfBirth?.value).toBe("1962-03-14");
    expect(result.fields.dateOfBirth?.confidence).toBeLessThan(0.8);
    expect(review).toEqual({ reasonCode: "LOW_CONFIDENCE_IDENTITY", fields: ["dateOfBirth"] });
  });

  it("reads an MRN with a B for an 8 for review", () => {
    const doc = buildDoc(page("Patient Name: Jane Doe", "DOB: 03/14/1962", "MRN: 374068B6"));
    const { result, review } = extractWithReview(doc, opts);
    expect(result.fields.mrn?.value).toBe("37406886");
    expect(review?.fields).toEqual(["mrn"]);
  });

  it("keeps a clean, high-confidence repair-free record auto-accepted", () => {
    const doc = buildDoc(page("Patient Name: Jane Doe", "DOB: 03/14/1962", "MRN: 00123456"));
    expect(extractWithReview(doc, opts).review).toBeUndefined();
  });

  it("reads a tab-aligned date past scan specks after the label", () => {
    const doc = buildDoc(
      page(
        "Patient: Jane Doe",
        "DOB: . ©.              09/28/1992",
        "Date of Exam: ir              12/18/2023",
      ),
    );
    expect(fields(doc).dateOfBirth?.value).toBe("1992-09-28");
    expect(fields(doc).dateOfService?.value).toBe("2023-12-18");
  });

  it("does not let a lone speck swallow a wide gap for other fields", () => {
    const doc = buildDoc(page("Sex: F              Smith"));
    expect(fields(doc).sex?.value).toBe("female");
  });
});

describe("identity consistency across the document", () => {
  it("reviews a name read two different ways (rn → m)", () => {
    const doc = buildDoc([
      page("Patient Name: Carson Ernser", "DOB: 03/14/1962", "MRN: 00123456"),
      page("Patient Name: Carson Emser   MRN: 00123456", "Progress continues."),
    ]);
    const { result, review } = extractWithReview(doc, opts);
    expect(result.fields.patientName?.value).toBe("Carson Ernser");
    expect(result.fields.patientName?.confidence).toBeLessThan(0.8);
    expect(review).toEqual({ reasonCode: "LOW_CONFIDENCE_IDENTITY", fields: ["patientName"] });
  });

  it("takes the spelling most readings agree on, one OCR slip from the labeled one, still for review", () => {
    const doc = buildDoc([
      page("Name (Last, First): Wyrnan, Colin    Chart #: MRN-628981", "CONSULTATION REPORT"),
      page("Wyman, Colin      Chart #: MRN-628981", "Exam."),
      page("Wyman, Calin      Chart #: MRN-628981", "Comments."),
    ]);
    const { result, review } = extractWithReview(doc, opts);
    expect(result.fields.patientName?.value).toBe("Wyman, Colin");
    expect(review).toEqual({ reasonCode: "LOW_CONFIDENCE_IDENTITY", fields: ["patientName"] });
  });

  it("reviews an MRN with one digit different in a running header", () => {
    const doc = buildDoc([
      page("Patient Name: Jane Doe", "DOB: 03/14/1962", "MRN: 00123456"),
      page("Jane Doe   MRN: 00128456"),
    ]);
    const { result, review } = extractWithReview(doc, opts);
    expect(result.fields.mrn?.value).toBe("00123456");
    expect(review?.fields).toEqual(["mrn"]);
  });

  it("keeps identical repeats (header + running header) at full confidence", () => {
    const doc = buildDoc([
      page("Patient Name: Jane Doe", "DOB: 03/14/1962", "MRN: 00123456"),
      page("Patient Name: Jane Doe   DOB: 03/14/1962   MRN: 00-123456"),
    ]);
    const { result, review } = extractWithReview(doc, opts);
    expect(result.fields.mrn?.confidence).toBeCloseTo(0.99 * 0.98, 3);
    expect(result.fields.dateOfBirth?.confidence).toBeCloseTo(0.99 * 0.98, 3);
    expect(review).toBeUndefined();
  });

  it("compares names ignoring case, punctuation and a middle name", () => {
    expect(sameIdentityValue("patientName", "Jane A. Doe", "JANE DOE")).toBe(true);
    expect(sameIdentityValue("patientName", "Carson Ernser", "Carson Emser")).toBe(false);
    expect(sameIdentityValue("mrn", "00-123456", "00123456")).toBe(true);
    expect(sameIdentityValue("mrn", "00123456", "00128456")).toBe(false);
    expect(sameIdentityValue("dateOfBirth", "1962-03-14", "1962-03-14")).toBe(true);
  });
});

describe("names OCR may have read with a lookalike letter", () => {
  it("reviews a name whose unsure word holds m, rn, w or vv (Emser for Ernser); a sure one is filed", () => {
    const read = (confidence: number) =>
      extractWithReview(
        buildDoc(
          page({
            text: "Patient Name: Carson Emser    DOB: 11/13/1965",
            conf: [99, 99, 99, confidence, 99, 99],
          }),
        ),
        opts,
      );
    const unsure = read(85);
    expect(unsure.result.fields.patientName?.value).toBe("Carson Emser");
    expect(unsure.review).toEqual({ reasonCode: "LOW_CONFIDENCE_IDENTITY", fields: ["patientName"] });
    expect(read(96).review).toBeUndefined();
    // An unsure word without such a letter is not doubted for it.
    const plain = extractWithReview(
      buildDoc(
        page({ text: "Patient Name: Carson Eliot    DOB: 11/13/1965", conf: [99, 99, 99, 85, 99, 99] }),
      ),
      opts,
    );
    expect(plain.review).toBeUndefined();
  });
});

describe("running headers and specks around names", () => {
  it("catches a misread name when the running header spells it differently", () => {
    const doc = buildDoc([
      page("Patient Name: Carson Emser   DOB: 11/13/1965", "DISCHARGE SUMMARY"),
      page("Carson Ernser   MRN: MRN-626997", "Hospital course was uneventful."),
    ]);
    const { result, review } = extractWithReview(doc, opts);
    expect(result.fields.patientName?.value).toBe("Carson Emser");
    expect(review).toEqual({ reasonCode: "LOW_CONFIDENCE_IDENTITY", fields: ["patientName"] });
  });

  it("never uses a running-header name as the value itself (check only)", () => {
    const doc = buildDoc(page("Wyman, Colin   Chart #: MRN-628981", "Follow-up in two weeks."));
    expect(fields(doc).patientName).toBeUndefined();
  });

  it("skips specks between the label and the name", () => {
    expect(fields(buildDoc(page("Patient: : Dolores Salazar ~~   DOB: 09/28/1992"))).patientName?.value).toBe(
      "Dolores Salazar",
    );
  });

  it("reads a misread MRN label (MAN:) for review only", () => {
    const f = fields(buildDoc(page("PATIENT: HALVORSON, DILLON   MAN: 39688832")));
    expect(f.mrn?.value).toBe("39688832");
    expect(f.mrn?.confidence).toBeLessThan(0.8);
    expect(fields(buildDoc(page("He is a 45 year old man 3 days after surgery."))).mrn).toBeUndefined();
  });
});
