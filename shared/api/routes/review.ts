import * as z from "zod";
import { DOCUMENT_TYPE_NAMES } from "../../domain/document-types";
import { FIELD_NAMES } from "../../domain/fields";
import type { ChartRecord } from "../../domain/chart-record";
import { defineRoute } from "../route";
import { ReviewQueueBody } from "../response-schemas";

const reviewQuery = z
  .object({
    type: z.enum(DOCUMENT_TYPE_NAMES as [string, ...string[]]).optional(),
    reason: z.enum(["MISSING_IDENTITY", "LOW_CONFIDENCE_IDENTITY", "NO_TEXT_FOUND"]).optional(),
    limit: z.coerce.number().int("must be a whole number").min(1).max(100).default(25),
    cursor: z.string().max(2048).optional(),
  })
  .strict();
type ReviewQuery = z.infer<typeof reviewQuery>;

/** Index entries read per request at most: filters by type or reason are applied to the records read. */
const MAX_SCANNED = 500;

/** One record waiting for a person: why, since when, and the fields to check (where they are on the page). */
function reviewItem(record: ChartRecord, threshold: number) {
  const entered = [...record.history].reverse().find((h) => h.to === "NEEDS_REVIEW");
  return {
    id: record.id,
    documentType: record.documentType,
    reason: record.statusReason,
    since: entered?.at ?? record.updatedAt,
    version: record.version,
    pageCount: record.pageCount,
    doubtfulFields: FIELD_NAMES.flatMap((name) => {
      const f = record.fields[name];
      return f && f.confidence < threshold && f.source !== "human"
        ? [{ name, value: f.value, confidence: f.confidence, page: f.page, bbox: f.bbox }]
        : [];
    }),
    missingFields: (["patientName", "dateOfBirth", "mrn"] as const).filter((name) => !record.fields[name]),
  };
}

export const reviewQueue = defineRoute<Record<string, never>, ReviewQuery>({
  method: "GET",
  path: "/review",
  access: ["records:correct"],
  audited: "review.list",
  summary: "The review queue: NEEDS_REVIEW records, oldest first, with the fields below the review threshold",
  response: ReviewQueueBody,
  request: { query: reviewQuery },
  handle: async ({ query, deps }) => {
    const items: ReturnType<typeof reviewItem>[] = [];
    let cursor = query.cursor;
    let scanned = 0;
    do {
      const want = Math.min(query.limit - items.length, MAX_SCANNED - scanned);
      const page = await deps.records.listNeedingReview(want, cursor);
      scanned += page.refs.length;
      cursor = page.nextCursor;
      for (const ref of page.refs) {
        const record = await deps.records.get(ref.id);
        // Re-read: it may have left the queue since the index was written.
        if (!record || record.status !== "NEEDS_REVIEW") continue;
        if (query.type && record.documentType !== query.type) continue;
        if (query.reason && record.statusReason !== query.reason) continue;
        items.push(reviewItem(record, deps.reviewThreshold));
      }
    } while (cursor && items.length < query.limit && scanned < MAX_SCANNED);
    return {
      body: { items, ...(cursor ? { nextCursor: cursor } : {}) },
      audit: {
        action: "review.list",
        recordIds: items.map((i) => i.id),
        mrns: items.flatMap((i) => i.doubtfulFields.filter((f) => f.name === "mrn").map((f) => f.value)),
      },
    };
  },
});
