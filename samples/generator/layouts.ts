import type { DocumentType } from "../../shared/domain/document-types";
import type { ChartSpec } from "./chart-spec";

/**
 * How a chart's page is laid out: the way the patient header prints (labels, name order, date format), the
 * letterhead, body columns, running header/footer, stamps, distractor numbers and the signature.
 * The renderer (render-layout.ts) turns a ChartSpec plus a Layout into pages and the ground truth of what it printed.
 */

export type DateStyle =
  | "MM/DD/YYYY" // 03/14/1962
  | "M/D/YYYY" // 3/14/1962
  | "M/D/YY" // 3/14/62
  | "M-D-YY" // 3-14-62
  | "MM-DD-YYYY" // 03-14-1962
  | "DD-Mon-YYYY" // 14-Mar-1962
  | "Month D, YYYY" // March 14, 1962
  | "YYYY-MM-DD"; // 1962-03-14

/** "First Last" prints "Jane Doe"; "LAST, FIRST" prints "DOE, JANE"; "Last, First" prints "Doe, Jane"; "FIRST LAST" prints "JANE DOE". */
export type NameFormat = "First Last" | "LAST, FIRST" | "Last, First" | "FIRST LAST";

export type HeaderStyle =
  /** Bordered label/value table, two pairs per row. */
  | "table"
  /** Label on one line, value on the line below, three per row. */
  | "stacked"
  /** One or two dense lines: "Pt: DOE, JANE  DOB 3/14/62  MRN# 0012345". */
  | "dense"
  /** Unbordered "Label: value" pairs, two per row. */
  | "inline"
  /** Shaded label cells in a ruled grid (EHR printout). */
  | "boxed"
  /** Pre-printed form whose blanks are filled in by hand. */
  | "form"
  /** Letter: date line, "RE:" block. */
  | "letter";

export interface Layout {
  name: string;
  description: string;
  /** CSS font family of the body (MuPDF maps these to Nimbus Roman / Sans / Mono). */
  font: "serif" | "sans-serif" | "monospace";
  fontSize: number;
  letterhead: "centered" | "logo" | "left" | "none";
  header: HeaderStyle;
  labels: { name: string; dob: string; mrn: string; sex?: string };
  nameFormat: NameFormat;
  dateStyle: DateStyle;
  /** DOB may print differently from the other dates. */
  dobStyle?: DateStyle;
  sexStyle: "word" | "letter" | "none";
  /** Where the provider prints: in the header block, only in the signature, or both. */
  provider: "header" | "signature" | "both";
  /** "Dr. Alan Reyes, MD" or "Alan Reyes, MD". */
  providerTitle: boolean;
  /** Which of the per-type date/provider label variants to use. */
  labelVariant: 0 | 1 | 2;
  columns: 1 | 2;
  /** Patient name + MRN (+ DOB) repeated at the top of every page. */
  runningHeader: boolean;
  /** "page": "Page i of N"; "facility": facility line + page; "patient": patient name/MRN + page; "printed": EHR print stamp (a distractor date) + page. */
  footer: "page" | "facility" | "patient" | "printed" | "none";
  stamp?: "RECEIVED" | "COPY" | "FAXED";
  /** A distractor number printed next to the MRN, e.g. "Account #". */
  distractor?: string;
  signature: "typed" | "handwritten" | "dictation" | "letter";
  /** Header values written by hand (emulated, see render-layout.ts). */
  handwritten: boolean;
  /** Fax transmission line at the top of every page (a date and phone numbers: distractors). */
  faxHeader: boolean;
  /** Header values in capitals. */
  upperValues: boolean;
  titleStyle: "upper" | "title";
  /** Document types this layout suits (a letter is a consult or visit note); all when omitted. */
  documentTypes?: readonly DocumentType[];
}

const base: Omit<Layout, "name" | "description"> = {
  font: "serif",
  fontSize: 10,
  letterhead: "centered",
  header: "table",
  labels: { name: "Patient Name:", dob: "DOB:", mrn: "MRN:", sex: "Sex:" },
  nameFormat: "First Last",
  dateStyle: "MM/DD/YYYY",
  sexStyle: "word",
  provider: "both",
  providerTitle: true,
  labelVariant: 0,
  columns: 1,
  runningHeader: false,
  footer: "facility",
  signature: "typed",
  handwritten: false,
  faxHeader: false,
  upperValues: false,
  titleStyle: "upper",
};

