/**
 * Page cursors for search results. Validated with zod/mini (the same zod, its tree-shakable API): the indexer
 * Lambda bundles this module but not the request parsing, and every kilobyte is compiled at cold start.
 */
import * as z from "zod/mini";
import { ChartbridgeError } from "../errors/chartbridge-error";

export const CURSOR_MESSAGE = "cursor is not valid";

/**
 * A page cursor. Offset and keyset cursors come from the embedded index (keyset: the last row of a
 * newest-first list, which pages to any depth); search_after cursors (the last hit's sort values) from
 * OpenSearch. On the wire: base64url of compact JSON. Opaque to API callers.
 */
export type SearchCursor =
  | { k: "o"; o: number }
  | { k: "ks"; a: number }
  /**
   * `n`: hits returned on earlier pages, so the last page can omit nextCursor. `s`: the sort the values
   * belong to (absent: relevance), so a cursor is not reused under another order.
   */
  | { k: "sa"; sa: Array<string | number>; n?: number; s?: string };

const MAX_CURSOR_LENGTH = 512;

const CursorSchema = z.union([
  z.strictObject({ k: z.literal("o"), o: z.int().check(z.gte(0), z.lte(1_000_000)) }),
  z.strictObject({ k: z.literal("ks"), a: z.int().check(z.gte(0), z.lte(Number.MAX_SAFE_INTEGER)) }),
  z.strictObject({
    k: z.literal("sa"),
    sa: z
      .array(z.union([z.string().check(z.maxLength(256)), z.number().check(z.refine(Number.isFinite))]))
      .check(z.minLength(1), z.maxLength(4)),
    n: z.optional(z.int().check(z.gte(0))),
    s: z.optional(z.string().check(z.maxLength(20))),
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
    return parsed.success ? (parsed.data as SearchCursor) : undefined;
  } catch {
    return undefined;
  }
}

/** Thrown by a SearchIndex given a cursor it cannot use (forged, or issued by the other engine). */
export class InvalidCursorError extends ChartbridgeError {
  constructor() {
    super({ name: "InvalidCursorError", code: "INVALID_CURSOR", retryable: false }, CURSOR_MESSAGE);
  }
}
