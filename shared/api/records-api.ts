import type { RecordStore } from "../pipeline/ports";
import { isDocumentId } from "../domain/document-id";
import { parseSearchParams } from "../search/parse-search-params";
import type { SearchIndex } from "../search/search-index";
import { BadRequestError, MethodNotAllowedError, NotFoundError } from "./api-errors";

export interface ApiRequest {
  method: string;
  path: string;
  query: Record<string, string | undefined>;
}

export interface ApiResponse {
  statusCode: number;
  body: unknown;
}

export interface ApiDeps {
  records: Pick<RecordStore, "get">;
  search: Pick<SearchIndex, "search">;
}

const RECORD_ID_RULE = "record id must look like doc_ followed by 32 hex digits";

/**
 * The records API: health, search and record retrieval. Pure routing over the record store and search
 * ports. Answers 200 with a body; anything else is thrown as one of our errors (BadRequestError,
 * NotFoundError, MethodNotAllowedError, InvalidCursorError) and turned into its HTTP answer by HTTP_ERRORS.
 */
export async function handleApiRequest(req: ApiRequest, deps: ApiDeps): Promise<ApiResponse> {
  const path = req.path.replace(/\/+$/, "") || "/";
  if (req.method !== "GET") throw new MethodNotAllowedError();

  if (path === "/health") return { statusCode: 200, body: { status: "ok" } };

  if (path === "/search") {
    const parsed = parseSearchParams(req.query);
    if (!parsed.ok) throw new BadRequestError(parsed.reason);
    return { statusCode: 200, body: await deps.search.search(parsed.query) };
  }

  const recordMatch = /^\/records\/([^/]+)$/.exec(path);
  if (recordMatch) {
    const id = decodePathSegment(recordMatch[1] ?? "");
    if (!isDocumentId(id)) throw new BadRequestError(RECORD_ID_RULE);
    const record = await deps.records.get(id);
    if (!record) throw new NotFoundError("record");
    return { statusCode: 200, body: record };
  }

  throw new NotFoundError("route");
}

/** A malformed percent-escape ("%ZZ") is the caller's mistake, not ours. */
function decodePathSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new BadRequestError(RECORD_ID_RULE);
  }
}
