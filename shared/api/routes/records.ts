import { z } from "zod";
import { holdsAny } from "../../auth/permissions";
import type { Principal } from "../../auth/principal";
import type { ChartRecord } from "../../domain/chart-record";
import { isDocumentId } from "../../domain/document-id";
import { NotFoundError } from "../api-errors";
import type { ApiDeps } from "../api-deps";
import { defineRoute } from "../route";

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

export const getRecord = defineRoute<{ id: string }>({
  method: "GET",
  path: "/records/{id}",
  access: ["records:read", "uploads:own"],
  audited: "record.read",
  summary:
    "One record: extracted fields with confidence, page and box; status history (vendors: status only)",
  request: { params: recordIdParams },
  handle: async ({ params, principal, deps }) => {
    const record = await readableRecord(deps, principal, params.id);
    const full = holdsAny(principal, ["records:read"]);
    return {
      body: full ? record : vendorView(record),
      audit: {
        action: "record.read",
        recordIds: [record.id],
        mrns: full && record.fields?.mrn ? [record.fields.mrn.value] : [],
      },
    };
  },
});
