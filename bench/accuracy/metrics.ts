/**
 * Accuracy metrics for the extraction benchmark. Pure: no I/O, no OCR, no extraction — just comparison of
 * predicted values with ground truth, and the aggregates `bench/accuracy.ts` prints.
 *
 * Comparison rules (per field, see `fieldsMatch`):
 *  - dates (dateOfBirth, dateOfService, admissionDate, dischargeDate) and sex: exact string equality
 *    (both sides are already normalized: YYYY-MM-DD, female|male|other|unknown);
 *  - mrn: exact after trimming surrounding whitespace (case and inner characters matter: an MRN is an id);
 *  - patientName, provider, facility: "loose name" equality — Unicode accents removed, case folded,
 *    punctuation turned into spaces and whitespace collapsed, and a single "LAST, FIRST [MIDDLE]" is read as
 *    "FIRST [MIDDLE] LAST". So "ROSALEZ, Alejandro" ≡ "Alejandro Rosalez" and "José  Núñez." ≡ "jose nunez".
 *    A comma followed only by credentials ("Alan Reyes, MD", "Reyes Jr.") is not a "LAST, FIRST" comma.
 *    Honorifics and degrees are NOT dropped: "Dr. Alan Reyes, MD" ≢ "Alan Reyes" (the extractor's output for
 *    providers should then keep them or the truth should not have them; the rule stays strict on purpose).
 *
 * Counting (per field):
 *  - TP: truth present, prediction present and matching;
 *  - FP: prediction present and (truth absent, or not matching);
 *  - FN: truth present and (prediction absent, or not matching).
 *  A wrong prediction therefore counts once as FP and once as FN.
 */
import { FIELD_NAMES, type FieldName } from "../../shared/domain/fields";

export type FieldValues = Partial<Record<FieldName, string>>;

export const DATE_FIELDS = [
  "dateOfBirth",
  "dateOfService",
  "admissionDate",
  "dischargeDate",
] as const satisfies readonly FieldName[];
export const NAME_FIELDS = ["patientName", "provider", "facility"] as const satisfies readonly FieldName[];

/** Degrees and credentials after a comma ("Alan Reyes, MD") are not a first name. */
const CREDENTIALS =
  /^\s*((MD|DO|PHD|RN|NP|PA|PA-C|DDS|DMD|MBBS|FACP|FACS|APRN|CNP|JR|SR|II|III|IV)\.?[\s,]*)+$/i;

/**
 * Accent-, case- and punctuation-insensitive form of a name; "LAST, FIRST" is reordered to "first last"
 * (but "Alan Reyes, MD" is not: a comma before credentials only).
 */
