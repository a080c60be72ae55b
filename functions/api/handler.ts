/** Lambda: API Gateway proxy events → the records API (health, search, record by id). */
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from "aws-lambda";
import { handleApiRequest } from "../../shared/api/records-api";
import { loadConfig } from "../../shared/config";
import { createLogger, safeError } from "../../shared/observability/logger";
import { createApiDeps, type ApiHandlerDeps } from "./deps";

const JSON_HEADERS = {
  "content-type": "application/json; charset=utf-8",
  "cache-control": "no-store",
  "x-content-type-options": "nosniff",
};

export function createApiHandler(getDeps: () => ApiHandlerDeps) {
  return middy(async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
    const deps = getDeps();
    try {
      const query: Record<string, string | undefined> = { ...(event.queryStringParameters ?? {}) };
      const response = await handleApiRequest({ method: event.httpMethod, path: event.path, query }, deps);
      return { statusCode: response.statusCode, headers: JSON_HEADERS, body: JSON.stringify(response.body) };
    } catch (err) {
      deps.logger.error("API request failed", safeError(err));
      return {
        statusCode: 500,
        headers: JSON_HEADERS,
        body: JSON.stringify({ error: "InternalError", message: "The request could not be completed" }),
      };
    }
  }).use(injectLambdaContext(getDeps().logger));
}

let deps: ApiHandlerDeps | undefined;
export const handler = createApiHandler(
  () => (deps ??= createApiDeps(loadConfig(), createLogger("chartbridge-api"))),
);
