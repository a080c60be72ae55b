import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { Client, Connection } from "@opensearch-project/opensearch";
import { AwsSigv4Signer } from "@opensearch-project/opensearch/aws";
import { describe, expect, it } from "vitest";
import { createOpenSearchClient } from "../../../shared/adapters/opensearch/create-opensearch-client";
import { OpenSearchSearchIndex } from "../../../shared/adapters/opensearch/opensearch-search-index";
import { decodeCursor, InvalidCursorError } from "../../../shared/search/parse-search-params";
import { doc, errorBody, fakeConnection, type RecordedRequest, type Responder } from "./helpers";

const fakeCredentials = async () => ({
  accessKeyId: "AKIDEXAMPLE",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
});

function setup(responder: Responder, options: ConstructorParameters<typeof OpenSearchSearchIndex>[1] = {}) {
  const log: RecordedRequest[] = [];
  const client = new Client({
    node: "http://localhost:9200",
    Connection: fakeConnection(Connection, responder, log),
    maxRetries: 0,
  });
  return { index: new OpenSearchSearchIndex(client, options), log };
}

const versionConflict = errorBody(
  409,
  "version_conflict_engine_exception",
  "[doc_1]: version conflict, current version [5] is higher or equal to the one provided [5]",
);

describe("OpenSearchSearchIndex writes", () => {
  it("indexes with the record version as an external version", async () => {
    const { index, log } = setup(() => ({
      status: 201,
      body: { _index: "chart-records-v2", _id: "doc_1", _version: 5, result: "created" },
    }));
    const d = doc({ id: "doc_1", version: 5, patientName: "John Smith", text: "John Smith\fpage two" });
    expect(await index.upsert(d)).toBe("applied");

    expect(log).toHaveLength(1);
    const req = log[0]!;
    expect(req.method).toBe("PUT");
    expect(req.path).toBe("/chart-records/_doc/doc_1");
    expect(req.query.get("version")).toBe("5");
    expect(req.query.get("version_type")).toBe("external");
    // The OCR text again, one nested document per page, for highlights that say their page.
    expect(req.body).toEqual({ ...d, pages: [{ text: "John Smith" }, { text: "page two" }] });
  });

  it("creates the mapped index behind the alias before the first write only, when asked to", async () => {
    const { index, log } = setup(
      (req) => {
        if (req.method === "HEAD") return { status: 404, body: "" };
        if (req.method === "PUT" && req.path === "/chart-records-v2")
          return { status: 200, body: { acknowledged: true } };
        return {
          status: 201,
          body: { _index: "chart-records-v2", _id: "doc_1", _version: 1, result: "created" },
        };
      },
      { ensureIndexOnFirstWrite: true },
    );
    await index.upsert(doc({ id: "doc_1", version: 1 }));
    await index.upsert(doc({ id: "doc_1", version: 2 }));
    const calls = log.map((r) => `${r.method} ${r.path}`);
    expect(calls.filter((c) => c === "PUT /chart-records-v2")).toHaveLength(1);
    expect(calls.indexOf("PUT /chart-records-v2")).toBeLessThan(
      calls.indexOf("PUT /chart-records/_doc/doc_1"),
    );
    expect(calls.filter((c) => c === "PUT /chart-records/_doc/doc_1")).toHaveLength(2);
  });

  it("maps a 409 version conflict to stale", async () => {
    const { index } = setup(() => ({ status: 409, body: versionConflict }));
    expect(await index.upsert(doc({ id: "doc_1", version: 5 }))).toBe("stale");
  });

  it("rethrows other errors", async () => {
    const { index } = setup(() => ({
      status: 400,
      body: errorBody(400, "strict_dynamic_mapping_exception", "mapping set to strict"),
    }));
    await expect(index.upsert(doc({ id: "doc_1" }))).rejects.toMatchObject({ meta: { statusCode: 400 } });
  });

  it("passes refresh when configured and uses a custom alias", async () => {
    const { index, log } = setup(() => ({ status: 200, body: { result: "updated" } }), {
      alias: "test-records",
      refresh: "wait_for",
    });
    await index.upsert(doc({ id: "doc_1", version: 2 }));
    expect(log[0]?.path).toBe("/test-records/_doc/doc_1");
    expect(log[0]?.query.get("refresh")).toBe("wait_for");
  });

  it("deletes with an external version; 409 and 404 are stale, a missing index is an error", async () => {
    let status = 200;
    let body: unknown = { result: "deleted" };
    const { index, log } = setup(() => ({ status, body }));
    expect(await index.remove("doc_1", 7)).toBe("applied");
    expect(log[0]).toMatchObject({ method: "DELETE", path: "/chart-records/_doc/doc_1" });
    expect(log[0]?.query.get("version")).toBe("7");
    expect(log[0]?.query.get("version_type")).toBe("external");

    status = 409;
    body = versionConflict;
    expect(await index.remove("doc_1", 3)).toBe("stale");

    status = 404;
    body = { _index: "chart-records-v2", _id: "doc_1", _version: 7, result: "not_found" };
    expect(await index.remove("doc_1", 8)).toBe("stale");

    body = errorBody(404, "index_not_found_exception", "no such index [chart-records]");
    await expect(index.remove("doc_1", 9)).rejects.toMatchObject({ meta: { statusCode: 404 } });
  });

  it("bulk-indexes with external versions and reports each item", async () => {
    // Per-id outcomes, as OpenSearch would answer them, read from each NDJSON request.
    const outcomes: Record<string, unknown> = {
      a: { status: 201, result: "created" },
      b: { status: 409, error: { type: "version_conflict_engine_exception", reason: "version conflict" } },
      c: { status: 429, error: { type: "es_rejected_execution_exception", reason: "rejected execution" } },
      d: { status: 200, result: "updated" },
    };
    const { index, log } = setup(
      (req) => {
        const actions = req.rawBody
          .trim()
          .split("\n")
          .filter((_, i) => i % 2 === 0)
          .map((l) => (JSON.parse(l) as { index: { _id: string } }).index._id);
        const items = actions.map((id) => ({
          index: { _index: "chart-records-v2", _id: id, ...(outcomes[id] as object) },
        }));
        return { status: 200, body: { took: 30, errors: true, items } };
      },
      { bulkChunkSize: 3 },
    );
    const docs = [
      doc({ id: "a", version: 2 }),
      doc({ id: "b", version: 1 }),
      doc({ id: "c", version: 4 }),
      doc({ id: "d", version: 6 }),
    ];
    const report = await index.bulkUpsert(docs);

    expect(log).toHaveLength(2); // chunks of 3 + 1
    expect(log[0]?.path).toBe("/chart-records/_bulk");
    expect(["POST", "PUT"]).toContain(log[0]?.method);
    const lines = log[0]!.rawBody
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as unknown);
    expect(lines).toHaveLength(6);
    expect(lines[0]).toEqual({ index: { _id: "a", version: 2, version_type: "external" } });
    expect(lines[1]).toEqual({ ...docs[0], pages: [] });
    expect(lines[4]).toEqual({ index: { _id: "c", version: 4, version_type: "external" } });

    expect(report).toEqual({
      applied: 2,
      stale: 1,
      failed: 1,
      items: [
        { id: "a", version: 2, result: "applied" },
        { id: "b", version: 1, result: "stale" },
        {
          id: "c",
          version: 4,
          result: "failed",
          status: 429,
          error: "es_rejected_execution_exception: rejected execution",
        },
        { id: "d", version: 6, result: "applied" },
      ],
    });
  });

  it("reports items missing from a bulk response as failed", async () => {
    const { index } = setup(() => ({ status: 200, body: { took: 1, errors: false, items: [] } }));
    const report = await index.bulkUpsert([doc({ id: "a" })]);
    expect(report.items).toEqual([
      {
        id: "a",
        version: 1,
        result: "failed",
        status: 0,
        error: "no result for this item in the bulk response",
      },
    ]);
  });
});

