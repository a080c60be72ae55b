import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from "aws-lambda";
import type { AuthorizerClaims } from "../../shared/auth/principal";
import type { WebAppHandler } from "./web-app";

export type ApiGatewayHandler = (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;

export type DependencyState = "up" | "restarting" | "down";

/** `/health`: the api's `{ status }`, plus what the local services say about themselves. */
export interface HealthReport {
  status: "ok" | "degraded";
  dependencies: { dynamodb: DependencyState; s3: DependencyState; ocr: DependencyState };
  /** Messages given up on (ingest and OCR completion): each is an upload that needs attention. */
  deadLetters: number;
}

export interface HttpApiOptions {
  host?: string;
  /**
   * Plays API Gateway's Cognito authorizer: given the Authorization header, the verified claims, or undefined
   * (answered 401 before the handler runs). Paths in `publicPaths` skip it. Without it, no claims are passed.
   */
  authenticate?: (authorization: string | undefined) => Promise<AuthorizerClaims | undefined>;
  publicPaths?: ReadonlySet<string>;
  /** Answers `GET /health` here, before the api handler, with the state of the local services. */
  health?: () => Promise<HealthReport>;
  /** Serves the web app's own paths (`/`, `/assets/…`, local sign-in) before anything reaches the api. */
  app?: WebAppHandler;
}

/** Turns a local HTTP request into an API Gateway REST proxy event, as API Gateway would. */
export function toApiGatewayEvent(
  method: string,
  url: URL,
  headers: Record<string, string>,
  claims?: AuthorizerClaims,
  body?: string,
): APIGatewayProxyEvent {
  const query: Record<string, string> = {};
  const multi: Record<string, string[]> = {};
  for (const [k, v] of url.searchParams) {
    query[k] = v;
    (multi[k] ??= []).push(v);
  }
  const hasQuery = Object.keys(query).length > 0;
  return {
    httpMethod: method,
    path: url.pathname,
    resource: "/{proxy+}",
    pathParameters: { proxy: url.pathname.replace(/^\//, "") },
    queryStringParameters: hasQuery ? query : null,
    multiValueQueryStringParameters: hasQuery ? multi : null,
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    body: body ?? null,
    isBase64Encoded: false,
    stageVariables: null,
    requestContext: {
      accountId: "000000000000",
      apiId: "local",
      authorizer: claims ? { claims } : null,
      protocol: "HTTP/1.1",
      httpMethod: method,
      path: url.pathname,
      stage: "local",
      requestId: `local-${Date.now()}`,
      requestTimeEpoch: Date.now(),
      resourceId: "local",
      resourcePath: "/{proxy+}",
      identity: {
        sourceIp: "127.0.0.1",
        accessKey: null,
        accountId: null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        user: null,
        userAgent: headers["user-agent"] ?? null,
        userArn: null,
      },
    },
  };
}

/**
 * `/health` as the api answers it (its headers included), with the local services' state merged into the
 * body: 503 when one of them is down, so a supervisor or a curl sees it.
 */
async function withLocalHealth(
  result: APIGatewayProxyResult,
  health: () => Promise<HealthReport>,
): Promise<APIGatewayProxyResult> {
  const report: HealthReport | { status: "degraded" } = await health().catch(() => ({ status: "degraded" }));
  const body = { ...(JSON.parse(result.body) as object), ...report };
  return {
    ...result,
    statusCode: report.status === "ok" ? result.statusCode : 503,
    body: JSON.stringify(body),
  };
}

/** What API Gateway answers itself when the authorizer refuses a token (the handler never runs). */
const UNAUTHORIZED: APIGatewayProxyResult = {
  statusCode: 401,
  headers: {
    "Content-Type": "application/json; charset=utf-8",
    "Cache-Control": "no-store",
    "WWW-Authenticate": "Bearer",
  },
  body: JSON.stringify({ error: "Unauthorized", message: "a valid bearer token is required" }),
};

/** Request bodies over this size are refused, as API Gateway refuses them (10 MB): a 50,000-entry manifest fits. */
const MAX_BODY_BYTES = 10 * 1024 * 1024;

function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error("body too large"));
        req.destroy();
      } else chunks.push(c);
    });
    req.on("end", () => resolve(size === 0 ? undefined : Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

/** Plays API Gateway for one request: the authorizer, then the api handler. */
function answerApi(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  handler: ApiGatewayHandler,
  options: HttpApiOptions,
): void {
  const headers = Object.fromEntries(
    Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(",") : (v ?? "")]),
  );
  const isHealth = options.health && url.pathname === "/health" && req.method === "GET";
  const isPublic = options.publicPaths?.has(url.pathname.replace(/\/+$/, "") || "/") ?? false;
  Promise.all([
    readBody(req),
    !isPublic && options.authenticate ? options.authenticate(req.headers.authorization) : null,
  ])
    .then(([body, claims]) => {
      if (claims === undefined) return UNAUTHORIZED;
      return handler(toApiGatewayEvent(req.method ?? "GET", url, headers, claims ?? undefined, body));
    })
    .then(async (result) => (isHealth ? withLocalHealth(result, options.health!) : result))
    .then((result) => {
      res.writeHead(result.statusCode, result.headers as Record<string, string>);
      res.end(result.isBase64Encoded ? Buffer.from(result.body, "base64") : result.body);
    })
    .catch(() => {
      res.writeHead(502, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: "BadGateway", message: "The api handler failed" }));
    });
}

/** A loopback HTTP server that plays API Gateway in front of the api handler. */
export async function startHttpApi(
  handler: ApiGatewayHandler,
  port: number,
  options: HttpApiOptions = {},
): Promise<Server> {
  const host = options.host ?? "127.0.0.1";
  const server = createServer((req, res) => {
    let url: URL;
    try {
      // A fixed base: the Host header is client input and must not decide how the path is read.
      url = new URL(`http://localhost${(req.url ?? "/").replace(/^\/+/, "/")}`);
    } catch {
      res.writeHead(400, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: "BadRequest", message: "The request URL cannot be parsed" }));
      return;
    }
    const app = options.app ? options.app(req, res, url, () => readBody(req)) : Promise.resolve(false);
    app.then(
      (handled) => {
        if (!handled) answerApi(req, res, url, handler, options);
      },
      () => {
        if (res.headersSent) return res.destroy();
        res.writeHead(500, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: "InternalError", message: "The request could not be completed" }));
      },
    );
  });
  // Node closes idle keep-alive sockets after 5 s, about when fetch clients reuse them, and OCR work can block
  // the event loop for seconds: a request then meets a socket being closed (ECONNRESET). Keep them open longer.
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}
