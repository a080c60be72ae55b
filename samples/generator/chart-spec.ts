import { readFileSync } from "node:fs";
import { DOCUMENT_TYPE_NAMES, type DocumentType } from "../../shared/domain/document-types";

/**
 * What one synthetic paper chart says: the ground truth the OCR/extraction pipeline should recover.
 * All dates are YYYY-MM-DD; the renderer prints them the way US charts do (MM/DD/YYYY).
 */
export interface ChartSpec {
  seed: number;
  documentType: DocumentType;
  patient: ChartPatient;
  dateOfService: string;
  /** Discharge summaries only. */
  admissionDate?: string;
  /** Discharge summaries only (equal to dateOfService). */
  dischargeDate?: string;
  /** As printed, e.g. "Dr. Alan Reyes, MD". */
  provider: string;
  facility: Facility;
  diagnoses: { text: string; code: string }[];
  medications: string[];
  /** Empty means "No known drug allergies". */
  allergies: string[];
  /** Lab reports only. */
  labResults?: LabResult[];
  /** Body of the chart, in print order. Structured kinds are printed from the fields above. */
  sections: ChartSection[];
  /** Minimum number of pages to print (the text may need more). */
  pages?: number;
  /** Where the text came from (data/notes.json id, index in data/patients.json). */
  source: { noteId?: string; patientIndex: number };
}

export interface ChartPatient {
  /** Full name as printed: "First Last". */
  name: string;
  firstName: string;
  lastName: string;
  dob: string;
  sex: "female" | "male";
  /** "MRN-004512" or "00451287". */
  mrn: string;
}

export interface Facility {
  name: string;
  street: string;
  city: string;
  state: string;
  zip: string;
  phone: string;
}

export interface LabResult {
  test: string;
  value: string;
  units: string;
  range: string;
  flag?: "H" | "L";
}

export type ChartSection =
  | { kind: "text"; heading: string; paragraphs: string[] }
  | { kind: "diagnoses" | "medications" | "allergies" | "labs"; heading: string };

export interface BuildChartSpecOptions {
  seed: number;
  /** Random when omitted. */
  documentType?: DocumentType;
  /** Minimum page count for the rendered chart. */
  pages?: number;
}

/** mulberry32: a tiny, fast, seedable PRNG returning floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface PatientData {
  firstName: string;
  lastName: string;
  birthDate: string;
  sex: "female" | "male";
  city: string;
  state: string;
  diagnoses: { text: string; code: string }[];
  medications: string[];
  allergies: string[];
}

interface NoteData {
  id: string;
  sampleName: string;
  specialty: string;
  documentType: DocumentType;
  sex: "female" | "male" | null;
  sections: { heading: string; paragraphs: string[] }[];
  diagnoses: { text: string; code: string }[];
}

function loadJson<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`./data/${name}`, import.meta.url), "utf8")) as T;
}

let cache: { patients: PatientData[]; notes: NoteData[] } | undefined;
/** The bundled synthetic patients and clinical notes (see data/ATTRIBUTION.md). */
export function sampleData(): { patients: PatientData[]; notes: NoteData[] } {
  cache ??= { patients: loadJson<PatientData[]>("patients.json"), notes: loadJson<NoteData[]>("notes.json") };
  return cache;
}

// Fictitious facilities, providers and labs (any resemblance to a real one is accidental).
const FACILITIES: Facility[] = [
  {
    name: "Cedar Hollow Regional Hospital",
    street: "1200 Lantern Mill Road",
    city: "Worcester",
    state: "MA",
    zip: "01608",
    phone: "(508) 555-0142",
  },
  {
    name: "Maplewood General Hospital",
    street: "77 Quarry Hill Avenue",
    city: "Framingham",
    state: "MA",
    zip: "01702",
    phone: "(508) 555-0187",
  },
  {
    name: "Brookfield Valley Medical Center",
    street: "450 Tannery Street",
    city: "Lowell",
    state: "MA",
    zip: "01852",
    phone: "(978) 555-0119",
  },
  {
    name: "Saltmarsh Family Health Clinic",
    street: "18 Dory Lane, Suite 200",
    city: "Plymouth",
    state: "MA",
    zip: "02360",
    phone: "(508) 555-0163",
  },
  {
    name: "North Orchard Community Hospital",
    street: "905 Beacon Orchard Way",
    city: "Springfield",
    state: "MA",
    zip: "01103",
    phone: "(413) 555-0171",
  },
];

const PROVIDERS = [
  "Dr. Alan Reyes, MD",
  "Dr. Priya Natarajan, MD",
  "Dr. Samuel Okafor, DO",
  "Dr. Helen Marsh, MD",
  "Dr. Thomas Lindqvist, MD",
  "Dr. Grace Whitfield, MD",
  "Dr. Mateo Alvarez, MD",
  "Dr. Naomi Sato, DO",
];

const FALLBACK_MEDICATIONS = [
  "Acetaminophen 500 MG Oral Tablet",
  "Ibuprofen 400 MG Oral Tablet",
  "Loratadine 10 MG Oral Tablet",
];

