import type { ClientRequest, IncomingMessage } from "node:http";
import { PassThrough } from "node:stream";
import { Connection } from "@opensearch-project/opensearch";
import type { SearchDocument } from "../../../shared/search/search-index";

/** A SearchDocument with sensible defaults. */
export function doc(overrides: Partial<SearchDocument> & { id: string }): SearchDocument {
  return {
    version: 1,
    status: "INDEXED",
    diagnoses: [],
    medications: [],
    allergies: [],
    text: "",
    sourceKey: `acme/batch-1/${overrides.id}.pdf`,
    createdAt: "2024-01-01T00:00:00.000Z",
    updatedAt: "2024-01-01T00:00:00.000Z",
    ...overrides,
  };
}

export interface RecordedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: URLSearchParams;
  headers: Record<string, string>;
  /** Raw request body (JSON, or NDJSON for bulk). */
  rawBody: string;
  /** Parsed JSON body (undefined for empty or NDJSON bodies). */
  body: unknown;
}

export type Responder = (req: RecordedRequest) => { status: number; body?: unknown };

type ConnectionClass = typeof Connection;

/**
 * A Connection that records each request as the client would send it (after `buildRequestObject`, so a
 * SigV4 connection's signature is included) and answers with a canned response instead of using HTTP.
 */
export function fakeConnection(
  base: ConnectionClass,
  responder: Responder,
  log: RecordedRequest[],
): ConnectionClass {
  class FakeConnection extends base {
    override request(
      params: Parameters<Connection["request"]>[0],
      callback: (err: Error | null, response: IncomingMessage | null) => void,
    ): ClientRequest {
      const built = this.buildRequestObject(params) as {
        method?: string;
        path?: string;
        headers?: Record<string, unknown>;
      };
      const [path = "", search = ""] = (built.path ?? "").split("?");
      const rawBody = typeof params.body === "string" ? params.body : params.body ? String(params.body) : "";
      let body: unknown;
      try {
        body = rawBody ? JSON.parse(rawBody) : undefined;
      } catch {
        body = undefined;
      }
      const headers = Object.fromEntries(
        Object.entries(built.headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)]),
      );
      const recorded: RecordedRequest = {
        method: built.method ?? "GET",
        path,
        query: new URLSearchParams(search),
        headers,
        rawBody,
        body,
      };
      log.push(recorded);
      const { status, body: responseBody } = responder(recorded);
      const payload =
        recorded.method === "HEAD" || responseBody === undefined ? "" : JSON.stringify(responseBody);
      const response = Object.assign(new PassThrough(), {
        statusCode: status,
        headers: {
          "content-type": "application/json; charset=UTF-8",
          "content-length": String(Buffer.byteLength(payload)),
        },
      });
      process.nextTick(() => {
        callback(null, response as unknown as IncomingMessage);
        response.end(payload);
      });
      return { abort() {}, on() {}, setNoDelay() {} } as unknown as ClientRequest;
    }
  }
  return FakeConnection;
}

/** An OpenSearch-style error body. */
export function errorBody(status: number, type: string, reason: string): unknown {
  return { error: { root_cause: [{ type, reason }], type, reason }, status };
}
