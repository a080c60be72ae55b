import * as z from "zod";
import { DOCUMENT_TYPES, type DocumentType } from "../domain/document-types";
import { STATUSES } from "../domain/status";
import { SEARCH_SORTS, type SearchQuery } from "./search-index";
import { CURSOR_MESSAGE, decodeCursor } from "./search-cursor";

// Cursors live in their own zod-classic-free module: the indexer's bundle needs them, not the request parsing
// below.
export { decodeCursor, encodeCursor, InvalidCursorError, type SearchCursor } from "./search-cursor";

/**
 * Parsing of the search API's query string into a SearchQuery. Pure.
 *
 * Rules:
 * - Parameters: q, mrn, dob, type, status, from, to, facility, sort, limit, cursor. Any other parameter is rejected (a
 *   typo such as `mrm=` must not silently widen a search to every record).
 * - Values are trimmed; an empty value counts as absent.
 * - A query with no criteria at all is allowed: it lists the newest records (by last update).
 * - dob, from and to are calendar dates in YYYY-MM-DD form only; from ≤ to.
 * - type is a document type name (case-insensitive); status a status name (case-insensitive).
 * - facility is a facility name as a facet lists it (case, accents and spacing do not matter).
 * - sort is relevance (the default), dateOfService (oldest first) or -dateOfService (newest first).
 * - limit is an integer from 1 to 100, default 20.
 * - cursor is a value returned as a previous page's nextCursor (base64url JSON; see SearchCursor).
 */

export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 100;
export const MAX_QUERY_LENGTH = 500;
export const MAX_FACILITY_LENGTH = 200;
export const SEARCH_PARAMS = [
  "q",
  "mrn",
  "dob",
  "type",
  "status",
  "from",
  "to",
  "facility",
  "sort",
  "limit",
  "cursor",
] as const;
export type SearchParamName = (typeof SEARCH_PARAMS)[number];

export type SearchParams = Partial<Record<SearchParamName, string | undefined>>;

export interface SearchParamIssue {
  param: string;
  message: string;
}

export type ParseSearchParamsResult =
  { ok: true; query: SearchQuery } | { ok: false; reason: string; issues: SearchParamIssue[] };

export const MESSAGES = {
  q: `q must be at most ${MAX_QUERY_LENGTH} characters`,
  mrn: "mrn must be 1 to 40 letters or digits (spaces, dashes, dots and slashes allowed between them)",
  dob: "dob must be a date YYYY-MM-DD",
  type: `type must be one of ${Object.keys(DOCUMENT_TYPES).join(", ")}`,
  status: `status must be one of ${STATUSES.join(", ")}`,
  from: "from must be a date YYYY-MM-DD",
  to: "to must be a date YYYY-MM-DD",
  range: "from must not be after to",
  facility: `facility must be at most ${MAX_FACILITY_LENGTH} characters`,
  sort: `sort must be one of ${SEARCH_SORTS.join(", ")}`,
  limit: `limit must be an integer from 1 to ${MAX_LIMIT}`,
  cursor: CURSOR_MESSAGE,
  unknown: `a parameter is not one of ${SEARCH_PARAMS.join(", ")}`,
} as const;

const MRN_PATTERN = /^[A-Za-z0-9](?:[A-Za-z0-9 ./-]{0,38}[A-Za-z0-9])?$/;
const DOCUMENT_TYPE_TUPLE = Object.keys(DOCUMENT_TYPES) as [DocumentType, ...DocumentType[]];

const date = (message: string) => z.string().refine(isIsoDate, { error: message });

/** The search parameters as the API documents them (OpenAPI); parseSearchParams applies them. */
export const SearchParamsSchema = z
  .object({
    q: z
      .string()
      .max(MAX_QUERY_LENGTH, { error: MESSAGES.q })
      .transform((q) => q.replace(/\s+/g, " "))
      .optional(),
    mrn: z.string().regex(MRN_PATTERN, { error: MESSAGES.mrn }).optional(),
    dob: date(MESSAGES.dob).optional(),
    type: z
      .string()
      .transform((t) => t.toLowerCase())
      .pipe(z.enum(DOCUMENT_TYPE_TUPLE, { error: MESSAGES.type }))
      .optional(),
    status: z
      .string()
      .transform((s) => s.toUpperCase())
      .pipe(z.enum(STATUSES, { error: MESSAGES.status }))
      .optional(),
    from: date(MESSAGES.from).optional(),
    to: date(MESSAGES.to).optional(),
    facility: z
      .string()
      .max(MAX_FACILITY_LENGTH, { error: MESSAGES.facility })
      .transform((f) => f.replace(/\s+/g, " "))
      .optional(),
    sort: z.enum(SEARCH_SORTS, { error: MESSAGES.sort }).optional(),
    limit: z
      .string()
      .regex(/^\d{1,3}$/, { error: MESSAGES.limit })
      .transform(Number)
      .pipe(z.number().int().min(1, { error: MESSAGES.limit }).max(MAX_LIMIT, { error: MESSAGES.limit }))
      .optional(),
    cursor: z
      .string()
      .refine((c) => decodeCursor(c) !== undefined, { error: MESSAGES.cursor })
      .optional(),
  })
  .refine((p) => !(p.from && p.to && p.from > p.to), { error: MESSAGES.range, path: ["from"] });

/** Parses API query-string parameters (e.g. API Gateway's queryStringParameters, which may be null). */
export function parseSearchParams(
  params: Readonly<Record<string, string | undefined>> | null | undefined,
): ParseSearchParamsResult {
  const issues: SearchParamIssue[] = [];
  const cleaned: Record<string, string> = {};
  for (const [name, raw] of Object.entries(params ?? {})) {
    if (!(SEARCH_PARAMS as readonly string[]).includes(name)) {
      // The name stays out of the message: a caller may have put a patient's name there.
      issues.push({ param: name, message: MESSAGES.unknown });
      continue;
    }
    const value = raw?.trim();
    if (value) cleaned[name] = value;
  }

  const parsed = SearchParamsSchema.safeParse(cleaned);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      issues.push({ param: String(issue.path[0] ?? ""), message: issue.message });
    }
  }
  if (issues.length > 0 || !parsed.success) {
    return { ok: false, reason: [...new Set(issues.map((i) => i.message))].join("; "), issues };
  }

  const p = parsed.data;
  const query: SearchQuery = { limit: p.limit ?? DEFAULT_LIMIT };
  if (p.q) query.q = p.q;
  if (p.mrn) query.mrn = p.mrn;
  if (p.dob) query.dob = p.dob;
  if (p.type) query.type = p.type;
  if (p.status) query.status = p.status;
  if (p.from) query.from = p.from;
  if (p.to) query.to = p.to;
  if (p.facility) query.facility = p.facility;
  if (p.sort) query.sort = p.sort;
  if (p.cursor) query.cursor = p.cursor;
  return { ok: true, query };
}

/** True for a real calendar date written YYYY-MM-DD (rejects 2024-02-30, 2024-13-01, 24-1-1). */
export function isIsoDate(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const d = new Date(Date.UTC(year, month - 1, day));
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
}
