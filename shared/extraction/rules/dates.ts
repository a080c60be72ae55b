/** Date fields: birth, service, admission, discharge. */
import type { LabelDef } from "../labels";
import { findDate, type DateKind } from "../normalize/dates";
import type { Token } from "../model/tokens";
import type { OcrLine } from "../model/document-model";
import type { FieldRule, ParsedValue, RuleContext, RuleTarget } from "./types";

function dateParser(kind: DateKind) {
  return (tokens: readonly Token[], ctx: RuleContext): ParsedValue | undefined => {
    // The date is the value, possibly with a little around it ("03/14/1962 (62 y)", "on 03/01/2024").
    const window = tokens.slice(0, 8);
    const found = findDate(
      window.map((t) => rangeStart(t.text)),
      { kind, referenceDate: ctx.referenceDate, repair: true },
    );
    if (!found || found.start > 3) return undefined;
    const used = window.slice(found.start, found.end);
    return found.repaired
      ? { value: found.value, tokens: used, repaired: true }
      : { value: found.value, tokens: used };
  };
}

/** A from–to range printed as one word ("09/10/22-09/10/22", a claim's service line): its first date. */
const NUMERIC_RANGE = /^(\d{1,2}[/.]\d{1,2}[/.]\d{2,4})[-–—]\d{1,2}[/.]\d{1,2}[/.]\d{2,4}$/;
function rangeStart(text: string): string {
  return NUMERIC_RANGE.exec(text)?.[1] ?? text;
}

function dateRule(
  target: RuleTarget,
  kind: DateKind,
  labels: readonly LabelDef[],
  query: FieldRule["query"],
  patientScoped = false,
): FieldRule {
  return { target, labels, parse: dateParser(kind), query, patientScoped };
}

export const dateOfBirthRule = dateRule(
  "dateOfBirth",
  "birth",
  [
    { text: "Date of Birth" },
    { text: "Birth Date" },
    { text: "Birthdate" },
    { text: "DOB" },
    { text: "D.O.B." },
    { text: "D O B" },
    { text: "Patient DOB" },
    // The CMS-1500's box 3 ("3. PATIENT'S BIRTH DATE"): "patient's" before a label is otherwise prose.
    { text: "Patient's Birth Date" },
    { text: "Patient's Date of Birth" },
    { text: "Born", generic: true, weight: 0.9 },
  ],
  {
    alias: /^(?:PATIENT_?)?(?:DOB|DATE_?OF_?BIRTH|BIRTH_?DATE)$/i,
    question: /\b(?:date of birth|birth ?date|dob|d\.o\.b\.?)\b/i,
  },
  true,
);

export const dateOfServiceRule = dateRule(
  "dateOfService",
  "event",
  [
    { text: "Date of Service" },
    { text: "Service Date" },
    { text: "DOS" },
    { text: "Visit Date" },
    { text: "Date of Visit" },
    { text: "Encounter Date" },
    { text: "Date of Encounter" },
    { text: "Exam Date" },
    { text: "Date of Exam" },
    { text: "Examination Date" },
    { text: "Collection Date" },
    { text: "Date Collected" },
    { text: "Collected", generic: true, weight: 0.9 },
    { text: "Appointment Date" },
    { text: "Consult Date" },
    { text: "Study Date" },
    { text: "List Date" },
    { text: "Date Reviewed" },
    // An operative report's date of service is the date of the operation.
    { text: "Date of Surgery", weight: 0.95 },
    { text: "Surgery Date", weight: 0.95 },
    { text: "Date of Procedure", weight: 0.95 },
    { text: "Procedure Date", weight: 0.95 },
    { text: "Date of Consultation" },
    { text: "Consultation Date" },
    // A note header's bare "Date:" is a fallback only: weak and only near the top of page 1.
    { text: "Date", generic: true, headerOnly: true, weight: 0.8 },
  ],
  {
    alias: /^(?:DATE_?OF_?SERVICE|SERVICE_?DATE|DOS|VISIT_?DATE|ENCOUNTER_?DATE)$/i,
    question: /\b(?:date of (?:service|visit|encounter|exam)|(?:service|visit|encounter|exam) date)\b/i,
  },
);

export const admissionDateRule = dateRule(
  "admissionDate",
  "event",
  [
    { text: "Admission Date" },
    { text: "Date of Admission" },
    { text: "Admit Date" },
    { text: "Date Admitted" },
    { text: "Admitted", generic: true },
    { text: "Admission", generic: true, weight: 0.9 },
  ],
  {
    alias: /^(?:ADMISSION_?DATE|ADMIT_?DATE|DATE_?OF_?ADMISSION)$/i,
    question: /\b(?:admission date|date of admission|admit date)\b/i,
  },
);

export const dischargeDateRule = dateRule(
  "dischargeDate",
  "event",
  [
    { text: "Discharge Date" },
    { text: "Date of Discharge" },
    { text: "Date Discharged" },
    { text: "Discharged", generic: true },
  ],
  {
    alias: /^(?:DISCHARGE_?DATE|DATE_?OF_?DISCHARGE)$/i,
    question: /\b(?:discharge date|date of discharge)\b/i,
  },
);

/** "Electronically signed by: … on January 29, 2024", "NPI 1632677307  Signed 12/9/24", "Signature: ___ Date: …". */
const SIGNED = /^(?:electronically|e-?signed|signed|signature|signat)/i;

/**
 * The date a note was signed, read after the signing words on the same line. A clinician signs the note of a
 * visit on (or close to) its date, so this is weak evidence of the date of service: used only when no labeled
 * date of service is found (its certainty is below every labeled rule's).
 */
export function signatureDates(lines: readonly OcrLine[], ctx: RuleContext): ParsedValue[] {
  const out: ParsedValue[] = [];
  for (const line of lines) {
    const at = line.tokens.findIndex((t) => SIGNED.test(t.text));
    if (at < 0) continue;
    const after = line.tokens.slice(at + 1, at + 14);
    const found = findDate(
      after.map((t) => t.text),
      { kind: "event", referenceDate: ctx.referenceDate },
    );
    if (found) out.push({ value: found.value, tokens: after.slice(found.start, found.end) });
  }
  return out;
}