export function normalizeName(value: string): string {
  let s = value.normalize("NFKD").replace(/\p{M}+/gu, "");
  const parts = s.split(",");
  // Exactly one comma with words on both sides: "LAST, FIRST MIDDLE" → "FIRST MIDDLE LAST".
  if (
    parts.length === 2 &&
    /\p{L}/u.test(parts[0] ?? "") &&
    /\p{L}/u.test(parts[1] ?? "") &&
    !CREDENTIALS.test(parts[1] ?? "")
  ) {
    s = `${parts[1]} ${parts[0]}`;
  }
  return s
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

/** Does `predicted` count as the same value as `truth` for this field? */
export function fieldsMatch(field: FieldName, predicted: string, truth: string): boolean {
  if (field === "patientName") {
    // A middle initial printed on one side only ("Major M Mary" vs "Mary, Major") names the same person.
    const a = normalizeName(predicted).split(" ");
    const b = normalizeName(truth).split(" ");
    if (a.join(" ") === b.join(" ")) return true;
    const dropInitials = (w: string[]) =>
      [w[0], ...w.slice(1, -1).filter((x) => x.length > 1), w.at(-1)].join(" ");
    return a.length >= 2 && b.length >= 2 && dropInitials(a) === dropInitials(b);
  }
  if ((NAME_FIELDS as readonly FieldName[]).includes(field))
    return normalizeName(predicted) === normalizeName(truth);
  if (field === "mrn") return predicted.trim() === truth.trim();
  return predicted === truth; // dates, sex
}

export type Outcome = "tp" | "fp" | "fn" | "fp+fn" | "tn";

/** One field of one document: how it counts. */
export function classifyField(
  field: FieldName,
  predicted: string | undefined,
  truth: string | undefined,
): Outcome {
  const p = predicted === undefined || predicted === "" ? undefined : predicted;
  const t = truth === undefined || truth === "" ? undefined : truth;
  if (p === undefined) return t === undefined ? "tn" : "fn";
  if (t === undefined) return "fp";
  return fieldsMatch(field, p, t) ? "tp" : "fp+fn";
}

export interface Counts {
  tp: number;
  fp: number;
  fn: number;
}

export interface Scores extends Counts {
  precision: number;
  recall: number;
  f1: number;
}

/** Precision/recall/F1 from counts. With nothing predicted precision is 1 (no false claims); with nothing to find recall is 1. */
export function scores(c: Counts): Scores {
  const precision = c.tp + c.fp === 0 ? 1 : c.tp / (c.tp + c.fp);
  const recall = c.tp + c.fn === 0 ? 1 : c.tp / (c.tp + c.fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { ...c, precision, recall, f1 };
}

/** One evaluated document: the extractor's output next to the truth. */
export interface EvaluatedDocument {
  /** Set and item, for mismatch lists. */
  id: string;
  predicted: FieldValues;
  truth: FieldValues;
  predictedType: string;
  /** Undefined when the truth has no document type (not scored). */
  truthType?: string;
  /** True when the extractor's review rule sent the record to review (NEEDS_REVIEW). */
  needsReview: boolean;
  /** The extractor's confidence per predicted field. */
  confidence?: Partial<Record<FieldName, number>>;
  /**
   * A predicted document whose page range matches no truth document (a split error, counted in split
   * accuracy). `truth` is then the most-overlapping truth document; such documents only count towards the
   * wrong-patient number, not towards field, type or review figures.
   */
  splitOnly?: boolean;
  /** Truth values written by hand (real forms filled in by hand): not counted in the typed-identity recall. */
  handwritten?: readonly FieldName[];
}

/** One evaluated file: predicted vs true document boundaries (1-based inclusive page ranges). */
export interface EvaluatedSplit {
  id: string;
  predicted: [number, number][];
  truth: [number, number][];
}

export interface Mismatch {
  id: string;
  field: FieldName;
  expected?: string;
  got?: string;
}

export interface Report {
  documents: number;
  perField: Record<FieldName, Scores>;
  /** Micro-average over every field (sums of TP/FP/FN). */
  overall: Scores;
  /** Over documents with a truth type. */
  documentType: { correct: number; total: number; accuracy: number };
  split: { correct: number; total: number; accuracy: number };
  /** Documents the review rule did NOT send to review. */
  autoAccepted: number;
  reviewRate: number;
  /** Precision of mrn / dateOfBirth over auto-accepted documents only. */
  autoAccept: { mrn: Scores; dateOfBirth: Scores };
  /** Auto-accepted documents whose patientName, dateOfBirth or mrn is present and wrong. */
  wrongPatient: number;
  wrongPatientIds: string[];
  /**
   * Identity values (patientName, dateOfBirth, mrn) present and wrong at or above the review threshold,
   * whether or not the record was filed: what search shows as a confident identity. "id:field" each.
   */
  wrongIdentityAboveThreshold: string[];
  mismatches: Mismatch[];
  /**
   * Per identity field, the printed (not handwritten) truth values found with the right value, whatever the
   * confidence: "typed patient name, date of birth and MRN found wherever printed".
   */
  typedIdentityRecall: Record<(typeof IDENTITY)[number], { found: number; total: number; recall: number }>;
  /** Documents whose predicted type differs from the truth. */
  typeMismatches: { id: string; expected: string; got: string }[];
}

const ratio = (a: number, b: number) => (b === 0 ? 1 : a / b);

function add(c: Counts, o: Outcome): void {
  if (o === "tp") c.tp++;
  if (o === "fp" || o === "fp+fn") c.fp++;
  if (o === "fn" || o === "fp+fn") c.fn++;
}

/** Did the split predict exactly the true boundaries (same ranges, same order)? */
export function splitMatches(
  predicted: readonly [number, number][],
  truth: readonly [number, number][],
): boolean {
  return (
    predicted.length === truth.length &&
    predicted.every((r, i) => r[0] === truth[i]?.[0] && r[1] === truth[i]?.[1])
  );
}

const IDENTITY = ["patientName", "dateOfBirth", "mrn"] as const;
/** The pipeline's default REVIEW_THRESHOLD. */
export const REVIEW_THRESHOLD = 0.8;

/** A record is filed under the wrong patient when it is auto-accepted and an identity field it carries is wrong. */
export function isWrongPatient(doc: EvaluatedDocument): boolean {
  if (doc.needsReview) return false;
  return (["patientName", "dateOfBirth", "mrn"] as const).some((f) => {
    const o = classifyField(f, doc.predicted[f], doc.truth[f]);
    // Present and wrong. A value where the truth has none counts too: a record matched on a bogus MRN or
    // DOB lands under whoever owns that value, which is the harm this number measures.
    return o === "fp" || o === "fp+fn";
  });
}

export function evaluate(
  documents: readonly EvaluatedDocument[],
  splits: readonly EvaluatedSplit[] = [],
): Report {
  const perFieldCounts = Object.fromEntries(FIELD_NAMES.map((f) => [f, { tp: 0, fp: 0, fn: 0 }])) as Record<
    FieldName,
    Counts
  >;
  const auto = { mrn: { tp: 0, fp: 0, fn: 0 }, dateOfBirth: { tp: 0, fp: 0, fn: 0 } };
  const mismatches: Mismatch[] = [];
  const typeMismatches: Report["typeMismatches"] = [];
  let typeCorrect = 0;
  let typeTotal = 0;
  let autoAccepted = 0;
  const wrongPatientIds: string[] = [];
  const wrongIdentityAboveThreshold: string[] = [];
  const typed = Object.fromEntries(IDENTITY.map((f) => [f, { found: 0, total: 0 }])) as Record<
    (typeof IDENTITY)[number],
    { found: number; total: number }
  >;

  for (const doc of documents) {
    if (doc.splitOnly) {
      if (isWrongPatient(doc)) wrongPatientIds.push(doc.id);
      continue;
    }
    for (const field of FIELD_NAMES) {
      const o = classifyField(field, doc.predicted[field], doc.truth[field]);
      add(perFieldCounts[field], o);
      if (o === "fp" || o === "fn" || o === "fp+fn") {
        mismatches.push({
          id: doc.id,
          field,
          ...(doc.truth[field] !== undefined ? { expected: doc.truth[field] } : {}),
          ...(doc.predicted[field] !== undefined ? { got: doc.predicted[field] } : {}),
        });
      }
      if (!doc.needsReview && (field === "mrn" || field === "dateOfBirth")) add(auto[field], o);
    }
    if (doc.truthType !== undefined) {
      typeTotal++;
      if (doc.truthType === doc.predictedType) typeCorrect++;
      else typeMismatches.push({ id: doc.id, expected: doc.truthType, got: doc.predictedType });
    }
    if (!doc.needsReview) autoAccepted++;
    if (isWrongPatient(doc)) wrongPatientIds.push(doc.id);
    for (const field of IDENTITY) {
      const o = classifyField(field, doc.predicted[field], doc.truth[field]);
      if ((o === "fp" || o === "fp+fn") && (doc.confidence?.[field] ?? 0) >= REVIEW_THRESHOLD)
        wrongIdentityAboveThreshold.push(`${doc.id}:${field}`);
      if (doc.truth[field] !== undefined && !doc.handwritten?.includes(field)) {
        typed[field].total++;
        if (o === "tp") typed[field].found++;
      }
    }
  }

  const perField = Object.fromEntries(FIELD_NAMES.map((f) => [f, scores(perFieldCounts[f])])) as Record<
    FieldName,
    Scores
  >;
  const total = FIELD_NAMES.reduce(
    (acc, f) => ({
      tp: acc.tp + perFieldCounts[f].tp,
      fp: acc.fp + perFieldCounts[f].fp,
      fn: acc.fn + perFieldCounts[f].fn,
    }),
    { tp: 0, fp: 0, fn: 0 },
  );
  const splitCorrect = splits.filter((s) => splitMatches(s.predicted, s.truth)).length;
  const scored = documents.filter((d) => !d.splitOnly).length;
  return {
    documents: scored,
    perField,
    overall: scores(total),
    documentType: { correct: typeCorrect, total: typeTotal, accuracy: ratio(typeCorrect, typeTotal) },
    split: { correct: splitCorrect, total: splits.length, accuracy: ratio(splitCorrect, splits.length) },
    autoAccepted,
    reviewRate: scored === 0 ? 0 : (scored - autoAccepted) / scored,
    autoAccept: { mrn: scores(auto.mrn), dateOfBirth: scores(auto.dateOfBirth) },
    wrongPatient: wrongPatientIds.length,
    wrongPatientIds,
    wrongIdentityAboveThreshold,
    mismatches,
    typedIdentityRecall: Object.fromEntries(
      IDENTITY.map((f) => [f, { ...typed[f], recall: ratio(typed[f].found, typed[f].total) }]),
    ) as Report["typedIdentityRecall"],
    typeMismatches,
  };
}

/**
 * Pairs predicted documents with truth documents by identical page range. Returns the pairs plus the truth
 * documents no prediction matched and the predictions that matched no truth document.
 */
export function pairByPages<P extends { pages: [number, number] }, T extends { pages: [number, number] }>(
  predicted: readonly P[],
  truth: readonly T[],
): { pairs: [P, T][]; unmatchedTruth: T[]; unmatchedPredicted: P[] } {
  const pairs: [P, T][] = [];
  const unmatchedPredicted: P[] = [];
  const left = [...truth];
  for (const p of predicted) {
    const i = left.findIndex((t) => t.pages[0] === p.pages[0] && t.pages[1] === p.pages[1]);
    if (i < 0) unmatchedPredicted.push(p);
    else pairs.push([p, ...left.splice(i, 1)] as [P, T]);
  }
  return { pairs, unmatchedTruth: left, unmatchedPredicted };
}

/**
 * A splitter may leave blank/separator sheets out of every document (chartbridge does); the truth counts them
 * at the end of the preceding document. Give each dropped separator page back to the range just before it, so
 * both conventions compare equal; a separator page a prediction kept stays where it is.
 */
export function withDroppedSeparators(
  ranges: [number, number][],
  separators: readonly number[],
): [number, number][] {
  const covered = (page: number) => ranges.some(([a, b]) => page >= a && page <= b);
  return ranges.map(([a, b]) => {
    let end = b;
    while (separators.includes(end + 1) && !covered(end + 1)) end++;
    return [a, end];
  });
}
