import { DynamoDBDocumentClient, GetCommand } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import type { APIGatewayProxyEvent } from "aws-lambda";
import { beforeEach, describe, expect, it } from "vitest";
import { createApiHandler } from "../../../functions/api/handler";
import type { SearchIndex, SearchQuery } from "../../../shared/search/search-index";
import { context, testDeps } from "./fakes";

const ddb = mockClient(DynamoDBDocumentClient);

function event(path: string, query?: Record<string, string>, method = "GET"): APIGatewayProxyEvent {
  return { httpMethod: method, path, queryStringParameters: query ?? null } as APIGatewayProxyEvent;
}

describe("api handler", () => {
  const queries: SearchQuery[] = [];
  const search: SearchIndex = {
    name: "fake",
    upsert: async () => "applied",
    remove: async () => "applied",
    search: async (q) => {
      queries.push(q);
      return { total: 0, hits: [] };
    },
  };
  beforeEach(() => {
    ddb.reset();
    queries.length = 0;
  });
  const api = () => createApiHandler(() => testDeps({ search }));

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
    ddb.on(GetCommand).resolves({
      Item: {
        pk: "DOC#x",
        sk: "RECORD",
        entity: "ChartRecord",
        id: "doc_0123456789abcdef0123456789abcdef",
        status: "INDEXED",
      },
    });
    const res = await api()(event("/records/doc_0123456789abcdef0123456789abcdef"), context);
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ id: "doc_0123456789abcdef0123456789abcdef", status: "INDEXED" });
  });

  it("refuses other methods with 405", async () => {
    expect((await api()(event("/search", undefined, "POST"), context)).statusCode).toBe(405);
  });

  it("answers 500 without leaking details when a dependency fails", async () => {
    ddb.on(GetCommand).rejects(new Error("Patient Maria Lopez exploded"));
    const res = await api()(event("/records/doc_0123456789abcdef0123456789abcdef"), context);
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain("Lopez");
  });
});
