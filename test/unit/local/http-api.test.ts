import type { Server } from "node:http";
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from "aws-lambda";
import { afterEach, describe, expect, it } from "vitest";
import {
  startHttpApi,
  toApiGatewayEvent,
  type ApiGatewayHandler,
  type HealthReport,
} from "../../../local/runtime/http-api";
import { freePort } from "../../../local/runtime/ports";

describe("toApiGatewayEvent", () => {
  it("maps the method, path and headers like an API Gateway REST proxy event", () => {
    const event = toApiGatewayEvent("GET", new URL("http://localhost:4000/records/doc_abc"), {
      accept: "application/json",
      "user-agent": "chartbridge-cli/0.1",
    });
    expect(event.httpMethod).toBe("GET");
    expect(event.path).toBe("/records/doc_abc");
    expect(event.pathParameters).toEqual({ proxy: "records/doc_abc" });
    expect(event.headers).toEqual({ accept: "application/json", "user-agent": "chartbridge-cli/0.1" });
    expect(event.multiValueHeaders).toEqual({
      accept: ["application/json"],
      "user-agent": ["chartbridge-cli/0.1"],
    });
    expect(event.requestContext.identity.userAgent).toBe("chartbridge-cli/0.1");
    expect(event.requestContext.httpMethod).toBe("GET");
    expect(event.body).toBeNull();
  });

  it("has null query parameters when there is no query string", () => {
    const event = toApiGatewayEvent("GET", new URL("http://localhost/search"), {});
    expect(event.queryStringParameters).toBeNull();
    expect(event.multiValueQueryStringParameters).toBeNull();
  });

  it("decodes single and repeated query parameters (last value wins in queryStringParameters)", () => {
    const url = new URL(
      "http://localhost/search?q=jane+doe&dob=1962-03-14&type=lab_report&type=progress_note&name=O%27Brien%2C%20Pat",
    );
    const event = toApiGatewayEvent("GET", url, {});
    expect(event.queryStringParameters).toEqual({
      q: "jane doe",
      dob: "1962-03-14",
      type: "progress_note",
      name: "O'Brien, Pat",
    });
    expect(event.multiValueQueryStringParameters).toEqual({
      q: ["jane doe"],
      dob: ["1962-03-14"],
      type: ["lab_report", "progress_note"],
      name: ["O'Brien, Pat"],
    });
  });
});

describe("startHttpApi", () => {
  let server: Server | undefined;

  afterEach(async () => {
    const s = server;
    server = undefined;
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  });

  async function serve(handler: ApiGatewayHandler): Promise<string> {
    const port = await freePort();
    server = await startHttpApi(handler, port);
    return `http://127.0.0.1:${port}`;
  }

  it("passes the request to the handler and its status, headers and body back to the client", async () => {
    const seen: APIGatewayProxyEvent[] = [];
    const base = await serve(async (event): Promise<APIGatewayProxyResult> => {
      seen.push(event);
      return {
        statusCode: 201,
        headers: { "content-type": "application/json", "x-chartbridge-test": "yes" },
        body: JSON.stringify({ path: event.path, q: event.queryStringParameters }),
      };
    });

    const res = await fetch(`${base}/search?q=smith&type=a&type=b`, { headers: { "x-vendor": "acme" } });
    expect(res.status).toBe(201);
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(res.headers.get("x-chartbridge-test")).toBe("yes");
    expect(await res.json()).toEqual({ path: "/search", q: { q: "smith", type: "b" } });

    expect(seen).toHaveLength(1);
    expect(seen[0]!.httpMethod).toBe("GET");
    expect(seen[0]!.headers["x-vendor"]).toBe("acme");
    expect(seen[0]!.multiValueQueryStringParameters).toEqual({ q: ["smith"], type: ["a", "b"] });
  });

  it("decodes a base64-encoded handler body to the raw bytes", async () => {
    const bytes = Buffer.from([0x25, 0x50, 0x44, 0x46, 0x00, 0xff, 0x10]);
    const base = await serve(async () => ({
      statusCode: 200,
      headers: { "content-type": "application/pdf" },
      body: bytes.toString("base64"),
      isBase64Encoded: true,
    }));
    const res = await fetch(`${base}/records/doc_x/file`);
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer())).toEqual(bytes);
  });

  it("passes a 404 from the handler through unchanged", async () => {
    const base = await serve(async () => ({ statusCode: 404, body: JSON.stringify({ error: "NotFound" }) }));
    const res = await fetch(`${base}/records/doc_missing`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: "NotFound" });
  });

  it("answers 502 with a JSON error when the handler throws, and keeps serving", async () => {
    let calls = 0;
    const base = await serve(async () => {
      if (calls++ === 0) throw new Error("DynamoDB is down");
      return { statusCode: 200, body: "ok" };
    });
    const res = await fetch(`${base}/search?q=x`);
    expect(res.status).toBe(502);
    expect(res.headers.get("content-type")).toBe("application/json");
    const body = (await res.json()) as { error: string; message: string };
    expect(body.error).toBe("BadGateway");
    expect(JSON.stringify(body)).not.toContain("DynamoDB is down");

    const again = await fetch(`${base}/search?q=x`);
    expect(again.status).toBe(200);
    expect(await again.text()).toBe("ok");
  });

  it("survives a malformed Host header and reads the path, not the host, from the request line", async () => {
    const paths: string[] = [];
    const base = await serve(async (event) => {
      paths.push(event.path);
      return { statusCode: 200, body: "{}" };
    });
    const { port } = new URL(base);
    const { connect } = await import("node:net");
    const raw = (request: string) =>
      new Promise<string>((resolve) => {
        const socket = connect(Number(port), "127.0.0.1", () => socket.end(request));
        let out = "";
        socket.on("data", (d) => (out += d.toString()));
        socket.on("close", () => resolve(out));
      });
    await raw("GET /health HTTP/1.1\r\nHost: [bad\r\nConnection: close\r\n\r\n");
    expect((await fetch(`${base}//records/doc_x`)).status).toBe(200);
    expect(paths.at(-1)).toBe("/records/doc_x");
  });

  it("rejects when the port is already taken", async () => {
    const base = await serve(async () => ({ statusCode: 200, body: "" }));
    const port = Number(new URL(base).port);
    await expect(startHttpApi(async () => ({ statusCode: 200, body: "" }), port)).rejects.toThrow(
      /EADDRINUSE/,
    );
  });

  it("answers /health with the api's answer and headers plus the local services' state: 503 when one is down", async () => {
    const port = await freePort();
    let report: HealthReport = {
      status: "ok",
      dependencies: { dynamodb: "up", s3: "up", ocr: "up" },
      deadLetters: 0,
    };
    const handler = async () => ({
      statusCode: 200,
      headers: { "x-content-type-options": "nosniff" },
      body: JSON.stringify({ status: "ok" }),
    });
    server = await startHttpApi(handler, port, { health: async () => report });
    const base = `http://127.0.0.1:${port}`;

    const ok = await fetch(`${base}/health`);
    expect(ok.status).toBe(200);
    expect(ok.headers.get("x-content-type-options")).toBe("nosniff");
    expect(await ok.json()).toEqual(report);

    report = {
      status: "degraded",
      dependencies: { dynamodb: "restarting", s3: "up", ocr: "up" },
      deadLetters: 2,
    };
    const degraded = await fetch(`${base}/health`);
    expect(degraded.status).toBe(503);
    expect(await degraded.json()).toEqual(report);
  });
});
