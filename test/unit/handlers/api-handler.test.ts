import { DynamoDBDocumentClient, GetCommand } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import type { APIGatewayProxyEvent } from "aws-lambda";
import type { Server } from "node:http";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createApiHandler } from "../../../functions/api/handler";
import { startHttpApi } from "../../../local/runtime/http-api";
import { freePort } from "../../../local/runtime/ports";
import { InvalidCursorError } from "../../../shared/search/search-cursor";
import type { SearchIndex, SearchQuery } from "../../../shared/search/search-index";
import { InMemoryAuditLog } from "../../support/in-memory-ports";
import { context, testApiDeps } from "./fakes";
import { countFacets } from "../../../shared/search/facets";

const ddb = mockClient(DynamoDBDocumentClient);

/** The claims API Gateway's Cognito authorizer passes for a records-staff member's access token. */
const STAFF_CLAIMS = {
  sub: "5f2c-staff",
  username: "jdoe",
  "cognito:groups": "records-staff",
  scope: "records/staff",
};

function event(path: string, query?: Record<string, string>, method = "GET"): APIGatewayProxyEvent {
  return {
    httpMethod: method,
    path,
    queryStringParameters: query ?? null,
    headers: {},
    body: null,
    isBase64Encoded: false,
    requestContext: {
      requestId: "req-1",
      authorizer: { claims: STAFF_CLAIMS },
      identity: { sourceIp: "10.0.0.1" },
    },
  } as unknown as APIGatewayProxyEvent;
}

/** A records-table item of an INDEXED record, as DynamoDB returns it (table keys included). */
const storedItem = (extra: Record<string, unknown> = {}) => ({
  pk: "DOC#x",
  sk: "RECORD",
  id: "doc_0123456789abcdef0123456789abcdef",
  status: "INDEXED",
  ...extra,
});

