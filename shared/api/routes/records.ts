import * as z from "zod";
import { holdsAny } from "../../auth/permissions";
import type { Principal } from "../../auth/principal";
import type { ChartRecord } from "../../domain/chart-record";
import { isDocumentId } from "../../domain/document-id";
import { FIELD_NAMES } from "../../domain/fields";
import { VersionConflictError } from "../../errors";
import { correctRecord } from "../../pipeline/correct-record";
import {
  BadRequestError,
  NotFoundError,
  PreconditionFailedError,
  PreconditionRequiredError,
} from "../api-errors";
import type { ApiDeps } from "../api-deps";
import { defineRoute } from "../route";
import { ChartRecordBody, RecordBody } from "../response-schemas";

export const RECORD_ID_RULE = "record id must look like doc_ followed by 32 hex digits";
export const recordIdParams = z.object({ id: z.string().refine(isDocumentId, RECORD_ID_RULE) });

/**
 * The record as a vendor may see it: where it is in the pipeline and why, never what was read from it.
 * `source.key` is the vendor's own object key.
 */
export function vendorView(record: ChartRecord) {
  return {
    id: record.id,
    status: record.status,
    ...(record.statusReason ? { statusReason: record.statusReason } : {}),
    history: record.history.map(({ from, to, at, reasonCode }) => ({
      from,
      to,
      at,
      ...(reasonCode ? { reasonCode } : {}),
    })),
    source: {
      key: record.source.key,
      versionId: record.source.versionId,
      batch: record.source.batch,
      size: record.source.size,
    },
    ...(record.split ? { split: record.split } : {}),
    ...(record.duplicateOf ? { duplicateOf: record.duplicateOf } : {}),
    version: record.version,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}

/**
 * The record the caller may see, or NotFound: a vendor sees only its own uploads, and another vendor's record
 * answers exactly as a record that does not exist (404, not 403), so ids cannot be probed.
 */
export async function readableRecord(deps: ApiDeps, principal: Principal, id: string): Promise<ChartRecord> {
  const record = await deps.records.get(id);
  if (!record) throw new NotFoundError("record");
  if (!holdsAny(principal, ["records:read"]) && record.source.vendor !== principal.vendor) {
    throw new NotFoundError("record");
  }
  return record;
}

/** The version a client read, from `If-Match` ("3", "\"3\"" or W/"3"). */
function versionFrom(ifMatch: string | undefined): number {
  if (ifMatch === undefined || ifMatch.trim() === "") throw new PreconditionRequiredError("If-Match");
  const m = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(ifMatch);
  if (!m) throw new BadRequestError("If-Match must be the record version, as in the ETag header");
  return Number(m[1]);
}

const correctionBody = z
  .object({
    fields: z
      .partialRecord(z.enum(FIELD_NAMES), z.string().max(200, "must be at most 200 characters").nullable())
      .refine((f) => Object.keys(f).length > 0, "must name at least one field"),
    reason: z.string().trim().min(1, "is required").max(500, "must be at most 500 characters"),
  })
  .strict();
type CorrectionBody = z.infer<typeof correctionBody>;

export const correctRecordRoute = defineRoute<{ id: string }, Record<string, never>, CorrectionBody>({
  method: "PATCH",
  path: "/records/{id}",
  access: ["records:correct"],
  audited: "record.correct",
  summary: "Correct fields (If-Match: the version read): a new version with each change in its history",
  response: ChartRecordBody,
  request: { params: recordIdParams, body: correctionBody },
  handle: async ({ params, body, headers, principal, deps, audit }) => {
    const expected = versionFrom(headers["if-match"]);
    const record = await readableRecord(deps, principal, params.id);
    if (record.version !== expected) throw new PreconditionFailedError();
    const corrected = correctRecord(record, {
      fields: body.fields,
      reason: body.reason,
      by: { sub: principal.sub, name: principal.name },
      now: deps.now(),
      reviewThreshold: deps.reviewThreshold,
    });
    const mrns = [record.fields.mrn?.value, corrected.fields.mrn?.value].filter((m): m is string => !!m);
    await audit({ action: "record.correct", recordIds: [record.id], mrns: [...new Set(mrns)] });
    try {
      await deps.records.save(corrected);
    } catch (err) {
      if (err instanceof VersionConflictError) throw new PreconditionFailedError();
      throw err;
    }
    return { body: corrected, headers: { ETag: `"${corrected.version}"` } };
  },
});

export const getRecord = defineRoute<{ id: string }>({
  method: "GET",
  path: "/records/{id}",
  access: ["records:read", "uploads:own"],
  audited: "record.read",
  summary:
    "One record: extracted fields with confidence, page and box; status history (vendors: status only)",
  response: RecordBody,
  request: { params: recordIdParams },
  handle: async ({ params, principal, deps }) => {
    const record = await readableRecord(deps, principal, params.id);
    const full = holdsAny(principal, ["records:read"]);
    return {
      body: full ? record : vendorView(record),
      headers: { ETag: `"${record.version}"` },
      audit: {
        action: "record.read",
        recordIds: [record.id],
        mrns: full && record.fields?.mrn ? [record.fields.mrn.value] : [],
      },
    };
  },
});
