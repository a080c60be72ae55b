/**
 * FHIR Bulk Data export (https://hl7.org/fhir/uv/bulkdata/): kick-off (`GET /fhir/$export`, `GET
 * /fhir/Patient/$export`) queues a job and answers 202 with the status URL; the status URL answers 202 while
 * the job runs and, once it is done, the manifest: short-lived links to the NDJSON files. Before any link is
 * given, each patient the files hold is written to the audit trail as one disclosure (a page per poll, so a
 * large export never holds one request past API Gateway's 29 seconds).
 */
import { randomUUID } from "node:crypto";
import * as z from "zod";
import { holdsAny } from "../../../auth/permissions";
import {
  DISCLOSURE_PAGE_SIZE,
  disclosurePageKey,
  EXPORT_TYPES,
  ExportConflictError,
  isExportJobId,
  type ExportDisclosure,
  type ExportJob,
  type ExportType,
} from "../../../fhir/bulk-export/export-job";
import { informational, operationOutcome } from "../../../fhir/operation-outcome";
import { alternatives, onlySupported, parseDate } from "../../../fhir/search-params";
import { BadRequestError, ForbiddenError, NotFoundError } from "../../api-errors";
import { defineRoute, type RouteCall, type RouteResult } from "../../route";
import { BulkExportManifest, FhirOperationOutcome } from "../../response-schemas";
import { FHIR_JSON, fhirBaseUrl, fhirQuery } from "./fhir-call";

/**
 * How far before the kick-off an export's `transactionTime` is put. An export finds charts through the search
 * index, which follows the table by a moment (by more when the pipeline is backed up); a chart filed just
 * before an export but not yet indexed would otherwise fall between it and the next `_since` export. Exports
 * overlap by this much instead: a client upserts by id, so a repeat costs nothing and a gap loses a chart.
 */
export const INDEX_SETTLE_SECONDS = 300;

/** Disclosures written to the audit trail per status poll. */
export const DISCLOSURES_PER_POLL = DISCLOSURE_PAGE_SIZE;
/** How long the manifest's file links work (a client downloads right after polling; a new poll links anew). */
export const EXPORT_LINK_SECONDS = 600;

const OUTPUT_FORMATS = new Set(["application/fhir+ndjson", "application/ndjson", "ndjson"]);
const KICK_OFF = ["_type", "_since", "_outputFormat"];

type AnyCall = RouteCall<unknown, unknown, unknown>;

async function kickOff(call: AnyCall, level: ExportJob["level"]): Promise<RouteResult> {
  const query = fhirQuery(call);
  if (!/respond-async/i.test(call.headers.prefer ?? "")) {
    throw new BadRequestError("Prefer: respond-async is required: an export runs asynchronously");
  }
  onlySupported(query, KICK_OFF);
  const format = alternatives(query, "_outputFormat");
  if (format && !format.every((f) => OUTPUT_FORMATS.has(f))) {
    throw new BadRequestError("_outputFormat: this server writes application/fhir+ndjson only");
  }
  const types = (alternatives(query, "_type") ?? [...EXPORT_TYPES]).map((t) => {
    if (!(EXPORT_TYPES as readonly string[]).includes(t)) {
      throw new BadRequestError(`_type: this server exports ${EXPORT_TYPES.join(" and ")}`);
    }
    return t as ExportType;
  });
  for (const type of types) {
    if (!holdsAny(call.principal, [`fhir:${type}.read`])) {
      throw new ForbiddenError(`exporting ${type} needs the scope system/${type}.read`);
    }
  }
  const sinceValue = alternatives(query, "_since");
  const since = sinceValue ? new Date(parseDate("_since", sinceValue[0]!).start).toISOString() : undefined;
  const now = call.deps.now();
  const baseUrl = fhirBaseUrl(call);
  const params = new URLSearchParams(
    KICK_OFF.flatMap((name) => (query[name] ?? []).map((v) => [name, v] as [string, string])),
  ).toString();
  const job: ExportJob = {
    id: `exp_${randomUUID()}`,
    status: "RUNNING",
    level,
    types: [...new Set(types)],
    ...(since ? { since } : {}),
    requestedBy: { sub: call.principal.sub, name: call.principal.name },
    request: `${baseUrl}${level === "patient" ? "/Patient" : ""}/$export${params ? `?${params}` : ""}`,
    baseUrl,
    transactionTime: new Date(Date.parse(now) - INDEX_SETTLE_SECONDS * 1000).toISOString(),
    createdAt: now,
    updatedAt: now,
    outputs: [],
    patients: 0,
    disclosuresRecorded: 0,
  };
  await call.deps.exports.create(job);
  await call.deps.exportQueue.send(job.id);
  return {
    statusCode: 202,
    body: informational("export started: poll the Content-Location URL"),
    headers: { "Content-Type": FHIR_JSON, "Content-Location": `${baseUrl}/$export-status/${job.id}` },
    audit: { action: "export.start", recordIds: [], mrns: [] },
  };
}