/** The named layouts, in corpus cycling order. */
export const LAYOUTS: readonly Layout[] = [
  {
    ...base,
    name: "classic-table",
    description: "Centered letterhead, bordered 2×N patient table, serif, typed e-signature.",
  },
  {
    ...base,
    name: "stacked-labels",
    description: "Left letterhead, label above value in a ruled grid, sans, long dates (March 14, 1962).",
    font: "sans-serif",
    letterhead: "left",
    header: "stacked",
    labels: { name: "Patient Name", dob: "Date of Birth", mrn: "Medical Record No.", sex: "Gender" },
    dateStyle: "Month D, YYYY",
    labelVariant: 1,
    footer: "page",
  },
  {
    ...base,
    name: "dense-line",
    description:
      "Transcription service: no letterhead, one dense monospace line 'Pt: DOE, JANE  DOB 3/14/62  MRN# 0012345', no sex, dictation footer with D:/T: dates.",
    font: "monospace",
    fontSize: 9.5,
    letterhead: "none",
    header: "dense",
    labels: { name: "Pt:", dob: "DOB", mrn: "MRN#" },
    nameFormat: "LAST, FIRST",
    dateStyle: "M/D/YY",
    sexStyle: "none",
    provider: "both",
    providerTitle: false,
    labelVariant: 2,
    footer: "page",
    signature: "dictation",
    upperValues: true,
  },
  {
    ...base,
    name: "two-column",
    description:
      "Two-column body under an unbordered header, sans, dates 14-Mar-1962, 'Name:' / 'Birth Date:'.",
    font: "sans-serif",
    fontSize: 9,
    header: "inline",
    labels: { name: "Name:", dob: "Birth Date:", mrn: "MRN:", sex: "Sex:" },
    dateStyle: "DD-Mon-YYYY",
    sexStyle: "letter",
    columns: 2,
    labelVariant: 1,
  },
  {
    ...base,
    name: "running-header",
    description:
      "Patient name + MRN header and footer on every page; 'Pt Name', 'D.O.B.', 'Med Rec #', dates 03-14-1962.",
    header: "inline",
    labels: { name: "Pt Name:", dob: "D.O.B.:", mrn: "Med Rec #:", sex: "Sex:" },
    dateStyle: "MM-DD-YYYY",
    runningHeader: true,
    footer: "patient",
    labelVariant: 2,
  },
  {
    ...base,
    name: "logo-letterhead",
    description:
      "Letterhead with a logo block (initials on black), 'Name' / 'Birth Date' / 'Medical Record No.', dates March 14, 1962, provider without 'Dr.'.",
    font: "sans-serif",
    letterhead: "logo",
    header: "inline",
    labels: { name: "Name:", dob: "Birth Date:", mrn: "Medical Record No.:", sex: "Gender:" },
    dateStyle: "Month D, YYYY",
    providerTitle: false,
    labelVariant: 0,
    footer: "page",
    signature: "handwritten",
  },
  {
    ...base,
    name: "received-stamp",
    description:
      "Shaded-label grid, 'Patient:' / 'MR#:', a rotated RECEIVED date stamp over the text (distractor date).",
    header: "boxed",
    labels: { name: "Patient:", dob: "DOB:", mrn: "MR#:", sex: "Sex:" },
    stamp: "RECEIVED",
    labelVariant: 1,
  },
  {
    ...base,
    name: "copy-stamp-account",
    description:
      "'Chart #' with an 'Account #' right next to it (distractor), 'Doe, Jane' order, dates 3/14/1962, COPY stamp.",
    font: "sans-serif",
    header: "table",
    labels: { name: "Patient:", dob: "Birth Date:", mrn: "Chart #:", sex: "Sex:" },
    nameFormat: "Last, First",
    dateStyle: "M/D/YYYY",
    distractor: "Account #:",
    stamp: "COPY",
    labelVariant: 2,
    footer: "page",
  },
  {
    ...base,
    name: "signature-block",
    description:
      "Provider only in a signature block (handwritten signature over a rule, typed name, NPI, date); MRN label 'Medical Record No.'.",
    letterhead: "left",
    header: "inline",
    labels: { name: "Patient Name:", dob: "Date of Birth:", mrn: "Medical Record No.:", sex: "Sex:" },
    provider: "signature",
    signature: "handwritten",
    labelVariant: 0,
  },
  {
    ...base,
    name: "handwritten-form",
    description:
      "Pre-printed form, blanks filled in by hand (emulated handwriting), 'Name (Last, First)', dates 3/14/62, 'Chart #'.",
    font: "sans-serif",
    letterhead: "left",
    header: "form",
    labels: { name: "Name (Last, First):", dob: "Date of Birth:", mrn: "Chart #:", sex: "Sex (M/F):" },
    nameFormat: "Last, First",
    dateStyle: "M/D/YY",
    sexStyle: "letter",
    handwritten: true,
    signature: "handwritten",
    labelVariant: 1,
    footer: "page",
    documentTypes: [
      "patient_intake_form",
      "progress_note",
      "history_and_physical",
      "medication_list",
      "consult_note",
    ],
  },
  {
    ...base,
    name: "fax-cover",
    description:
      "Fax transmission line on every page, capitals ('PATIENT:', 'DOB:', 'MRN:'), FAXED stamp, dates 03/14/1962.",
    font: "sans-serif",
    header: "dense",
    labels: { name: "PATIENT:", dob: "DOB:", mrn: "MRN:", sex: "SEX:" },
    nameFormat: "LAST, FIRST",
    sexStyle: "letter",
    faxHeader: true,
    stamp: "FAXED",
    upperValues: true,
    labelVariant: 0,
    footer: "page",
  },
  {
    ...base,
    name: "ehr-printout",
    description:
      "EHR printout: shaded grid, ISO dates, 'Encounter #' distractor, 'printed on' footer date, sex as a letter.",
    font: "sans-serif",
    fontSize: 9,
    letterhead: "left",
    header: "boxed",
    labels: { name: "Patient Name:", dob: "Birth Date:", mrn: "MRN:", sex: "Sex:" },
    dateStyle: "YYYY-MM-DD",
    sexStyle: "letter",
    distractor: "Encounter #:",
    labelVariant: 2,
    runningHeader: true,
    footer: "printed",
    titleStyle: "title",
  },
  {
    ...base,
    name: "clinic-letter",
    description:
      "Letter to the referring physician: letterhead with logo, date line, 'RE: Jane Doe  DOB: 03/14/1962', no MRN, no sex, 'Sincerely' signature.",
    letterhead: "logo",
    header: "letter",
    labels: { name: "RE:", dob: "DOB:", mrn: "" },
    sexStyle: "none",
    provider: "signature",
    signature: "letter",
    labelVariant: 0,
    footer: "none",
    titleStyle: "title",
    documentTypes: ["consult_note", "progress_note", "radiology_report"],
  },
];

