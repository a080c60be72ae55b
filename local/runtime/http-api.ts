import { createServer, type Server } from "node:http";
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from "aws-lambda";

export type ApiGatewayHandler = (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;

/** Turns a local HTTP request into an API Gateway REST proxy event, as API Gateway would. */
export function toApiGatewayEvent(
  method: string,
  url: URL,
  headers: Record<string, string>,
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
    body: null,
    isBase64Encoded: false,
    stageVariables: null,
    requestContext: {
      accountId: "000000000000",
      apiId: "local",
      authorizer: null,
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

/** A loopback HTTP server that plays API Gateway in front of the api handler. */
export async function startHttpApi(
  handler: ApiGatewayHandler,
  port: number,
  host = "127.0.0.1",
): Promise<Server> {
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
    const headers = Object.fromEntries(
      Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(",") : (v ?? "")]),
    );
    handler(toApiGatewayEvent(req.method ?? "GET", url, headers))
      .then((result) => {
        res.writeHead(result.statusCode, result.headers as Record<string, string>);
        res.end(result.isBase64Encoded ? Buffer.from(result.body, "base64") : result.body);
      })
      .catch(() => {
        res.writeHead(502, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: "BadGateway", message: "The api handler failed" }));
      });
  });
  // OCR work can block the event loop for seconds; an idle-connection timer firing right after such a pause
  // would reset a kept-alive connection that a client is already reusing.
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}
