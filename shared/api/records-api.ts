import type { RecordStore } from "../pipeline/ports";
import { isDocumentId } from "../domain/document-id";
import { InvalidCursorError, parseSearchParams } from "../search/parse-search-params";
import type { SearchIndex } from "../search/search-index";

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

const error = (statusCode: number, code: string, message: string): ApiResponse => ({
  statusCode,
  body: { error: code, message },
});

/** The records API: health, search and record retrieval. Pure routing over the repository and search ports. */
export async function handleApiRequest(req: ApiRequest, deps: ApiDeps): Promise<ApiResponse> {
  const path = req.path.replace(/\/+$/, "") || "/";
  if (req.method !== "GET") return error(405, "MethodNotAllowed", `${req.method} is not supported; use GET`);

  if (path === "/health") return { statusCode: 200, body: { status: "ok" } };

  if (path === "/search") {
    const parsed = parseSearchParams(req.query);
    if (!parsed.ok) return error(400, "BadRequest", parsed.reason);
    try {
      return { statusCode: 200, body: await deps.search.search(parsed.query) };
    } catch (err) {
      if (err instanceof InvalidCursorError)
        return error(400, "BadRequest", "cursor is not valid for this search");
      throw err;
    }
  }

  const recordMatch = /^\/records\/([^/]+)$/.exec(path);
  if (recordMatch) {
    const id = decodeURIComponent(recordMatch[1] ?? "");
    if (!isDocumentId(id))
      return error(400, "BadRequest", "record id must look like doc_ followed by 32 hex digits");
    const record = await deps.records.get(id);
    if (!record) return error(404, "NotFound", `no record with id ${id}`);
    return { statusCode: 200, body: record };
  }

  return error(404, "NotFound", `no route for ${req.method} ${path}`);
}
