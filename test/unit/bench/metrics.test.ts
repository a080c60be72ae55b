import { describe, expect, it } from "vitest";
import {
  classifyField,
  evaluate,
  fieldsMatch,
  isWrongPatient,
  normalizeName,
  pairByPages,
  scores,
  splitMatches,
  withDroppedSeparators,
  type EvaluatedDocument,
} from "../../../bench/accuracy/metrics";

const doc = (over: Partial<EvaluatedDocument> = {}): EvaluatedDocument => ({
  id: "d",
  predicted: {},
  truth: {},
  predictedType: "progress_note",
  truthType: "progress_note",
  needsReview: false,
  ...over,
});

describe("comparison rules", () => {
  it("names: case, accents, punctuation and whitespace are ignored", () => {
    expect(fieldsMatch("patientName", "  JOSÉ   Núñez ", "jose nunez")).toBe(true);
    expect(fieldsMatch("patientName", "Mary-Ann O'Neil", "mary ann o neil")).toBe(true);
    expect(fieldsMatch("patientName", "Jose Nunez", "Jose Nunes")).toBe(false);
  });

  it('names: "LAST, FIRST" equals "First Last", but a swapped order without comma does not', () => {
    expect(fieldsMatch("patientName", "ROSALEZ, Alejandro", "Alejandro Rosalez")).toBe(true);
    expect(fieldsMatch("patientName", "Rosalez, Alejandro J", "Alejandro J. Rosalez")).toBe(true);
    expect(fieldsMatch("patientName", "Rosalez Alejandro", "Alejandro Rosalez")).toBe(false);
    expect(normalizeName("Doe, Jane")).toBe("jane doe");
  });

  it("patient names: a middle initial on one side only still matches; a different middle name does not", () => {
    expect(fieldsMatch("patientName", "Major M Mary", "Mary, Major")).toBe(true);
    expect(fieldsMatch("patientName", "Jane Q. Doe", "Jane Doe")).toBe(true);
    expect(fieldsMatch("patientName", "Jane Quinn Doe", "Jane Doe")).toBe(false);
    expect(fieldsMatch("patientName", "Jane M Roe", "Jane Doe")).toBe(false);
  });

  it("provider and facility use the name rule; honorifics are not dropped", () => {
    expect(fieldsMatch("provider", "DR. ALAN REYES, MD", "Dr. Alan Reyes, MD")).toBe(true);
    expect(fieldsMatch("provider", "Dr. Alan Reyes", "Dr. Alan Reyes, MD")).toBe(false);
    // A comma before credentials is not "LAST, FIRST": OCR reading it as a period still matches.
    expect(fieldsMatch("provider", "Dr. Alan Reyes. MD", "Dr. Alan Reyes, MD")).toBe(true);
    expect(normalizeName("Mateo Jackson, PhD")).toBe("mateo jackson phd");
    expect(
      fieldsMatch("facility", "Cedar Hollow  Regional Hospital.", "cedar hollow regional hospital"),
    ).toBe(true);
  });

  it("dates and sex are exact", () => {
    expect(fieldsMatch("dateOfBirth", "1982-10-10", "1982-10-10")).toBe(true);
    expect(fieldsMatch("dateOfBirth", "1982-10-01", "1982-10-10")).toBe(false);
    expect(fieldsMatch("sex", "Male", "male")).toBe(false);
  });

  it("MRN is exact after trimming", () => {
    expect(fieldsMatch("mrn", " MRN-004512 ", "MRN-004512")).toBe(true);
    expect(fieldsMatch("mrn", "mrn-004512", "MRN-004512")).toBe(false);
    expect(fieldsMatch("mrn", "004512", "MRN-004512")).toBe(false);
  });

  it("classifies TP / FP / FN / wrong / nothing", () => {
    expect(classifyField("mrn", "1", "1")).toBe("tp");
    expect(classifyField("mrn", "1", undefined)).toBe("fp");
    expect(classifyField("mrn", undefined, "1")).toBe("fn");
    expect(classifyField("mrn", "2", "1")).toBe("fp+fn");
    expect(classifyField("mrn", undefined, undefined)).toBe("tn");
    expect(classifyField("mrn", "", "")).toBe("tn");
  });
});

