/**
 * Document types records staff file charts under, each with its LOINC document code and display name
 * (`UNK`: no specific LOINC document code).
 */
export const DOCUMENT_TYPES = {
  discharge_summary: { loinc: "18842-5", display: "Discharge summary" },
  history_and_physical: { loinc: "34117-2", display: "History and physical note" },
  progress_note: { loinc: "11506-3", display: "Progress note" },
  consult_note: { loinc: "11488-4", display: "Consult note" },
  operative_report: { loinc: "11504-8", display: "Surgical operation note" },
  lab_report: { loinc: "11502-2", display: "Laboratory report" },
  radiology_report: { loinc: "18748-4", display: "Diagnostic imaging study" },
  medication_list: { loinc: "10160-0", display: "History of medication use" },
  patient_intake_form: { loinc: "52471-0", display: "Patient intake form" },
  authorization_form: { loinc: "59284-0", display: "Consent / authorization" },
  insurance_claim: { loinc: "UNK", display: "Insurance claim" },
  other: { loinc: "UNK", display: "Other clinical document" },
} as const;

export type DocumentType = keyof typeof DOCUMENT_TYPES;

export const DOCUMENT_TYPE_NAMES = Object.keys(DOCUMENT_TYPES) as DocumentType[];

export function isDocumentType(value: string): value is DocumentType {
  return Object.hasOwn(DOCUMENT_TYPES, value);
}
