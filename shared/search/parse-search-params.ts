import * as z from "zod";
import { DOCUMENT_TYPES, type DocumentType } from "../domain/document-types";
import { STATUSES } from "../domain/status";
import type { SearchQuery } from "./search-index";

/**
 * Parsing of the search API's query string into a SearchQuery. Pure.
 *
 * Rules:
 * - Parameters: q, mrn, dob, type, status, from, to, limit, cursor. Any other parameter is rejected (a
 *   typo such as `mrm=` must not silently widen a search to every record).
 * - Values are trimmed; an empty value counts as absent.
 * - A query with no criteria at all is allowed: it lists the newest records (by last update).
 * - dob, from and to are calendar dates in YYYY-MM-DD form only; from ≤ to.
 * - type is a document type name (case-insensitive); status a status name (case-insensitive).
 * - limit is an integer from 1 to 100, default 20.
 * - cursor is a value returned as a previous page's nextCursor (base64url JSON; see SearchCursor).
 */

export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 100;
export const MAX_QUERY_LENGTH = 500;
export const SEARCH_PARAMS = ["q", "mrn", "dob", "type", "status", "from", "to", "limit", "cursor"] as const;
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
  limit: `limit must be an integer from 1 to ${MAX_LIMIT}`,
  cursor: "cursor is not valid",
} as const;

const MRN_PATTERN = /^[A-Za-z0-9](?:[A-Za-z0-9 ./-]{0,38}[A-Za-z0-9])?$/;
const DOCUMENT_TYPE_TUPLE = Object.keys(DOCUMENT_TYPES) as [DocumentType, ...DocumentType[]];

const date = (message: string) => z.string().refine(isIsoDate, { error: message });

const SearchParamsSchema = z
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
      issues.push({
        param: name,
        message: `unknown parameter "${name}"; allowed: ${SEARCH_PARAMS.join(", ")}`,
      });
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
    return { ok: false, reason: issues.map((i) => i.message).join("; "), issues };
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

/** MRNs compare ignoring case, spaces and punctuation: "mr-00 123" and "MR00123" are the same. */
export function normalizeMrn(mrn: string): string {
  return mrn.replace(/[^0-9A-Za-z]/g, "").toUpperCase();
}

/**
 * A page cursor. Offset cursors come from the embedded index; search_after cursors (the last hit's sort
 * values) from OpenSearch. On the wire: base64url of compact JSON. Opaque to API callers.
 */
export type SearchCursor =
  | { k: "o"; o: number }
  /** `n`: hits returned on earlier pages, so the last page can omit nextCursor. */
  | { k: "sa"; sa: Array<string | number>; n?: number };

const MAX_CURSOR_LENGTH = 512;

const CursorSchema = z.union([
  z.strictObject({ k: z.literal("o"), o: z.number().int().min(0).max(1_000_000) }),
  z.strictObject({
    k: z.literal("sa"),
    sa: z
      .array(z.union([z.string().max(256), z.number().refine(Number.isFinite)]))
      .min(1)
      .max(4),
    n: z.number().int().min(0).optional(),
  }),
]);

export function encodeCursor(cursor: SearchCursor): string {
  return Buffer.from(JSON.stringify(cursor), "utf8").toString("base64url");
}

/** The cursor, or undefined when the string is not a cursor this service issued. Never throws. */
export function decodeCursor(value: string): SearchCursor | undefined {
  if (value.length === 0 || value.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(value))
    return undefined;
  try {
    const json: unknown = JSON.parse(Buffer.from(value, "base64url").toString("utf8"));
    const parsed = CursorSchema.safeParse(json);
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Thrown by a SearchIndex given a cursor it cannot use (forged, or issued by the other engine). */
export class InvalidCursorError extends Error {
  constructor(message = MESSAGES.cursor) {
    super(message);
    this.name = "InvalidCursorError";
  }
}