describe("aggregates", () => {
  it("precision, recall and F1 from counts (empty cases are perfect, not NaN)", () => {
    expect(scores({ tp: 3, fp: 1, fn: 2 })).toMatchObject({ precision: 0.75, recall: 0.6 });
    expect(scores({ tp: 3, fp: 1, fn: 2 }).f1).toBeCloseTo((2 * 0.75 * 0.6) / 1.35, 10);
    expect(scores({ tp: 0, fp: 0, fn: 0 })).toMatchObject({ precision: 1, recall: 1, f1: 1 });
    expect(scores({ tp: 0, fp: 2, fn: 0 })).toMatchObject({ precision: 0, recall: 1, f1: 0 });
  });

  it("a wrong value counts as both FP and FN; overall is micro-averaged", () => {
    const report = evaluate([
      doc({
        id: "a",
        predicted: { mrn: "1", dateOfBirth: "2000-01-01" },
        truth: { mrn: "1", dateOfBirth: "2000-01-02" },
      }),
      doc({ id: "b", predicted: { sex: "male" }, truth: { mrn: "9", sex: "male" } }),
    ]);
    expect(report.perField.mrn).toMatchObject({ tp: 1, fp: 0, fn: 1 });
    expect(report.perField.dateOfBirth).toMatchObject({ tp: 0, fp: 1, fn: 1 });
    expect(report.perField.sex).toMatchObject({ tp: 1, fp: 0, fn: 0 });
    expect(report.overall).toMatchObject({ tp: 2, fp: 1, fn: 2 });
    expect(report.overall.precision).toBeCloseTo(2 / 3, 10);
    expect(report.overall.recall).toBeCloseTo(2 / 4, 10);
    expect(report.mismatches.map((m) => `${m.id}:${m.field}`)).toEqual(["a:dateOfBirth", "b:mrn"]);
  });

  it("document type accuracy skips documents without a truth type", () => {
    const { truthType: _omit, ...untyped } = doc({ id: "c" });
    const report = evaluate([doc({ id: "a" }), doc({ id: "b", predictedType: "lab_report" }), untyped]);
    expect(report.documentType).toEqual({ correct: 1, total: 2, accuracy: 0.5 });
  });

  it("auto-accept precision only counts records the review rule did not flag", () => {
    const report = evaluate([
      doc({
        id: "ok",
        predicted: { mrn: "1", dateOfBirth: "2000-01-01" },
        truth: { mrn: "1", dateOfBirth: "2000-01-01" },
      }),
      doc({ id: "reviewed", needsReview: true, predicted: { mrn: "X" }, truth: { mrn: "1" } }),
      doc({ id: "bad", predicted: { dateOfBirth: "1999-01-01" }, truth: { dateOfBirth: "2000-01-01" } }),
    ]);
    expect(report.autoAccept.mrn).toMatchObject({ tp: 1, fp: 0, precision: 1 });
    expect(report.autoAccept.dateOfBirth).toMatchObject({ tp: 1, fp: 1, precision: 0.5 });
    expect(report.autoAccepted).toBe(2);
    expect(report.reviewRate).toBeCloseTo(1 / 3, 10);
  });

  it("wrong patient: auto-accepted and an identity field present and wrong", () => {
    const truth = { patientName: "Jane Doe", dateOfBirth: "2000-01-01", mrn: "1" };
    expect(isWrongPatient(doc({ predicted: { ...truth, patientName: "DOE, JANE" }, truth }))).toBe(false);
    expect(isWrongPatient(doc({ predicted: { ...truth, patientName: "John Doe" }, truth }))).toBe(true);
    expect(isWrongPatient(doc({ predicted: { ...truth, mrn: "2" }, truth, needsReview: true }))).toBe(false);
    // Missing is not wrong; a value where none is printed is.
    expect(isWrongPatient(doc({ predicted: { patientName: "Jane Doe" }, truth }))).toBe(false);
    expect(
      isWrongPatient(
        doc({ predicted: { patientName: "Jane Doe", mrn: "7" }, truth: { patientName: "Jane Doe" } }),
      ),
    ).toBe(true);
    // Non-identity fields never make a wrong patient.
    expect(
      isWrongPatient(doc({ predicted: { ...truth, sex: "male" }, truth: { ...truth, sex: "female" } })),
    ).toBe(false);
    const report = evaluate([
      doc({ id: "x", predicted: { ...truth, dateOfBirth: "2000-01-10" }, truth }),
      doc({ id: "y", predicted: truth, truth }),
    ]);
    expect(report.wrongPatient).toBe(1);
    expect(report.wrongPatientIds).toEqual(["x"]);
  });

  it("split-only documents (wrong range) count for wrong-patient only", () => {
    const truth = { patientName: "Jane Doe", mrn: "1" };
    const report = evaluate([
      doc({ id: "t", truth }),
      doc({ id: "p1", predicted: truth, truth, splitOnly: true }),
      doc({ id: "p2", predicted: { ...truth, mrn: "2" }, truth, splitOnly: true }),
    ]);
    expect(report.documents).toBe(1);
    expect(report.perField.mrn).toMatchObject({ tp: 0, fp: 0, fn: 1 });
    expect(report.wrongPatientIds).toEqual(["p2"]);
  });

  it("split accuracy: exact page ranges only", () => {
    expect(splitMatches([[1, 3]], [[1, 3]])).toBe(true);
    expect(
      splitMatches(
        [[1, 3]],
        [
          [1, 2],
          [3, 3],
        ],
      ),
    ).toBe(false);
    expect(
      splitMatches(
        [
          [1, 2],
          [3, 4],
        ],
        [
          [1, 2],
          [3, 3],
        ],
      ),
    ).toBe(false);
    const report = evaluate(
      [],
      [
        { id: "a", predicted: [[1, 2]], truth: [[1, 2]] },
        {
          id: "b",
          predicted: [[1, 4]],
          truth: [
            [1, 2],
            [3, 4],
          ],
        },
      ],
    );
    expect(report.split).toEqual({ correct: 1, total: 2, accuracy: 0.5 });
  });

  it("pairs predicted and true documents by identical page range", () => {
    const { pairs, unmatchedTruth, unmatchedPredicted } = pairByPages(
      [
        { pages: [1, 2] as [number, number], n: "p1" },
        { pages: [3, 5] as [number, number], n: "p2" },
      ],
      [
        { pages: [1, 2] as [number, number], n: "t1" },
        { pages: [3, 4] as [number, number], n: "t2" },
        { pages: [5, 5] as [number, number], n: "t3" },
      ],
    );
    expect(pairs.map(([p, t]) => `${p.n}=${t.n}`)).toEqual(["p1=t1"]);
    expect(unmatchedTruth.map((t) => t.n)).toEqual(["t2", "t3"]);
    expect(unmatchedPredicted.map((p) => p.n)).toEqual(["p2"]);
  });
});

