import type { Attachment, CodeableConcept, DocumentReference, Period } from "@medplum/fhirtypes";
import { mediaTypeOf } from "../intake/sniff-file-type";
import type { ChartRecord } from "../domain/chart-record";
import { DOCUMENT_TYPES } from "../domain/document-types";
import { documentReferenceId } from "./fhir-ids";
import {
  DATA_ABSENT_REASON,
  DOCUMENT_CATEGORY,
  FORMAT_CODE,
  LOINC,
  RECORD_ID_SYSTEM,
  US_CORE_DOCUMENT_REFERENCE,
} from "./terminology";

/** Every scanned chart document is a clinical note in US Core's sense (the only category it defines). */
export const CLINICAL_NOTE: CodeableConcept = {
  coding: [{ system: DOCUMENT_CATEGORY, code: "clinical-note", display: "Clinical Note" }],
};

/** The document's LOINC code, or `unknown` (data-absent-reason) for types LOINC has no document code for. */
export function documentTypeConcept(record: ChartRecord): CodeableConcept {
  const type = DOCUMENT_TYPES[record.documentType ?? "other"];
  if (type.loinc === "UNK") {
    return {
      coding: [{ system: DATA_ABSENT_REASON, code: "unknown", display: "Unknown" }],
      text: type.display,
    };
  }
  return { coding: [{ system: LOINC, code: type.loinc, display: type.display }], text: type.display };
}

/** When the care the document records took place: admission to discharge, else the date of service. */
export function carePeriod(record: ChartRecord): Period | undefined {
  const f = record.fields;
  const start = f.admissionDate?.value ?? f.dateOfService?.value;
  const end = f.dischargeDate?.value ?? f.dateOfService?.value;
  if (!start && !end) return undefined;
  return { ...(start ? { start } : {}), ...(end && (!start || end >= start) ? { end } : {}) };
}

/**
 * The scan as an attachment. A whole upload is served as uploaded (its size and SHA-1 known); a part of a
 * split upload is served as a PDF of its own pages only, since the file's other pages may be another
 * patient's chart: its size and hash are those of that PDF, unknown until it is first made.
 */
function attachment(record: ChartRecord, binaryUrl: string): Attachment {
  if (record.split) {
    const [first, last] = record.split.pages;
    return {
      contentType: "application/pdf",
      url: binaryUrl,
      title: `Scanned document, pages ${first}–${last} of the uploaded file`,
      creation: record.createdAt,
    };
  }
  return {
    contentType: mediaTypeOf(record.fileType),
    url: binaryUrl,
    size: record.source.size,
    ...(record.sha1 ? { hash: record.sha1 } : {}),
    title: "Scanned document",
    creation: record.createdAt,
  };
}

/**
 * A filed chart record as a US Core DocumentReference. `subject` is the patient's FHIR id (from the patient
 * directory); `baseUrl` the FHIR base the Binary link is made from. Author and custodian are what the page
 * printed (names only: chartbridge keeps no Practitioner or Organization resources).
 */
export function toDocumentReference(
  record: ChartRecord,
  ctx: { patientId: string; baseUrl: string },
): DocumentReference {
  const id = documentReferenceId(record.id);
  const period = carePeriod(record);
  const provider = record.fields.provider?.value;
  const facility = record.fields.facility?.value;
  return {
    resourceType: "DocumentReference",
    id,
    meta: {
      versionId: String(record.version),
      lastUpdated: record.updatedAt,
      profile: [US_CORE_DOCUMENT_REFERENCE],
    },
    identifier: [{ system: RECORD_ID_SYSTEM, value: record.id }],
    status: "current",
    docStatus: "final",
    type: documentTypeConcept(record),
    category: [CLINICAL_NOTE],
    subject: { reference: `Patient/${ctx.patientId}` },
    date: record.createdAt,
    ...(provider ? { author: [{ display: provider }] } : {}),
    ...(facility ? { custodian: { display: facility } } : {}),
    content: [
      {
        attachment: attachment(record, `${ctx.baseUrl}/Binary/${id}`),
        format: {
          system: FORMAT_CODE,
          code: "urn:ihe:iti:xds:2017:mimeTypeSufficient",
          display: "mimeType Sufficient",
        },
      },
    ],
    ...(period ? { context: { period } } : {}),
  };
}
