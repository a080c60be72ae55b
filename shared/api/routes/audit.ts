/**
 * The audit trail's two reports: the access report (who touched a record, a patient's records, or what a user
 * did) for admins, and a patient's accounting of disclosures (HIPAA §164.528) for records staff and admins.
 * Both page with an opaque cursor and export as CSV (`format=csv`).
 */
import { stringify } from "csv-stringify/sync";
import * as z from "zod";
import type { AuditEvent } from "../../audit/audit-chain";
import type { AuditLookup, AuditPage } from "../../audit/audit-log";
import { BadRequestError } from "../api-errors";
import { defineRoute, type RouteResult } from "../route";
import { AccessReportBody, DisclosuresBody } from "../response-schemas";

/** A date (the whole day) or an ISO timestamp. */
const instant = z
  .string()
  .regex(
    /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?Z?)?$/,
    "must be YYYY-MM-DD or an ISO timestamp",
  );

const pageQuery = {
  from: instant.optional(),
  to: instant.optional(),
  limit: z.coerce.number().int("must be a whole number").min(1).max(500).default(100),
  cursor: z.string().max(2048).optional(),
  format: z.enum(["json", "csv"]).default("json"),
};

const accessReportQuery = z
  .object({
    recordId: z.string().min(1).max(64).optional(),
    mrn: z.string().min(1).max(64).optional(),
    user: z.string().min(1).max(128).optional(),
    ...pageQuery,
  })
  .strict();
type AccessReportQuery = z.infer<typeof accessReportQuery>;

const disclosuresQuery = z.object(pageQuery).strict();
type DisclosuresQuery = z.infer<typeof disclosuresQuery>;

type Row = Record<string, string | string[] | boolean>;

/** An event as the access report shows it. */
function accessRow(e: AuditEvent): Row {
  return {
    eventId: e.id,
    at: e.at,
    user: e.actor.name,
    kind: e.actor.kind,
    roles: e.actor.roles,
    scopes: e.actor.scopes,
    action: e.action,
    outcome: e.outcome,
    recordIds: e.recordIds,
    mrns: e.mrns,
    purposeOfUse: e.purposeOfUse ?? "",
    disclosure: e.disclosure,
    route: e.route,
    requestId: e.requestId,
    sourceIp: e.sourceIp ?? "",
  };
}

/** A disclosure as the accounting lists it: when, to whom, what, and why. */
function disclosureRow(e: AuditEvent): Row {
  return {
    at: e.at,
    recipient: e.actor.name,
    action: e.action,
    recordIds: e.recordIds,
    purposeOfUse: e.purposeOfUse ?? "",
    requestId: e.requestId,
  };
}

/** JSON `{ [key]: rows, nextCursor }`, or CSV with a header row (lists space-separated). */
function report(
  page: AuditPage,
  format: "json" | "csv",
  key: string,
  toRow: (e: AuditEvent) => Row,
  filename: string,
): RouteResult {
  const rows = page.events.map(toRow);
  if (format === "json") {
    return { body: { [key]: rows, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) } };
  }
  const flat = rows.map((r) =>
    Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Array.isArray(v) ? v.join(" ") : String(v)])),
  );
  return {
    body: stringify(flat, { header: true, columns: Object.keys(toRow(EMPTY_EVENT)) }),
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${filename}.csv"`,
      // The page's cursor travels in a header: a CSV body has no place for it.
      ...(page.nextCursor ? { "X-Next-Cursor": page.nextCursor } : {}),
    },
  };
}

/** Only for the CSV header: every column, in order. */
const EMPTY_EVENT = {
  id: "",
  at: "",
  actor: { kind: "user", sub: "", name: "", roles: [], scopes: [] },
  action: "search",
  outcome: "success",
  recordIds: [],
  mrns: [],
  route: "",
  requestId: "",
  disclosure: false,
} as unknown as AuditEvent;

function lookupOf(q: AccessReportQuery): AuditLookup {
  const given = [q.recordId, q.mrn, q.user].filter((v) => v !== undefined).length;
  if (given !== 1) throw new BadRequestError("give exactly one of recordId, mrn or user");
  if (q.recordId !== undefined) return { by: "record", recordId: q.recordId };
  if (q.mrn !== undefined) return { by: "mrn", mrn: q.mrn };
  return { by: "user", user: q.user! };
}

export const accessReport = defineRoute<Record<string, never>, AccessReportQuery>({
  method: "GET",
  path: "/audit",
  access: ["audit:read"],
  audited: "audit.read",
  summary: "Access report: who accessed a record, a patient's records (mrn) or what a user did, and when",
  response: AccessReportBody,
  request: { query: accessReportQuery },
  responseMediaTypes: ["application/json", "text/csv"],
  handle: async ({ query, deps }) => {
    const lookup = lookupOf(query);
    const page = await deps.audit.find({ lookup, ...range(query) });
    return {
      ...report(page, query.format, "events", accessRow, "access-report"),
      audit: {
        action: "audit.read",
        recordIds: lookup.by === "record" ? [lookup.recordId] : [],
        mrns: lookup.by === "mrn" ? [lookup.mrn] : [],
      },
    };
  },
});

export const patientDisclosures = defineRoute<{ mrn: string }, DisclosuresQuery>({
  method: "GET",
  path: "/patients/{mrn}/disclosures",
  access: ["disclosures:read"],
  audited: "disclosures.read",
  summary: "Accounting of disclosures: each disclosure of the patient's records outside the covered entity",
  response: DisclosuresBody,
  request: { params: z.object({ mrn: z.string().min(1).max(64) }), query: disclosuresQuery },
  responseMediaTypes: ["application/json", "text/csv"],
  handle: async ({ params, query, deps }) => {
    const page = await deps.audit.find({ lookup: { by: "disclosure", mrn: params.mrn }, ...range(query) });
    return {
      ...report(page, query.format, "disclosures", disclosureRow, "disclosures"),
      audit: { action: "disclosures.read", recordIds: [], mrns: [params.mrn] },
    };
  },
});

function range(q: { from?: string; to?: string; limit: number; cursor?: string }) {
  if (q.from && q.to && q.from.slice(0, 10) > q.to.slice(0, 10))
    throw new BadRequestError("from must not be after to");
  return {
    limit: q.limit,
    ...(q.from ? { from: q.from } : {}),
    ...(q.to ? { to: q.to } : {}),
    ...(q.cursor ? { cursor: q.cursor } : {}),
  };
}