describe("api handler", () => {
  const queries: SearchQuery[] = [];
  const search: SearchIndex = {
    name: "fake",
    upsert: async () => "applied",
    remove: async () => "applied",
    search: async (q) => {
      queries.push(q);
      return { total: 0, hits: [], facets: countFacets([]) };
    },
  };
  beforeEach(() => {
    ddb.reset();
    queries.length = 0;
  });
  const api = () => createApiHandler(() => testApiDeps({ search }));

  it("answers /health", async () => {
    const res = await api()(event("/health"), context);
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ status: "ok" });
  });

  it("passes validated search parameters to the search index", async () => {
    const res = await api()(event("/search", { q: "lopez", mrn: "00451287", limit: "5" }), context);
    expect(res.statusCode).toBe(200);
    expect(queries[0]).toMatchObject({ q: "lopez", mrn: "00451287", limit: 5 });
  });

  it.each([
    [{ dob: "14/03/1962" }, /dob/],
    [{ limit: "0" }, /limit/],
    [{ type: "novel" }, /type/],
    [{ status: "DONE" }, /status/],
    [{ from: "2026-02-01", to: "2026-01-01" }, /from/],
  ])("rejects bad search parameters %j with a 400 and a reason", async (query, reason) => {
    const res = await api()(event("/search", query), context);
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body).message).toMatch(reason);
  });

  it("returns 404 for an unknown record and 400 for a malformed id", async () => {
    ddb.on(GetCommand).resolves({});
    expect((await api()(event("/records/doc_0123456789abcdef0123456789abcdef"), context)).statusCode).toBe(
      404,
    );
    expect((await api()(event("/records/not-an-id"), context)).statusCode).toBe(400);
  });

  it("returns the full record without table keys", async () => {
    ddb.on(GetCommand).resolves({ Item: storedItem({ entity: "ChartRecord" }) });
    const res = await api()(event("/records/doc_0123456789abcdef0123456789abcdef"), context);
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ id: "doc_0123456789abcdef0123456789abcdef", status: "INDEXED" });
  });

  it("refuses other methods with 405", async () => {
    expect((await api()(event("/search", undefined, "POST"), context)).statusCode).toBe(405);
  });

  it.each([
    ["an unknown path", event("/patients/Maria%20Lopez")],
    ["an unknown path, decoded", event("/patients/Maria Lopez")],
  ])("answers 404 for %s without repeating it", async (_what, request) => {
    const res = await api()(request, context);
    expect(res.statusCode).toBe(404);
    expect(JSON.parse(res.body)).toEqual({
      error: "NotFound",
      message: "no such route; see /openapi.json",
    });
    expect(res.body).not.toMatch(/maria|lopez|patients/i);
  });

  it("answers 400 for an unknown search parameter without repeating its name", async () => {
    const res = await api()(event("/search", { "Maria Lopez": "x", q: "smith" }), context);
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body).error).toBe("BadRequest");
    expect(res.body).not.toMatch(/maria|lopez/i);
    expect(queries).toHaveLength(0);
  });

  it("answers 400, not 500, for a malformed percent-escape in a record id", async () => {
    const res = await api()(event("/records/%ZZ"), context);
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body)).toEqual({
      error: "BadRequest",
      message: "id: not a valid percent-encoded path segment",
    });
  });

  it("does not repeat a record id it cannot find", async () => {
    ddb.on(GetCommand).resolves({});
    const res = await api()(event("/records/doc_0123456789abcdef0123456789abcdef"), context);
    expect(JSON.parse(res.body)).toEqual({ error: "NotFound", message: "no record with this id" });
  });

  it("answers 400 for a cursor the search index refuses", async () => {
    const refusing: SearchIndex = { ...search, search: async () => Promise.reject(new InvalidCursorError()) };
    const res = await createApiHandler(() => testApiDeps({ search: refusing }))(
      event("/search", { cursor: "eyJrIjoibyIsIm8iOjB9" }),
      context,
    );
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body)).toEqual({ error: "BadRequest", message: "cursor is not valid" });
  });

  it.each([
    ["a 200", () => event("/health")],
    ["a 400", () => event("/records/%ZZ")],
    ["a 404", () => event("/nowhere")],
    ["a 405", () => event("/health", undefined, "DELETE")],
  ])("sends JSON and the security headers with %s", async (_what, request) => {
    const res = await api()(request(), context);
    expect(res.headers).toMatchObject({
      "Content-Type": "application/json; charset=utf-8",
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
      "X-Frame-Options": "DENY",
      "Strict-Transport-Security": expect.stringMatching(/^max-age=\d+; includeSubDomains/),
      "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
      "Referrer-Policy": "no-referrer",
    });
  });

  it("answers 500 without leaking details when a dependency fails", async () => {
    ddb.on(GetCommand).rejects(new Error("Patient Maria Lopez exploded"));
    const res = await api()(event("/records/doc_0123456789abcdef0123456789abcdef"), context);
    expect(res.statusCode).toBe(500);
    expect(JSON.parse(res.body)).toEqual({
      error: "InternalError",
      message: "The request could not be completed",
    });
    expect(res.headers).toMatchObject({ "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff" });
    expect(res.body).not.toContain("Lopez");
  });

  it("answers 500 with nothing of the record when the audit event cannot be written", async () => {
    ddb.on(GetCommand).resolves({
      Item: storedItem({
        fields: {
          patientName: {
            value: "Maria Lopez",
            confidence: 0.99,
            page: 1,
            bbox: { left: 0, top: 0, width: 0.1, height: 0.1 },
          },
        },
      }),
    });
    const audit = new InMemoryAuditLog();
    audit.fail = true;
    const res = await createApiHandler(() => testApiDeps({ search, audit }))(
      event("/records/doc_0123456789abcdef0123456789abcdef"),
      context,
    );
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toMatch(/Maria|Lopez|doc_0123/);
  });

  it("logs a failed request by error class only", async () => {
    const deps = testApiDeps({ search });
    const logged: unknown[] = [];
    deps.logger.error = (...args: unknown[]) => void logged.push(args);
    ddb.on(GetCommand).rejects(new Error("Patient Maria Lopez exploded"));
    await createApiHandler(() => deps)(event("/records/doc_0123456789abcdef0123456789abcdef"), context);
    expect(logged).toEqual([["API request failed", { errorName: "Error" }]]);
  });
});

