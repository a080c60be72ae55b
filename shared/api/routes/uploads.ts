/**
 * A scanning vendor's own uploads, newest first: where each is in the pipeline and why (status, reason code,
 * history, record ids), never what was read from it. The vendor comes from the caller's token, never from
 * the request, so a vendor cannot list another vendor's uploads.
 */
import * as z from "zod";
import type { ChartRecord } from "../../domain/chart-record";
import { STATUSES } from "../../domain/status";
import { decodeCursor, CURSOR_MESSAGE } from "../../search/search-cursor";
import { ForbiddenError } from "../api-errors";
import { defineRoute } from "../route";
import { UploadsBody } from "../response-schemas";
import { vendorView } from "./records";

const uploadsQuery = z
  .object({
    batch: z
      .string()
      .min(1)
      .max(200, "must be at most 200 characters")
      .refine((b) => !b.includes("/"), "must be one batch name (no /)")
      .optional(),
    status: z.enum(STATUSES).optional(),
    limit: z.coerce.number().int("must be a whole number").min(1).max(100).default(50),
    cursor: z
      .string()
      .max(2048)
      .refine((c) => decodeCursor(c) !== undefined, CURSOR_MESSAGE)
      .optional(),
  })
  .strict();
type UploadsQuery = z.infer<typeof uploadsQuery>;

export const listUploads = defineRoute<Record<string, never>, UploadsQuery>({
  method: "GET",
  path: "/uploads",
  access: ["uploads:own"],
  // Statuses and the vendor's own object keys: nothing read from a chart.
  audited: false,
  summary:
    "The calling vendor's uploads, newest first: status, reason code, history and record ids (no content)",
  response: UploadsBody,
  request: { query: uploadsQuery },
  handle: async ({ query, principal, deps }) => {
    const vendor = principal.vendor;
    if (!vendor) throw new ForbiddenError("this account is not a vendor's");
    const page = await deps.search.search({
      vendor,
      ...(query.batch ? { batch: query.batch } : {}),
      ...(query.status ? { status: query.status } : {}),
      limit: query.limit,
      ...(query.cursor ? { cursor: query.cursor } : {}),
    });
    // The index finds them; the table says what they are now (and whose: checked again here).
    const records = (await Promise.all(page.hits.map((h) => deps.records.get(h.id)))).filter(
      (r): r is ChartRecord => r !== undefined && r.source.vendor === vendor,
    );
    return {
      body: {
        uploads: records.map(vendorView),
        ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
      },
    };
  },
});