const kickOffSpec = {
  method: "GET" as const,
  access: ["fhir:Patient.read", "fhir:DocumentReference.read"] as const,
  audited: "export.start" as const,
  response: FhirOperationOutcome,
  responseMediaTypes: ["application/fhir+json"],
  documentedQuery: z.object({
    _type: z.string().optional(),
    _since: z.string().optional(),
    _outputFormat: z.string().optional(),
  }),
};

export const systemExport = defineRoute({
  ...kickOffSpec,
  path: "/fhir/$export",
  summary:
    "FHIR Bulk Data kick-off (Prefer: respond-async): every filed chart's DocumentReference and Patient",
  handle: (call) => kickOff(call, "system"),
});

export const patientExport = defineRoute({
  ...kickOffSpec,
  path: "/fhir/Patient/$export",
  summary: "FHIR Bulk Data kick-off for all patients (Prefer: respond-async)",
  handle: (call) => kickOff(call, "patient"),
});

const inProgress = (progress: string, retryAfter: number): RouteResult => ({
  statusCode: 202,
  body: "",
  headers: {
    "Content-Type": "text/plain; charset=utf-8",
    "X-Progress": progress,
    "Retry-After": String(retryAfter),
  },
});

export const exportStatus = defineRoute<{ id: string }>({
  method: "GET",
  path: "/fhir/$export-status/{id}",
  access: ["fhir:Patient.read", "fhir:DocumentReference.read"],
  audited: "export.status",
  response: BulkExportManifest,
  summary:
    "FHIR Bulk Data status: 202 while the export runs (and while its disclosures are recorded), then the manifest with 10-minute links to the NDJSON files",
  request: { params: z.object({ id: z.string().min(1).max(64) }) },
  handle: async (call) => {
    const { deps, params } = call;
    const job = isExportJobId(params.id) ? await deps.exports.get(params.id) : undefined;
    // Another client's export answers as if it did not exist.
    if (!job || job.requestedBy.sub !== call.principal.sub) throw new NotFoundError("job");
    const noDisclosure = { action: "export.status" as const, recordIds: [], mrns: [] };
    if (job.status === "RUNNING") return { ...inProgress("exporting", 5), audit: noDisclosure };
    if (job.status === "FAILED") {
      return {
        statusCode: 500,
        body: operationOutcome(500, "the export failed; start a new one"),
        headers: { "Content-Type": FHIR_JSON },
        audit: noDisclosure,
      };
    }
    if (job.disclosuresRecorded < job.patients) {
      // Recorded counts whole pages until the last: the next page is the one to record.
      const page = await deps.objects.getJson<ExportDisclosure[]>(
        deps.resultsBucket,
        disclosurePageKey(job.id, Math.floor(job.disclosuresRecorded / DISCLOSURE_PAGE_SIZE)),
      );
      // Recorded before the links can be given; a poll racing this one may record a page twice (an
      // accounting that over-reports), never skip one.
      for (const d of page)
        await call.audit({ action: "bulk.export", recordIds: d.recordIds, mrns: [d.mrn] });
      const recorded = job.disclosuresRecorded + page.length;
      try {
        await deps.exports.save(
          { ...job, disclosuresRecorded: recorded, updatedAt: deps.now() },
          job.updatedAt,
        );
      } catch (err) {
        if (!(err instanceof ExportConflictError)) throw err;
        return inProgress(`recording disclosures`, 1);
      }
      if (recorded < job.patients)
        return inProgress(`recording disclosures ${recorded} of ${job.patients}`, 1);
    }
    const output = await Promise.all(
      job.outputs.map(async (o) => ({
        type: o.type,
        url: await deps.storage.presignGet(deps.resultsBucket, o.key, {
          expiresInSeconds: EXPORT_LINK_SECONDS,
          contentType: "application/fhir+ndjson",
        }),
        count: o.count,
      })),
    );
    return {
      body: {
        transactionTime: job.transactionTime,
        request: job.request,
        requiresAccessToken: false,
        output,
        error: [],
      },
      headers: { Expires: new Date(Date.parse(deps.now()) + EXPORT_LINK_SECONDS * 1000).toUTCString() },
      audit: noDisclosure,
    };
  },
});