describe("OpenSearchSearchIndex search", () => {
  it("sends the built query to the alias and parses the response", async () => {
    const { index, log } = setup(() => ({
      status: 200,
      body: {
        took: 3,
        timed_out: false,
        hits: {
          total: { value: 5, relation: "eq" },
          max_score: 4.2,
          hits: [
            {
              _id: "doc_1",
              _score: 4.2,
              _source: { id: "doc_1", status: "INDEXED", patientName: "John Smith" },
              highlight: { text: ["<em>John</em> <em>Smith</em>"] },
              sort: [4.2, 1709251200000, "doc_1"],
            },
            {
              _id: "doc_2",
              _score: 3.1,
              _source: { id: "doc_2", status: "INDEXED", patientName: "John Smith" },
              sort: [3.1, 1709251100000, "doc_2"],
            },
          ],
        },
      },
    }));
    const r = await index.search({ q: "Jonh Smyth", mrn: "MR-1", limit: 2 });
    expect(log[0]).toMatchObject({ method: "POST", path: "/chart-records/_search" });
    expect(log[0]?.body).toMatchObject({
      size: 2,
      query: {
        bool: {
          must: [{ multi_match: { query: "Jonh Smyth", fuzziness: "AUTO" } }],
          filter: [{ term: { mrnKey: "MR1" } }],
        },
      },
    });
    expect(r.total).toBe(5);
    expect(r.hits.map((h) => h.id)).toEqual(["doc_1", "doc_2"]);
    expect(r.hits[0]?.highlights).toEqual([{ text: "<em>John</em> <em>Smith</em>" }]);

    await index.search({ q: "Jonh Smyth", mrn: "MR-1", limit: 2, cursor: r.nextCursor! });
    expect((log[1]?.body as { search_after?: unknown }).search_after).toEqual([3.1, 1709251100000, "doc_2"]);
    expect(decodeCursor(r.nextCursor!)).toMatchObject({ n: 2 });
  });

  it("rejects an offset cursor before calling OpenSearch", async () => {
    const { index, log } = setup(() => ({ status: 500 }));
    await expect(index.search({ limit: 2, cursor: "eyJrIjoibyIsIm8iOjJ9" })).rejects.toBeInstanceOf(
      InvalidCursorError,
    );
    expect(log).toHaveLength(0);
  });
});

