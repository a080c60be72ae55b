/** Lambda: API Gateway proxy events → the records API (every route in shared/api/route-table.ts). */
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy, { type MiddlewareObj } from "@middy/core";
import httpErrorHandler from "@middy/http-error-handler";
import httpSecurityHeaders from "@middy/http-security-headers";
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from "aws-lambda";
import { httpErrorFor, INTERNAL_ERROR_BODY, type ErrorBody } from "../../shared/api/api-errors";
import { FHIR_JSON, isFhirPath } from "../../shared/api/routes/fhir/fhir-call";
import { operationOutcome } from "../../shared/fhir/operation-outcome";
import { handleApiRequest, type ApiRequest, type ApiResponse } from "../../shared/api/records-api";
import { principalFromClaims, type AuthorizerClaims } from "../../shared/auth/principal";
import { loadConfig } from "../../shared/config";
import { createLogger, safeError } from "../../shared/observability/logger";
import { createApiDeps, type ApiHandlerDeps } from "./deps";

const JSON_CONTENT_TYPE = { "Content-Type": "application/json; charset=utf-8" };

/**
 * Headers for a JSON API that middy's security headers set for HTML responses only: nothing here may be
 * cached (records are PHI) or framed.
 */
const API_HEADERS = {
  "Cache-Control": "no-store",
  "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
  "X-Frame-Options": "DENY",
};

/**
 * middy's (helmet's) defaults, less what has nothing to do behind API Gateway: removing Server/X-Powered-By
 * (it sets them to undefined) and an empty Reporting-Endpoints header (no endpoint to report to).
 */
const SECURITY_HEADER_OPTIONS: Parameters<typeof httpSecurityHeaders>[0] & { reportingEndpoints: false } = {
  poweredBy: false,
  reportingEndpoints: false,
};

type Request = middy.Request<APIGatewayProxyEvent, APIGatewayProxyResult>;

/** Our errors listed in HTTP_ERRORS become their 4xx answer; http-error-handler answers the rest with a 500. */
const apiErrorResponses = (): MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> => ({
  onError: async (request: Request) => {
    const answer = httpErrorFor(request.error);
    if (!answer) return;
    request.response = {
      statusCode: answer.statusCode,
      headers: { ...JSON_CONTENT_TYPE },
      body: JSON.stringify(answer.body),
    };
  },
});

/**
 * FHIR clients read errors as OperationOutcome and resources as application/fhir+json: on /fhir paths, the
 * error answer the middlewares above made (ours, or the 500 fallback) is re-written so, same status and text.
 */
const fhirOutcomes = (): MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> => ({
  onError: async (request: Request) => {
    const response = request.response;
    if (!response || !isFhirPath(request.event.path)) return;
    let message = INTERNAL_ERROR_BODY.message;
    try {
      const body = JSON.parse(response.body) as Partial<ErrorBody>;
      if (typeof body.message === "string") message = body.message;
    } catch {
      // Not our JSON error body: keep the fixed text.
    }
    request.response = {
      ...response,
      headers: { ...response.headers, "Content-Type": FHIR_JSON },
      body: JSON.stringify(operationOutcome(response.statusCode, message)),
    };
  },
});

const apiHeaders = (): MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> => {
  const add = async (request: Request) => {
    if (request.response) request.response.headers = { ...request.response.headers, ...API_HEADERS };
  };
  return { after: add, onError: add };
};

/** The request as the API sees it: the caller comes from the claims API Gateway's Cognito authorizer verified. */
export function toApiRequest(event: APIGatewayProxyEvent): ApiRequest {
  const headers = Object.fromEntries(
    Object.entries(event.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v ?? undefined]),
  );
  const claims = event.requestContext.authorizer?.claims as AuthorizerClaims | undefined;
  const principal = principalFromClaims(claims);
  const body =
    event.body === null
      ? undefined
      : event.isBase64Encoded
        ? Buffer.from(event.body, "base64").toString()
        : event.body;
  return {
    method: event.httpMethod,
    path: event.path,
    query: { ...(event.queryStringParameters ?? {}) },
    ...(event.multiValueQueryStringParameters
      ? {
          queryValues: Object.fromEntries(
            Object.entries(event.multiValueQueryStringParameters).map(([k, v]) => [k, v ?? []]),
          ),
        }
      : {}),
    basePath: basePathOf(event),
    headers,
    ...(body !== undefined ? { body } : {}),
    ...(principal ? { principal } : {}),
    requestId: event.requestContext.requestId,
    ...(event.requestContext.identity?.sourceIp ? { sourceIp: event.requestContext.identity.sourceIp } : {}),
  };
}

/** API Gateway's `requestContext.path` is the path as called, stage included: what precedes `event.path`. */
function basePathOf(event: APIGatewayProxyEvent): string {
  const full = event.requestContext.path ?? event.path;
  return full.endsWith(event.path) ? full.slice(0, full.length - event.path.length) : "";
}

/** JSON unless the route answered a string with its own Content-Type (CSV exports). */
function toProxyResult(response: ApiResponse): APIGatewayProxyResult {
  const raw = typeof response.body === "string" && response.headers?.["Content-Type"];
  return {
    statusCode: response.statusCode,
    headers: { ...JSON_CONTENT_TYPE, ...response.headers },
    body: raw ? (response.body as string) : JSON.stringify(response.body),
  };
}

export function createApiHandler(getDeps: () => ApiHandlerDeps) {
  return (
    middy(async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
      const response = await handleApiRequest(toApiRequest(event), getDeps());
      return toProxyResult(response);
    })
      .use(injectLambdaContext(getDeps().logger))
      // after/onError run in reverse order: error answer, then 500 fallback, FHIR's form of it on /fhir, then
      // headers on every answer.
      .use(apiHeaders())
      .use(fhirOutcomes())
      .use(httpSecurityHeaders(SECURITY_HEADER_OPTIONS))
      .use(
        httpErrorHandler({
          logger: (err: unknown) => getDeps().logger.error("API request failed", safeError(err)),
          fallbackMessage: JSON.stringify(INTERNAL_ERROR_BODY),
        }),
      )
      .use(apiErrorResponses())
  );
}

let deps: ApiHandlerDeps | undefined;
export const handler = createApiHandler(
  () => (deps ??= createApiDeps(loadConfig(), createLogger("chartbridge-api"))),
);
