import { capabilityStatement } from "../../../fhir/capability-statement";
import { defineRoute } from "../../route";
import { FhirCapabilityStatement } from "../../response-schemas";
import { fhirBaseUrl, fhirQuery, fhirResult } from "./fhir-call";

/** When this version of the API's capabilities was written (a CapabilityStatement's `date`). */
const CAPABILITIES_DATE = "2026-12-04";

export const fhirMetadata = defineRoute({
  method: "GET",
  path: "/fhir/metadata",
  access: "public",
  audited: false,
  summary: "FHIR CapabilityStatement: the resources, interactions and searches this server supports",
  response: FhirCapabilityStatement,
  responseMediaTypes: ["application/fhir+json"],
  handle: async (call) => {
    fhirQuery(call);
    return fhirResult(
      capabilityStatement({
        baseUrl: fhirBaseUrl(call),
        software: { name: "chartbridge", version: "0.1.0" },
        date: CAPABILITIES_DATE,
      }),
    );
  },
});
