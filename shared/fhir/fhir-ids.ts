/**
 * FHIR resource ids for chartbridge's records and patients. FHIR ids allow `[A-Za-z0-9-.]{1,64}` only, so a
 * record id (`doc_<hex>`) appears as `doc-<hex>`. Patient ids are opaque (assigned by the patient directory),
 * never the MRN: ids travel in URLs, and URLs reach access logs.
 */
import { isDocumentId } from "../domain/document-id";

export const FHIR_ID = /^[A-Za-z0-9\-.]{1,64}$/;

export const documentReferenceId = (recordId: string): string => recordId.replace("_", "-");

/** The record id of a DocumentReference or Binary id, or undefined when the id cannot be one of ours. */
export function recordIdOf(fhirId: string): string | undefined {
  const id = fhirId.replace(/^doc-/, "doc_");
  return isDocumentId(id) ? id : undefined;
}

/** Patient ids the directory assigns: `pat-` and a random UUID. */
export const PATIENT_ID = /^pat-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
