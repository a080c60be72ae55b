import * as z from "zod";
import type { ChartRecord } from "../../../domain/chart-record";
import { searchset } from "../../../fhir/bundle";
import { PATIENT_ID } from "../../../fhir/fhir-ids";
import { toPatient } from "../../../fhir/patient";
import { shareableRecordsOf } from "../../../fhir/patient-records";
import { alternatives, onlySupported, paging, parseToken } from "../../../fhir/search-params";
import { BadRequestError, NotFoundError } from "../../api-errors";
import type { ApiDeps } from "../../api-deps";
import { defineRoute } from "../../route";
import { FhirPatient, FhirSearchBundle } from "../../response-schemas";
import { fhirBaseUrl, fhirQuery, fhirResult } from "./fhir-call";

/** A patient as FHIR serves it: its id, MRN and filed records (none: not served). */
interface FoundPatient {
  id: string;
  mrn: string;
  records: ChartRecord[];
}

/** The patient with this FHIR id, if it has filed records. */
export async function patientById(deps: ApiDeps, id: string): Promise<FoundPatient | undefined> {
  if (!PATIENT_ID.test(id)) return undefined;
  const mrn = await deps.patients.mrnOf(id);
  if (!mrn) return undefined;
  const records = await shareableRecordsOf(deps, mrn);
  return records.length ? { id, mrn, records } : undefined;
}

/**
 * The patient an MRN identifier names (`system|value`, or `value` in the facility's system), if it has filed
 * records. An id is assigned only then: probing MRNs leaves nothing behind.
 */
export async function patientByIdentifier(
  deps: ApiDeps,
  identifier: string,
): Promise<FoundPatient | undefined> {
  const token = parseToken(identifier);
  if (!token.code) throw new BadRequestError("identifier: give the MRN (system|value or value)");
  if (token.system !== undefined && token.system !== deps.fhir.mrnSystem) return undefined;
  const records = await shareableRecordsOf(deps, token.code);
  if (!records.length) return undefined;
  return { id: await deps.patients.idFor(token.code), mrn: token.code, records };
}

const patientIdParams = z.object({ id: z.string().min(1).max(64) });

export const readPatient = defineRoute<{ id: string }>({
  method: "GET",
  path: "/fhir/Patient/{id}",
  access: ["fhir:Patient.read"],
  audited: "patient.read",
  summary: "FHIR read: a US Core Patient assembled from the patient's filed charts",
  request: { params: patientIdParams },
  response: FhirPatient,
  responseMediaTypes: ["application/fhir+json"],
  handle: async (call) => {
    fhirQuery(call);
    const found = await patientById(call.deps, call.params.id);
    if (!found) throw new NotFoundError("resource");
    const patient = toPatient(found.id, found.records, {
      mrnSystem: call.deps.fhir.mrnSystem,
      mrn: found.mrn,
    });
    // Reading a Patient discloses its identity, not the charts' content: the patient, no record ids.
    return {
      ...fhirResult(patient),
      audit: { action: "patient.read", recordIds: [], mrns: [found.mrn] },
    };
  },
});

const PATIENT_SEARCH = ["_id", "identifier"];

export const searchPatients = defineRoute({
  method: "GET",
  path: "/fhir/Patient",
  access: ["fhir:Patient.read"],
  audited: "patient.search",
  summary: "FHIR search: Patient by `identifier` (the MRN, `system|value`) or `_id`",
  documentedQuery: z.object({
    identifier: z.string().optional(),
    _id: z.string().optional(),
    _count: z.string().optional(),
    _offset: z.string().optional(),
  }),
  response: FhirSearchBundle,
  responseMediaTypes: ["application/fhir+json"],
  handle: async (call) => {
    const query = fhirQuery(call);
    onlySupported(query, PATIENT_SEARCH);
    const { count, offset } = paging(query);
    const ids = alternatives(query, "_id");
    const identifiers = alternatives(query, "identifier");
    if (!ids && !identifiers)
      throw new BadRequestError("give identifier or _id: this server does not list all patients");
    const byId = new Map<string, FoundPatient>();
    for (const id of ids ?? []) {
      const p = await patientById(call.deps, id);
      if (p) byId.set(p.id, p);
    }
    const byIdentifier = new Map<string, FoundPatient>();
    for (const identifier of identifiers ?? []) {
      const p = await patientByIdentifier(call.deps, identifier);
      if (p) byIdentifier.set(p.id, p);
    }
    // Both given: a patient must match both.
    const matches = !ids
      ? [...byIdentifier.values()]
      : [...byId.values()].filter((p) => !identifiers || byIdentifier.has(p.id));
    const page = matches.slice(offset, offset + count);
    const bundle = searchset({
      baseUrl: fhirBaseUrl(call),
      resourceType: "Patient",
      params: [
        ...(ids ? ([["_id", ids.join(",")]] as [string, string][]) : []),
        ...(identifiers ? ([["identifier", identifiers.join(",")]] as [string, string][]) : []),
      ],
      matches: page.map((p) =>
        toPatient(p.id, p.records, { mrnSystem: call.deps.fhir.mrnSystem, mrn: p.mrn }),
      ),
      total: matches.length,
      offset,
      count,
    });
    return {
      ...fhirResult(bundle),
      audit: { action: "patient.search", recordIds: [], mrns: page.map((p) => p.mrn) },
    };
  },
});