describe("api handler behind the local HTTP server", () => {
  let server: Server | undefined;
  afterEach(async () => {
    const s = server;
    server = undefined;
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  });

  it("answers raw malformed and PHI-bearing URLs with 4xx bodies that repeat nothing", async () => {
    const port = await freePort();
    const api = createApiHandler(() => testApiDeps());
    server = await startHttpApi((e) => api(e, context), port, { authenticate: async () => STAFF_CLAIMS });
    const base = `http://127.0.0.1:${port}`;

    const badEscape = await fetch(`${base}/records/%ZZ`);
    expect(badEscape.status).toBe(400);
    expect(badEscape.headers.get("x-content-type-options")).toBe("nosniff");
    expect(badEscape.headers.get("cache-control")).toBe("no-store");
    expect((await badEscape.json()) as unknown).toMatchObject({ error: "BadRequest" });

    for (const url of [`${base}/patients/Maria%20Lopez?dob=1962-03-14`, `${base}/search?Maria%20Lopez=1`]) {
      const res = await fetch(url);
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(await res.text()).not.toMatch(/maria|lopez|1962/i);
    }
  });
});

describe("api handler: the FHIR API's answers", () => {
  const api = () => createApiHandler(() => testApiDeps());
  const HIE_CLAIMS = { sub: "hie", client_id: "hie", scope: "system/*.read" };
  const fhirEvent = (path: string, headers: Record<string, string> = {}, multi?: Record<string, string[]>) =>
    ({
      ...event(path),
      headers: { "x-purpose-of-use": "TREATMENT", ...headers },
      multiValueQueryStringParameters: multi ?? null,
      queryStringParameters: multi
        ? Object.fromEntries(Object.entries(multi).map(([k, v]) => [k, v.at(-1)]))
        : null,
      requestContext: {
        requestId: "req-1",
        path: `/prod${path}`,
        authorizer: { claims: HIE_CLAIMS },
        identity: { sourceIp: "10.0.0.1" },
      },
    }) as unknown as APIGatewayProxyEvent;

  it("answers errors on /fhir as OperationOutcome in application/fhir+json, with the same status and text", async () => {
    ddb.on(GetCommand).resolves({});
    const res = await api()(
      fhirEvent("/fhir/DocumentReference/doc-0123456789abcdef0123456789abcdef"),
      context,
    );
    expect(res.statusCode).toBe(404);
    expect(res.headers).toMatchObject({
      "Content-Type": "application/fhir+json; charset=utf-8",
      "Cache-Control": "no-store",
    });
    expect(JSON.parse(res.body)).toEqual({
      resourceType: "OperationOutcome",
      issue: [{ severity: "error", code: "not-found", diagnostics: "no resource with this id" }],
    });
  });

  it("answers an unexpected failure on /fhir as a fatal OperationOutcome that says nothing of the cause", async () => {
    ddb.on(GetCommand).rejects(new Error("Patient Maria Lopez MRN 00451287 broke the table"));
    const res = await api()(
      fhirEvent("/fhir/DocumentReference/doc-0123456789abcdef0123456789abcdef"),
      context,
    );
    expect(res.statusCode).toBe(500);
    expect(JSON.parse(res.body)).toEqual({
      resourceType: "OperationOutcome",
      issue: [{ severity: "fatal", code: "exception", diagnostics: "The request could not be completed" }],
    });
  });

  it("reads repeated search parameters from API Gateway's multi-value query and links with the stage", async () => {
    const res = await api()(
      fhirEvent(
        "/fhir/DocumentReference",
        { host: "api.example.org" },
        { patient: ["pat-x"], date: ["ge2020", "2019"] },
      ),
      context,
    );
    // Both dates were read (a single-valued read would keep only the last), and the links repeat both.
    expect(res.statusCode).toBe(200);
    const bundle = JSON.parse(res.body) as { link: { url: string }[]; total: number };
    expect(bundle.total).toBe(0);
    expect(bundle.link[0]!.url).toBe(
      "https://api.example.org/prod/fhir/DocumentReference?patient=pat-x&date=ge2020&date=2019&_count=20&_offset=0",
    );
  });
});
