import type { HumanName, Patient } from "@medplum/fhirtypes";
import type { ChartRecord } from "../domain/chart-record";
import type { ExtractedField, FieldName } from "../domain/fields";
import { mrnKey } from "../domain/mrn";
import { DATA_ABSENT_REASON_EXTENSION, IDENTIFIER_TYPE, US_CORE_PATIENT } from "./terminology";

/**
 * The value the patient's charts agree on for one identity field: a person's correction counts for more
 * than any OCR reading, then how many charts printed it and how confidently it was read.
 */
function agreedValue(records: readonly PatientSource[], field: FieldName): string | undefined {
  const weights = new Map<string, { value: string; weight: number }>();
  for (const r of records) {
    const f: ExtractedField | undefined = r.fields[field];
    if (!f?.value) continue;
    const key = f.value.trim().toUpperCase().replace(/\s+/g, " ");
    const entry = weights.get(key) ?? { value: f.value.trim(), weight: 0 };
    entry.weight += f.source === "human" ? 2 : f.confidence;
    weights.set(key, entry);
  }
  let best: { value: string; weight: number } | undefined;
  for (const e of weights.values()) if (!best || e.weight > best.weight) best = e;
  return best?.value;
}

/**
 * A name as charts print it, as FHIR's HumanName: "LOPEZ, MARIA A" (family first, after a comma) or
 * "Maria A. Lopez" (family last). `text` keeps it as printed.
 */
export function humanName(printed: string): HumanName {
  const text = printed.trim().replace(/\s+/g, " ");
  const comma = text.indexOf(",");
  if (comma > 0) {
    const family = text.slice(0, comma).trim();
    const given = text
      .slice(comma + 1)
      .split(" ")
      .filter(Boolean);
    return { use: "official", text, family, ...(given.length ? { given } : {}) };
  }
  const parts = text.split(" ");
  if (parts.length === 1) return { use: "official", text, family: parts[0]! };
  return { use: "official", text, family: parts.at(-1)!, given: parts.slice(0, -1) };
}

/** What a Patient is assembled from: each filed chart's identity fields and when it last changed. */
export type PatientSource = Pick<ChartRecord, "fields" | "updatedAt">;

const IDENTITY_FIELDS = ["patientName", "sex", "dateOfBirth", "mrn"] as const satisfies readonly FieldName[];

/** Just what toPatient reads of a chart: what an export keeps per chart while it runs, not the whole record. */
export function patientSource(record: PatientSource): PatientSource {
  const fields: ChartRecord["fields"] = {};
  for (const name of IDENTITY_FIELDS) if (record.fields[name]) fields[name] = record.fields[name];
  return { fields, updatedAt: record.updatedAt };
}

const GENDERS = new Set(["male", "female", "other", "unknown"]);

/**
 * A US Core Patient assembled from the filed charts of one MRN: the MRN as identifier (under the facility's
 * system), and the name, sex and date of birth the charts agree on. A value no chart gives is marked absent
 * (US Core requires a name and a gender).
 */
export function toPatient(
  patientId: string,
  records: readonly PatientSource[],
  opts: { mrnSystem: string; mrn: string },
): Patient {
  const name = agreedValue(records, "patientName");
  const sex = agreedValue(records, "sex")?.toLowerCase();
  const birthDate = agreedValue(records, "dateOfBirth");
  const mrn = agreedValue(records, "mrn") ?? opts.mrn;
  const lastUpdated = records
    .map((r) => r.updatedAt)
    .sort()
    .at(-1);
  return {
    resourceType: "Patient",
    id: patientId,
    meta: { profile: [US_CORE_PATIENT], ...(lastUpdated ? { lastUpdated } : {}) },
    identifier: [
      {
        use: "usual",
        type: { coding: [{ system: IDENTIFIER_TYPE, code: "MR", display: "Medical record number" }] },
        system: opts.mrnSystem,
        value: mrnKey(mrn) === mrnKey(opts.mrn) ? mrn : opts.mrn,
      },
    ],
    name: [
      name ? humanName(name) : { extension: [{ url: DATA_ABSENT_REASON_EXTENSION, valueCode: "unknown" }] },
    ],
    gender: sex && GENDERS.has(sex) ? (sex as Patient["gender"]) : "unknown",
    ...(birthDate && /^\d{4}-\d{2}-\d{2}$/.test(birthDate) ? { birthDate } : {}),
  };
}
