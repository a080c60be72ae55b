import * as z from "zod";
import type { ChartRecord } from "../../../domain/chart-record";
import { searchset } from "../../../fhir/bundle";
import {
  carePeriod,
  CLINICAL_NOTE,
  documentTypeConcept,
  toDocumentReference,
} from "../../../fhir/document-reference";
import { recordIdOf } from "../../../fhir/fhir-ids";
import { isShareable } from "../../../fhir/patient-records";
import {
  alternatives,
  dateCriteria,
  dateMatches,
  onlySupported,
  paging,
  parseToken,
  rangeOf,
  referenceId,
  tokenMatches,
  type DateCriterion,
  type FhirQuery,
  type Token,
} from "../../../fhir/search-params";
import { RECORD_ID_SYSTEM } from "../../../fhir/terminology";
import { BadRequestError, NotFoundError } from "../../api-errors";
import type { ApiDeps } from "../../api-deps";
import { defineRoute } from "../../route";
import { FhirDocumentReference, FhirSearchBundle } from "../../response-schemas";
import { fhirBaseUrl, fhirQuery, fhirResult } from "./fhir-call";
import { patientById, patientByIdentifier } from "./patient";

/** A record FHIR may serve, by its DocumentReference (or Binary) id. */
export async function shareableRecord(deps: ApiDeps, fhirId: string): Promise<ChartRecord | undefined> {
  const recordId = recordIdOf(fhirId);
  const record = recordId ? await deps.records.get(recordId) : undefined;
  return record && isShareable(record) ? record : undefined;
}

/** DocumentReferences of records, each with its subject's patient id. */
async function toResources(deps: ApiDeps, records: readonly ChartRecord[], baseUrl: string) {
  const ids = new Map<string, string>();
  for (const r of records) {
    const mrn = r.fields.mrn!.value;
    if (!ids.has(mrn)) ids.set(mrn, await deps.patients.idFor(mrn));
  }
  return records.map((r) => toDocumentReference(r, { patientId: ids.get(r.fields.mrn!.value)!, baseUrl }));
}

const idParams = z.object({ id: z.string().min(1).max(64) });

export const readDocumentReference = defineRoute<{ id: string }>({
  method: "GET",
  path: "/fhir/DocumentReference/{id}",
  access: ["fhir:DocumentReference.read"],
  audited: "document.read",
  summary: "FHIR read: a filed chart document as a US Core DocumentReference (the scan is its Binary)",
  request: { params: idParams },
  response: FhirDocumentReference,
  responseMediaTypes: ["application/fhir+json"],
  handle: async (call) => {
    fhirQuery(call);
    const record = await shareableRecord(call.deps, call.params.id);
    if (!record) throw new NotFoundError("resource");
    const [resource] = await toResources(call.deps, [record], fhirBaseUrl(call));
    return fhirResult(
      resource,
      { action: "document.read", records: [record] },
      { ETag: `W/"${record.version}"` },
    );
  },
});

/** US Core's DocumentReference searches, plus `identifier`, `patient.identifier`, `period` and `status`. */
const DOCUMENT_SEARCH = [
  "_id",
  "identifier",
  "patient",
  "subject",
  "patient.identifier",
  "category",
  "type",
  "date",
  "period",
  "status",
];

interface Filters {
  category?: Token[];
  type?: Token[];
  status?: Token[];
  identifier?: Token[];
  date: DateCriterion[];
  period: DateCriterion[];
}

function filtersOf(query: FhirQuery): Filters {
  const tokens = (name: string) => alternatives(query, name)?.map(parseToken);
  const filters: Filters = { date: dateCriteria(query, "date"), period: dateCriteria(query, "period") };
  for (const name of ["category", "type", "status", "identifier"] as const) {
    const t = tokens(name);
    if (t) filters[name] = t;
  }
  return filters;
}