/** Lab panel: test, units, reference low/high, decimals. Values are drawn around the reference range. */
const LAB_PANEL: [string, string, number, number, number][] = [
  ["WBC", "x10^3/uL", 4.0, 11.0, 1],
  ["RBC", "x10^6/uL", 4.2, 5.9, 2],
  ["Hemoglobin", "g/dL", 12.0, 17.5, 1],
  ["Hematocrit", "%", 36.0, 51.0, 1],
  ["Platelets", "x10^3/uL", 150, 400, 0],
  ["Sodium", "mmol/L", 135, 145, 0],
  ["Potassium", "mmol/L", 3.5, 5.1, 1],
  ["Chloride", "mmol/L", 98, 107, 0],
  ["CO2", "mmol/L", 22, 29, 0],
  ["BUN", "mg/dL", 7, 20, 0],
  ["Creatinine", "mg/dL", 0.6, 1.3, 2],
  ["Glucose", "mg/dL", 70, 99, 0],
  ["Calcium", "mg/dL", 8.6, 10.3, 1],
  ["Hemoglobin A1c", "%", 4.0, 5.6, 1],
];

/** Note headings whose content the generator prints from the structured spec fields instead. */
const REPLACED_HEADINGS = new Set([
  "MEDICATIONS",
  "CURRENT MEDICATIONS",
  "CURRENT MEDICINES",
  "ALLERGIES",
  "ADMITTING DIAGNOSES",
  "DISCHARGE DIAGNOSES",
  "DIAGNOSIS",
  "MEDICAL PROBLEM LIST",
  "IMPRESSION DIAGNOSIS",
]);

/** Where the structured DIAGNOSES/MEDICATIONS/ALLERGIES blocks go: before the first of these headings. */
const EXAM_OR_LATER =
  /EXAM|OBJECTIVE|IMPRESSION|ASSESSMENT|PLAN|HOSPITAL COURSE|PROCEDURE|FINDINGS|INTERPRETATION|LABORATORY|DATA/;

function pick<T>(rng: () => number, items: readonly T[]): T {
  const item = items[Math.floor(rng() * items.length)];
  if (item === undefined) throw new Error("pick from an empty list");
  return item;
}

function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

const DAY = 86_400_000;