type Ranges = [number, number][];

describe("wrong identity values above the review threshold", () => {
  it("counts a wrong identity value shown as confident, filed or not, and nothing below the threshold", () => {
    const truth = { patientName: "Jane Doe", dateOfBirth: "1970-01-02" };
    const report = evaluate([
      // A form caption read as the name at 0.86 on a record sent to review for another reason.
      doc({
        id: "ub04",
        predicted: { patientName: "REASON DX CODE" },
        truth: {},
        needsReview: true,
        confidence: { patientName: 0.86 },
      }),
      // The wrong person's name, below the threshold: reviewed, not counted.
      doc({
        id: "claim",
        predicted: { patientName: "John Doe" },
        truth,
        needsReview: true,
        confidence: { patientName: 0.75 },
      }),
      // Right values at high confidence: not counted.
      doc({ id: "ok", predicted: truth, truth, confidence: { patientName: 0.97, dateOfBirth: 0.97 } }),
    ]);
    expect(report.wrongIdentityAboveThreshold).toEqual(["ub04:patientName"]);
  });

  it("typed identity recall counts printed values found at any confidence, not handwritten ones", () => {
    const report = evaluate([
      // Found but reviewed (low confidence): still found.
      doc({
        id: "card",
        predicted: { patientName: "Jane Doe", dateOfBirth: "1970-01-02" },
        truth: { patientName: "Jane Doe", dateOfBirth: "1970-01-02", mrn: "A1234" },
        needsReview: true,
        confidence: { patientName: 0.6, dateOfBirth: 0.5 },
      }),
      // Handwritten name and birth date: out of the typed figure; the wrong printed MRN counts as missed.
      doc({
        id: "intake",
        predicted: { mrn: "B9999" },
        truth: { patientName: "Alejandro Rosalez", dateOfBirth: "1982-10-10", mrn: "A5555" },
        handwritten: ["patientName", "dateOfBirth"],
      }),
    ]);
    expect(report.typedIdentityRecall).toEqual({
      patientName: { found: 1, total: 1, recall: 1 },
      dateOfBirth: { found: 1, total: 1, recall: 1 },
      mrn: { found: 0, total: 2, recall: 0 },
    });
  });
});

describe("withDroppedSeparators", () => {
  // [predicted ranges, pages the splitter dropped as separators, ranges after giving them back]
  // prettier-ignore
  const cases: [string, Ranges, number[], Ranges][] = [
    ["gives a dropped blank sheet to the document before it", [[1, 1], [3, 3]], [2], [[1, 2], [3, 3]]],
    ["gives several dropped sheets back", [[1, 2], [5, 6]], [3, 4], [[1, 4], [5, 6]]],
    ["leaves ranges alone when the separator was kept", [[1, 2], [3, 3]], [2], [[1, 2], [3, 3]]],
    ["leaves ranges alone when nothing was dropped", [[1, 1], [2, 3]], [], [[1, 1], [2, 3]]],
    // A real document missing from the prediction is not papered over.
    ["does not paper over a missing document", [[1, 1], [4, 4]], [2], [[1, 2], [4, 4]]],
  ];
  it.each(cases)("%s", (_name, predicted, dropped, expected) => {
    expect(withDroppedSeparators(predicted, dropped)).toEqual(expected);
  });
});
