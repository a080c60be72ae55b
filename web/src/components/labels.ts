/** How the app names what the API returns: document types and reason codes as the domain describes them. */
import { DOCUMENT_TYPES } from "../../../shared/domain/document-types";
import { REASON_CODES } from "../../../shared/domain/status";

export const FIELD_LABELS: Record<string, string> = {
  patientName: "Patient name",
  dateOfBirth: "Date of birth",
  sex: "Sex",
  mrn: "MRN",
  dateOfService: "Date of service",
  admissionDate: "Admission date",
  dischargeDate: "Discharge date",
  provider: "Provider",
  facility: "Facility",
};

export const STATUS_LABELS: Record<string, string> = {
  RECEIVED: "Received",
  OCR_PENDING: "Reading",
  EXTRACTED: "Extracted",
  INDEXED: "Filed",
  NEEDS_REVIEW: "Needs review",
  REJECTED: "Rejected",
  DUPLICATE: "Duplicate",
  FAILED: "Failed",
};

export const DOCUMENT_TYPE_NAMES = Object.keys(DOCUMENT_TYPES);
export const typeLabel = (t: string | undefined) =>
  t ? (DOCUMENT_TYPES[t as keyof typeof DOCUMENT_TYPES]?.display ?? t) : "Unclassified";
export const reasonLabel = (r: string) => REASON_CODES[r as keyof typeof REASON_CODES] ?? r;
export const statusLabel = (s: string) => STATUS_LABELS[s] ?? s;
export const fieldLabel = (f: string) => FIELD_LABELS[f] ?? f;
export const percent = (c: number) => `${Math.round(c * 100)} %`;

/** A timestamp in the reader's locale, to the minute. */
export const when = (iso: string) =>
  new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
