/** Code systems, profiles and identifier systems the FHIR API writes (US Core 5.0.1 on FHIR R4 4.0.1). */
export const FHIR_VERSION = "4.0.1";

export const US_CORE_PATIENT = "http://hl7.org/fhir/us/core/StructureDefinition/us-core-patient";
export const US_CORE_DOCUMENT_REFERENCE =
  "http://hl7.org/fhir/us/core/StructureDefinition/us-core-documentreference";

export const LOINC = "http://loinc.org";
export const DATA_ABSENT_REASON = "http://terminology.hl7.org/CodeSystem/data-absent-reason";
export const DATA_ABSENT_REASON_EXTENSION = "http://hl7.org/fhir/StructureDefinition/data-absent-reason";
export const DOCUMENT_CATEGORY = "http://hl7.org/fhir/us/core/CodeSystem/us-core-documentreference-category";
export const IDENTIFIER_TYPE = "http://terminology.hl7.org/CodeSystem/v2-0203";
export const FORMAT_CODE = "http://ihe.net/fhir/ihe.formatcode.fhir/CodeSystem/formatcode";

/** The system of a DocumentReference's identifier: the chartbridge record id. */
export const RECORD_ID_SYSTEM = "urn:chartbridge:record-id";

/** The MRN's identifier system when the deployment names none (config FHIR_MRN_SYSTEM). */
export const DEFAULT_MRN_SYSTEM = "urn:chartbridge:mrn";