describe("OpenSearchSearchIndex.ensureIndex", () => {
  it("creates the versioned index with mapping and alias when the alias is missing", async () => {
    const { index, log } = setup((req) => {
      if (req.method === "HEAD") return { status: 404 };
      return {
        status: 200,
        body: { acknowledged: true, shards_acknowledged: true, index: "chart-records-v2" },
      };
    });
    expect(await index.ensureIndex()).toEqual({
      created: true,
      index: "chart-records-v2",
      alias: "chart-records",
    });
    expect(log.map((r) => `${r.method} ${r.path}`)).toEqual([
      "HEAD /_alias/chart-records",
      "HEAD /chart-records-v2",
      "PUT /chart-records-v2",
    ]);
    expect(log[2]?.body).toMatchObject({
      aliases: { "chart-records": {} },
      mappings: { dynamic: "strict", properties: { mrn: { type: "keyword" } } },
      settings: { analysis: { analyzer: { chart_text: { tokenizer: "standard" } } } },
    });
  });

  it("adds fields new to the mapping to the live index when the alias exists", async () => {
    const { index, log } = setup(() => ({ status: 200, body: { acknowledged: true } }));
    expect(await index.ensureIndex()).toMatchObject({ created: false });
    expect(log.map((r) => `${r.method} ${r.path}`)).toEqual([
      "HEAD /_alias/chart-records",
      "POST /chart-records/_mapping",
    ]);
    expect(log[1]?.body).toMatchObject({ dynamic: "strict", properties: { pages: { type: "nested" } } });
  });

  it("adds the alias when another instance created the index first", async () => {
    const { index, log } = setup((req) => {
      if (req.method === "HEAD") return { status: 404 };
      if (req.path === "/chart-records-v2") {
        return {
          status: 400,
          body: errorBody(
            400,
            "resource_already_exists_exception",
            "index [chart-records-v2] already exists",
          ),
        };
      }
      return { status: 200, body: { acknowledged: true } };
    });
    expect(await index.ensureIndex()).toMatchObject({ created: false });
    expect(log.at(-1)).toMatchObject({ method: "PUT", path: "/chart-records-v2/_alias/chart-records" });
  });
});

describe("SigV4 signing", () => {
  it("signs requests made through the signer's Connection", async () => {
    const log: RecordedRequest[] = [];
    const signer = AwsSigv4Signer({ region: "us-east-1", service: "es", getCredentials: fakeCredentials });
    const client = new Client({
      ...signer,
      Connection: fakeConnection(
        signer.Connection,
        () => ({ status: 201, body: { result: "created" } }),
        log,
      ),
      node: "https://search-chartbridge-abc123.us-east-1.es.amazonaws.com",
    });
    await new OpenSearchSearchIndex(client).upsert(doc({ id: "doc_1", version: 3 }));

    const headers = log[0]!.headers;
    expect(headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/us-east-1\/es\/aws4_request, SignedHeaders=.*host.*x-amz-date.*, Signature=[0-9a-f]{64}$/,
    );
    expect(headers["x-amz-date"]).toMatch(/^\d{8}T\d{6}Z$/);
    expect(headers["x-amz-content-sha256"]).toMatch(/^[0-9a-f]{64}$/);
  });

  it("createOpenSearchClient sends signed requests to the configured endpoint", async () => {
    const received: Array<{ method?: string; url?: string; headers: IncomingHttpHeaders }> = [];
    const server = createServer((req, res) => {
      received.push({ method: req.method, url: req.url, headers: req.headers });
      req.resume();
      req.on("end", () => {
        res.writeHead(201, { "content-type": "application/json" });
        res.end(JSON.stringify({ result: "created" }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const client = createOpenSearchClient({
        endpoint: `http://127.0.0.1:${port}/`,
        region: "eu-west-2",
        getCredentials: fakeCredentials,
      });
      expect(await new OpenSearchSearchIndex(client).upsert(doc({ id: "doc_9", version: 1 }))).toBe(
        "applied",
      );
      await client.close();
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    expect(received[0]?.url).toBe("/chart-records/_doc/doc_9?version=1&version_type=external");
    expect(received[0]?.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-2\/es\/aws4_request/,
    );
  });
});