export function layoutByName(name: string): Layout {
  const layout = LAYOUTS.find((l) => l.name === name);
  if (!layout) throw new Error(`unknown layout ${name}`);
  return layout;
}

/** The document types the corpus cycles through (all have fitting titles and content). */
export const CORPUS_DOCUMENT_TYPES: readonly DocumentType[] = [
  "discharge_summary",
  "history_and_physical",
  "progress_note",
  "consult_note",
  "operative_report",
  "lab_report",
  "radiology_report",
  "medication_list",
  "patient_intake_form",
];

/** Title variants per document type; a layout's labelVariant picks one. */
export const TITLE_VARIANTS: Record<DocumentType, readonly [string, string, string]> = {
  discharge_summary: ["Discharge Summary", "Hospital Discharge Summary", "Discharge Summary Report"],
  history_and_physical: [
    "History and Physical",
    "Admission History and Physical",
    "History & Physical Examination",
  ],
  progress_note: ["Progress Note", "Office Visit Note", "Clinic Progress Note"],
  consult_note: ["Consultation Note", "Consultation Report", "Consultation"],
  operative_report: ["Operative Report", "Operative Note", "Report of Operation"],
  lab_report: ["Laboratory Report", "Clinical Laboratory Results", "Lab Results"],
  radiology_report: ["Radiology Report", "Diagnostic Imaging Report", "Imaging Report"],
  medication_list: ["Medication List", "Current Medication List", "Medication Reconciliation"],
  patient_intake_form: ["Patient Intake Form", "New Patient Registration", "Patient Information Form"],
  authorization_form: [
    "Authorization for Release of Information",
    "Authorization to Disclose Health Information",
    "Release of Information",
  ],
  insurance_claim: ["Insurance Claim Summary", "Claim Summary", "Statement of Claim"],
  other: ["Clinical Document", "Correspondence", "Clinical Record"],
};