/** Age in whole years on `on` for someone born `dob` (both YYYY-MM-DD). */
export function ageOn(dob: string, on: string): number {
  const [by, bm, bd] = dob.split("-").map(Number) as [number, number, number];
  const [y, m, d] = on.split("-").map(Number) as [number, number, number];
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

function noteTypeFor(documentType: DocumentType): DocumentType | undefined {
  switch (documentType) {
    case "discharge_summary":
    case "history_and_physical":
    case "progress_note":
    case "consult_note":
    case "operative_report":
    case "radiology_report":
      return documentType;
    case "lab_report":
    case "medication_list":
      return undefined;
    default:
      return "progress_note";
  }
}

/** Deterministically builds a chart spec from the bundled synthetic data: same options, same spec. */
export function buildChartSpec(options: BuildChartSpecOptions): ChartSpec {
  const rng = mulberry32(options.seed);
  const { patients, notes } = sampleData();
  const documentType = options.documentType ?? pick(rng, DOCUMENT_TYPE_NAMES);

  const noteType = noteTypeFor(documentType);
  const note = noteType
    ? pick(
        rng,
        notes.filter((n) => n.documentType === noteType),
      )
    : undefined;
  const eligible = patients.map((p, i) => ({ p, i })).filter(({ p }) => !note?.sex || p.sex === note.sex);
  const { p, i: patientIndex } = pick(rng, eligible);

  // A date of service between 2022-01-03 and 2025-06-30, never before the patient turns 18.
  const start = Math.max(
    Date.UTC(2022, 0, 3),
    Date.parse(`${Number(p.birthDate.slice(0, 4)) + 18}${p.birthDate.slice(4)}`),
  );
  const end = Date.UTC(2025, 5, 30);
  let serviceMs = start + Math.floor(rng() * Math.max(1, (end - start) / DAY)) * DAY;
  const weekday = new Date(serviceMs).getUTCDay();
  if (weekday === 0 || weekday === 6) serviceMs += (weekday === 6 ? 2 : 1) * DAY; // clinics see patients on weekdays
  const dateOfService = isoDate(serviceMs);
  const admissionDate =
    documentType === "discharge_summary"
      ? isoDate(Date.parse(dateOfService) - (2 + Math.floor(rng() * 6)) * DAY)
      : undefined;

  const number = Math.floor(rng() * 1e8);
  const mrn = rng() < 0.5 ? `MRN-${String(number % 1e6).padStart(6, "0")}` : String(number).padStart(8, "0");
  const provider = pick(rng, PROVIDERS);
  const consultant = pick(
    rng,
    PROVIDERS.filter((x) => x !== provider),
  ).replace(/, (MD|DO)$/, "");
  const facility = pick(rng, FACILITIES);
  const age = ageOn(p.birthDate, dateOfService);

  const diagnoses = [...(note?.diagnoses ?? [])];
  for (const d of p.diagnoses)
    if (!diagnoses.some((x) => x.code === d.code) && diagnoses.length < 6) diagnoses.push(d);
  const medications =
    p.medications.length > 0 ? [...p.medications] : FALLBACK_MEDICATIONS.slice(0, 1 + Math.floor(rng() * 3));
  const allergies = [...p.allergies];

  const fill = (text: string) =>
    text.replaceAll("{{age}}", String(age)).replaceAll("{{consultant}}", consultant);
  const noteSections: ChartSection[] = (note?.sections ?? [])
    .filter((s) => !REPLACED_HEADINGS.has(s.heading))
    .map((s) => ({ kind: "text", heading: s.heading, paragraphs: s.paragraphs.map(fill) }));

  let sections: ChartSection[];
  let labResults: LabResult[] | undefined;
  switch (documentType) {
    case "discharge_summary":
      sections = [
        { kind: "diagnoses", heading: "DISCHARGE DIAGNOSES" },
        ...noteSections,
        { kind: "medications", heading: "DISCHARGE MEDICATIONS" },
        { kind: "allergies", heading: "ALLERGIES" },
        {
          kind: "text",
          heading: "FOLLOW-UP",
          paragraphs: [
            `Follow up with ${provider.replace(/, (MD|DO)$/, "")} in ${1 + Math.floor(rng() * 3)} weeks. Return to the emergency department for worsening symptoms.`,
          ],
        },
      ];
      break;
    case "lab_report":
      labResults = LAB_PANEL.map(([test, units, lo, hi, decimals]) => {
        const v = lo + (hi - lo) * (rng() * 1.3 - 0.15);
        const value = v.toFixed(decimals);
        const flag = Number(value) > hi ? "H" : Number(value) < lo ? "L" : undefined;
        return {
          test,
          value,
          units,
          range: `${lo.toFixed(decimals)} - ${hi.toFixed(decimals)}`,
          ...(flag ? { flag } : {}),
        };
      });
      sections = [
        {
          kind: "text",
          heading: "SPECIMEN",
          paragraphs: [
            `Venous blood, collected ${usDate(dateOfService)} 0${6 + Math.floor(rng() * 4)}:${String(Math.floor(rng() * 60)).padStart(2, "0")}. Received in good condition.`,
          ],
        },
        { kind: "diagnoses", heading: "CLINICAL INDICATION" },
        { kind: "labs", heading: "RESULTS" },
        {
          kind: "text",
          heading: "COMMENTS",
          paragraphs: [
            "Results flagged H or L fall outside the reference range. Reference ranges are for adults.",
          ],
        },
      ];
      break;
    case "medication_list":
      sections = [
        { kind: "medications", heading: "CURRENT MEDICATIONS" },
        { kind: "allergies", heading: "ALLERGIES" },
        { kind: "diagnoses", heading: "ACTIVE PROBLEMS" },
      ];
      break;
    case "operative_report":
    case "radiology_report":
      sections = [
        {
          kind: "diagnoses",
          heading: documentType === "operative_report" ? "DIAGNOSES" : "CLINICAL INDICATION",
        },
        ...noteSections,
        { kind: "allergies", heading: "ALLERGIES" },
      ];
      break;
    default: {
      const at = noteSections.findIndex((s) => EXAM_OR_LATER.test(s.heading));
      const split = at < 0 ? noteSections.length : at;
      const hasPlan = noteSections.some((s) => /PLAN|RECOMMENDATION/.test(s.heading));
      sections = [
        ...(noteSections.some((s) => /CHIEF COMPLAINT|REASON FOR/.test(s.heading)) || !note
          ? []
          : [
              {
                kind: "text" as const,
                heading: "CHIEF COMPLAINT",
                paragraphs: [`Follow-up of ${diagnoses[0]?.text.toLowerCase() ?? "chronic conditions"}.`],
              },
            ]),
        ...noteSections.slice(0, split),
        { kind: "medications", heading: "MEDICATIONS" },
        { kind: "allergies", heading: "ALLERGIES" },
        ...noteSections.slice(split),
        { kind: "diagnoses", heading: "DIAGNOSES" },
        ...(hasPlan
          ? []
          : [
              {
                kind: "text" as const,
                heading: "PLAN",
                paragraphs: [
                  "Continue current medications. Return to clinic in 3 months or sooner as needed.",
                ],
              },
            ]),
      ];
    }
  }

  return {
    seed: options.seed,
    documentType,
    patient: {
      name: `${p.firstName} ${p.lastName}`,
      firstName: p.firstName,
      lastName: p.lastName,
      dob: p.birthDate,
      sex: p.sex,
      mrn,
    },
    dateOfService,
    ...(admissionDate ? { admissionDate, dischargeDate: dateOfService } : {}),
    provider,
    facility,
    diagnoses,
    medications,
    allergies,
    ...(labResults ? { labResults } : {}),
    sections,
    ...(options.pages ? { pages: options.pages } : {}),
    source: { ...(note ? { noteId: note.id } : {}), patientIndex },
  };
}

/** YYYY-MM-DD → MM/DD/YYYY. */
export function usDate(iso: string): string {
  const [y, m, d] = iso.split("-");
  return `${m}/${d}/${y}`;
}
