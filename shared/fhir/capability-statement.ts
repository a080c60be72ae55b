import type { CapabilityStatement, CapabilityStatementRestResource } from "@medplum/fhirtypes";
import { FHIR_SCOPES } from "../auth/principal";
import { FHIR_VERSION, US_CORE_DOCUMENT_REFERENCE, US_CORE_PATIENT } from "./terminology";

type SearchParam = NonNullable<CapabilityStatementRestResource["searchParam"]>[number];

const param = (name: string, type: SearchParam["type"], documentation?: string): SearchParam => ({
  name,
  type,
  ...(documentation ? { documentation } : {}),
});

/**
 * What the FHIR API does, as `GET /fhir/metadata` answers it: read-only US Core Patient, DocumentReference
 * and Binary, the searches each takes, JSON only, and SMART Backend Services scopes.
 */
export function capabilityStatement(opts: {
  baseUrl: string;
  software: { name: string; version: string };
  date: string;
}): CapabilityStatement {
  return {
    resourceType: "CapabilityStatement",
    status: "active",
    date: opts.date,
    kind: "instance",
    software: opts.software,
    implementation: { description: "chartbridge: scanned paper charts as FHIR documents", url: opts.baseUrl },
    fhirVersion: FHIR_VERSION,
    format: ["application/fhir+json", "json"],
    rest: [
      {
        mode: "server",
        documentation:
          "Read-only. Every read is recorded in the audit trail and, for a system client, in the patient's accounting of disclosures; clients send X-Purpose-Of-Use. Only filed documents (identity read above the review threshold or confirmed by records staff) are served.",
        security: {
          service: [
            {
              coding: [
                {
                  system: "http://terminology.hl7.org/CodeSystem/restful-security-service",
                  code: "SMART-on-FHIR",
                },
              ],
            },
          ],
          description: `OAuth 2.0 client credentials (SMART Backend Services scopes): ${Object.values(FHIR_SCOPES).join(", ")}`,
        },
        resource: [
          {
            type: "Patient",
            supportedProfile: [US_CORE_PATIENT],
            interaction: [{ code: "read" }, { code: "search-type" }],
            searchParam: [
              param("_id", "token"),
              param("identifier", "token", "The medical record number, system|value"),
            ],
          },
          {
            type: "DocumentReference",
            supportedProfile: [US_CORE_DOCUMENT_REFERENCE],
            interaction: [{ code: "read" }, { code: "search-type" }],
            searchParam: [
              param("_id", "token"),
              param("identifier", "token"),
              param("patient", "reference"),
              param("subject", "reference"),
              param("patient.identifier", "token", "The patient's medical record number, system|value"),
              param("category", "token"),
              param("type", "token", "LOINC document code"),
              param("date", "date", "When the document was filed"),
              param("period", "date", "When the care it records took place"),
              param("status", "token"),
            ],
          },
          { type: "Binary", interaction: [{ code: "read" }] },
        ],
      },
    ],
  };
}