/** Date-of-service label variants per document type. */
const SERVICE_LABELS: Record<DocumentType, readonly [string, string, string]> = {
  discharge_summary: ["Date of Service:", "Date of Service:", "DOS:"],
  history_and_physical: ["Date of Service:", "Date of Exam:", "DOS:"],
  progress_note: ["Date of Service:", "Visit Date:", "DOS:"],
  consult_note: ["Date of Consultation:", "Consult Date:", "DOS:"],
  operative_report: ["Date of Surgery:", "Date of Procedure:", "Procedure Date:"],
  lab_report: ["Collection Date:", "Collected:", "Date Collected:"],
  radiology_report: ["Exam Date:", "Date of Exam:", "Study Date:"],
  medication_list: ["Date Reviewed:", "List Date:", "Date:"],
  patient_intake_form: ["Today's Date:", "Date:", "Visit Date:"],
  authorization_form: ["Date:", "Date:", "Date:"],
  insurance_claim: ["Date of Service:", "Service Date:", "DOS:"],
  other: ["Date:", "Date:", "Date:"],
};

const PROVIDER_LABELS: Record<DocumentType, readonly [string, string, string]> = {
  discharge_summary: ["Attending:", "Attending Physician:", "Attending:"],
  history_and_physical: ["Attending:", "Physician:", "Admitting MD:"],
  progress_note: ["Provider:", "Physician:", "Seen by:"],
  consult_note: ["Consultant:", "Consulting Physician:", "Consultant:"],
  operative_report: ["Surgeon:", "Surgeon:", "Primary Surgeon:"],
  lab_report: ["Ordering Physician:", "Ordered By:", "Ordering Provider:"],
  radiology_report: ["Ordering Physician:", "Referring Physician:", "Ordering Provider:"],
  medication_list: ["Prescriber:", "Physician:", "Provider:"],
  patient_intake_form: ["Provider:", "Physician:", "Provider:"],
  authorization_form: ["Provider:", "Provider:", "Provider:"],
  insurance_claim: ["Rendering Provider:", "Provider:", "Provider:"],
  other: ["Provider:", "Provider:", "Provider:"],
};

export function serviceLabel(layout: Layout, type: DocumentType): string {
  return SERVICE_LABELS[type][layout.labelVariant];
}

export function providerLabel(layout: Layout, type: DocumentType): string {
  return PROVIDER_LABELS[type][layout.labelVariant];
}

export function titleFor(layout: Layout, type: DocumentType): string {
  const title = TITLE_VARIANTS[type][layout.labelVariant];
  return layout.titleStyle === "upper" ? title.toUpperCase() : title;
}

const MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];

/** Prints a YYYY-MM-DD date in `style`. */
export function formatDate(iso: string, style: DateStyle): string {
  const [y = "", m = "", d = ""] = iso.split("-");
  const mi = Number(m);
  const di = Number(d);
  const month = MONTHS[mi - 1] ?? "";
  switch (style) {
    case "MM/DD/YYYY":
      return `${m}/${d}/${y}`;
    case "M/D/YYYY":
      return `${mi}/${di}/${y}`;
    case "M/D/YY":
      return `${mi}/${di}/${y.slice(2)}`;
    case "M-D-YY":
      return `${mi}-${di}-${y.slice(2)}`;
    case "MM-DD-YYYY":
      return `${m}-${d}-${y}`;
    case "DD-Mon-YYYY":
      return `${d}-${month.slice(0, 3)}-${y}`;
    case "Month D, YYYY":
      return `${month} ${di}, ${y}`;
    case "YYYY-MM-DD":
      return iso;
  }
}

/** The name as printed, and the truth value ("First Last" order, in the case it was printed). */
export function formatName(
  first: string,
  last: string,
  format: NameFormat,
): { printed: string; truth: string } {
  switch (format) {
    case "First Last":
      return { printed: `${first} ${last}`, truth: `${first} ${last}` };
    case "FIRST LAST":
      return { printed: `${first} ${last}`.toUpperCase(), truth: `${first} ${last}`.toUpperCase() };
    case "LAST, FIRST":
      return { printed: `${last}, ${first}`.toUpperCase(), truth: `${first} ${last}`.toUpperCase() };
    case "Last, First":
      return { printed: `${last}, ${first}`, truth: `${first} ${last}` };
  }
}

export function formatProvider(provider: string, layout: Layout): string {
  return layout.providerTitle ? provider : provider.replace(/^Dr\.\s+/, "");
}

/** A document to render: what it says (spec) and how it is printed (layout). */
export interface LayoutDocument {
  spec: ChartSpec;
  layout: Layout;
}
