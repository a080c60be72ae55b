/** Where on the scan a value was read: 1-based page and a box in page-relative coordinates (0–1), as Textract gives. */
export interface BoundingBox {
  left: number;
  top: number;
  width: number;
  height: number;
}

export interface ExtractedField {
  /** Normalized value: dates YYYY-MM-DD, sex female|male|other|unknown, names as printed with whitespace collapsed. */
  value: string;
  /** 0–1: OCR confidence combined with how certain the rule is. */
  confidence: number;
  page: number;
  bbox: BoundingBox;
  /** "human": set by a person's correction; re-extraction never overwrites it. Absent: read by OCR. */
  source?: "ocr" | "human";
}

export const FIELD_NAMES = [
  "patientName",
  "dateOfBirth",
  "sex",
  "mrn",
  "dateOfService",
  "admissionDate",
  "dischargeDate",
  "provider",
  "facility",
] as const;

export type FieldName = (typeof FIELD_NAMES)[number];

export type ExtractedFields = Partial<Record<FieldName, ExtractedField>>;

export interface Diagnosis {
  text: string;
  /** ICD-10-CM code when one is printed and well-formed. */
  code?: string;
  page?: number;
}

export interface Medication {
  text: string;
  page?: number;
}

export interface Allergy {
  text: string;
  page?: number;
}

/** What extraction produces for one document; `chartbridge extract --json` prints exactly this. */
export interface ExtractionResult {
  documentType: import("./document-types").DocumentType;
  pageCount: number;
  fields: ExtractedFields;
  diagnoses: Diagnosis[];
  medications: Medication[];
  allergies: Allergy[];
}
