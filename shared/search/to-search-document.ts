import type { ChartRecord } from "../domain/chart-record";
import type { Diagnosis } from "../domain/fields";
import type { SearchDocument } from "./search-index";

/**
 * Maps a chart record to what is indexed for it. Pure.
 *
 * - Identity fields are the extracted values; empty values are left out.
 * - `dateOfService` falls back to the admission date, then the discharge date, so discharge summaries
 *   without a printed service date still fall in date-range searches.
 * - Diagnoses are indexed as "text code" ("Type 2 diabetes mellitus E11.9") so either finds them.
 * - `text` is the plain OCR text. It is kept in S3 beside the raw OCR output, so callers pass it in;
 *   without it, a `text` property on the record (older records) is used, else "".
 */
export function toSearchDocument(record: ChartRecord, text?: string): SearchDocument {
  const field = (name: keyof ChartRecord["fields"]): string | undefined => {
    const value = record.fields[name]?.value.trim();
    return value ? value : undefined;
  };
  const dateOfService = field("dateOfService") ?? field("admissionDate") ?? field("dischargeDate");

  return {
    id: record.id,
    version: record.version,
    status: record.status,
    ...optional("documentType", record.documentType),
    ...optional("patientName", field("patientName")),
    ...optional("dateOfBirth", field("dateOfBirth")),
    ...optional("mrn", field("mrn")),
    ...optional("dateOfService", dateOfService),
    ...optional("provider", field("provider")),
    // Spacing normalized, so facets and the facility filter group one facility however OCR spaced it.
    ...optional("facility", field("facility")?.replace(/\s+/g, " ")),
    diagnoses: record.diagnoses.map(diagnosisText).filter((t) => t.length > 0),
    medications: record.medications.map((m) => m.text.trim()).filter((t) => t.length > 0),
    allergies: record.allergies.map((a) => a.text.trim()).filter((t) => t.length > 0),
    text: text ?? legacyText(record) ?? "",
    ...optional("vendor", record.source.vendor),
    ...optional("batch", record.source.batch),
    sourceKey: record.source.key,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}

function diagnosisText(d: Diagnosis): string {
  const text = d.text.trim();
  const code = d.code?.trim();
  if (!code || text.includes(code)) return text;
  return text ? `${text} ${code}` : code;
}

function legacyText(record: ChartRecord): string | undefined {
  const text: unknown = (record as unknown as { text?: unknown }).text;
  return typeof text === "string" ? text : undefined;
}

/** `{ [key]: value }` when value is set, else `{}`: keeps absent fields out of the document. */
function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return value === undefined || value === "" ? {} : ({ [key]: value } as { [P in K]?: V });
}