function matches(record: ChartRecord, f: Filters): boolean {
  const any = (tokens: Token[] | undefined, codings: { system?: string; code?: string; value?: string }[]) =>
    !tokens || tokens.some((t) => codings.some((c) => tokenMatches(t, c)));
  if (!any(f.category, CLINICAL_NOTE.coding ?? [])) return false;
  if (!any(f.type, documentTypeConcept(record).coding ?? [])) return false;
  if (!any(f.status, [{ system: "http://hl7.org/fhir/document-reference-status", code: "current" }]))
    return false;
  if (!any(f.identifier, [{ system: RECORD_ID_SYSTEM, value: record.id }])) return false;
  const created = Date.parse(record.createdAt);
  if (!f.date.every((c) => dateMatches(c, { start: created, end: created + 1 }))) return false;
  if (f.period.length) {
    const p = carePeriod(record);
    const start = p?.start ? rangeOf(p.start) : undefined;
    const end = p?.end ? rangeOf(p.end) : start;
    if (!start || !end) return false;
    if (!f.period.every((c) => dateMatches(c, { start: start.start, end: end.end }))) return false;
  }
  return true;
}

/** The records a search names: by id or record identifier, else every filed record of its patients. */
async function candidates(deps: ApiDeps, query: FhirQuery): Promise<ChartRecord[]> {
  const ids = alternatives(query, "_id");
  const identifiers = alternatives(query, "identifier")?.map(parseToken);
  const patientRefs = [...(alternatives(query, "patient") ?? []), ...(alternatives(query, "subject") ?? [])];
  const patientIdentifiers = alternatives(query, "patient.identifier");

  let fromIds: ChartRecord[] | undefined;
  const wanted = [
    ...(ids ?? []),
    ...(identifiers ?? []).flatMap((t) =>
      t.code && (t.system === undefined || t.system === RECORD_ID_SYSTEM) ? [t.code] : [],
    ),
  ];
  if (ids || identifiers) {
    const found = await Promise.all([...new Set(wanted)].map((id) => shareableRecord(deps, id)));
    fromIds = found.filter((r): r is ChartRecord => r !== undefined);
  }

  let ofPatients: ChartRecord[] | undefined;
  if (patientRefs.length || patientIdentifiers) {
    ofPatients = [];
    for (const ref of patientRefs) {
      const id = referenceId(ref, "Patient");
      if (id === undefined)
        throw new BadRequestError("patient: must reference a Patient (Patient/<id> or <id>)");
      ofPatients.push(...((await patientById(deps, id))?.records ?? []));
    }
    for (const identifier of patientIdentifiers ?? []) {
      ofPatients.push(...((await patientByIdentifier(deps, identifier))?.records ?? []));
    }
  }
  if (!fromIds && !ofPatients) {
    throw new BadRequestError(
      "give patient, patient.identifier, _id or identifier: this server does not list every document (use $export)",
    );
  }
  if (fromIds && ofPatients) {
    const keep = new Set(ofPatients.map((r) => r.id));
    return fromIds.filter((r) => keep.has(r.id));
  }
  const all = fromIds ?? ofPatients!;
  return [...new Map(all.map((r) => [r.id, r])).values()];
}

/** Newest first: when the care happened, else when the document was filed. */
function newestFirst(a: ChartRecord, b: ChartRecord): number {
  const key = (r: ChartRecord) => carePeriod(r)?.start ?? r.createdAt.slice(0, 10);
  return key(b).localeCompare(key(a)) || b.createdAt.localeCompare(a.createdAt);
}

export const searchDocumentReferences = defineRoute({
  method: "GET",
  path: "/fhir/DocumentReference",
  access: ["fhir:DocumentReference.read"],
  audited: "document.search",
  summary:
    "FHIR search: DocumentReference by patient (with category, type, date, period, status), patient.identifier, _id or identifier",
  documentedQuery: z.object(Object.fromEntries(DOCUMENT_SEARCH.map((p) => [p, z.string().optional()]))),
  response: FhirSearchBundle,
  responseMediaTypes: ["application/fhir+json"],
  handle: async (call) => {
    const query = fhirQuery(call);
    onlySupported(query, DOCUMENT_SEARCH);
    const { count, offset } = paging(query);
    const filters = filtersOf(query);
    const found = (await candidates(call.deps, query)).filter((r) => matches(r, filters)).sort(newestFirst);
    const page = found.slice(offset, offset + count);
    const baseUrl = fhirBaseUrl(call);
    const params = DOCUMENT_SEARCH.flatMap((name) =>
      (query[name] ?? []).map((v) => [name, v] as [string, string]),
    );
    const bundle = searchset({
      baseUrl,
      resourceType: "DocumentReference",
      params,
      matches: await toResources(call.deps, page, baseUrl),
      total: found.length,
      offset,
      count,
    });
    return fhirResult(bundle, { action: "document.search", records: page });
  },
});
