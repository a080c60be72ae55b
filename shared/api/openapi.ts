/**
 * The records API's OpenAPI 3.1 description, generated from the route table: each route's path, method,
 * permission, and the same zod schemas the router validates its input with.
 */
import * as z from "zod";
import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiPathsObject } from "zod-openapi";
import type { Route } from "./route";

const ErrorBody = z
  .object({
    error: z
      .string()
      .meta({ description: "The error's name: BadRequest, Unauthorized, Forbidden, NotFound, …" }),
    message: z
      .string()
      .meta({ description: "What was wrong, naming the parameter and the rule; never the value sent" }),
  })
  .meta({ id: "Error" });

const ERRORS = {
  "400": "A parameter, header or body field breaks a rule (the message says which and why)",
  "401": "No valid bearer token",
  "403": "The caller's groups or scopes do not allow this route",
  "404": "No such record (or not one the caller may see)",
  "409": "The record is not in a state that allows this",
  "412": "If-Match names an older version of the record",
  "428": "If-Match is required",
  "500": "The request could not be completed (nothing about the cause is returned)",
} as const;

const AnyJson = z.looseObject({}).meta({ description: "See the route's summary" });

function operation(route: Route): ZodOpenApiOperationObject {
  const request = route.request ?? {};
  const isPublic = route.access === "public";
  const query = request.query ?? route.documentedQuery;
  const json = route.response ?? AnyJson;
  const mediaTypes = route.responseMediaTypes ?? ["application/json"];
  return {
    operationId: `${route.method.toLowerCase()}${route.path.replace(/[{}]/g, "").replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? "").toUpperCase())}`,
    summary: route.summary,
    description: isPublic
      ? "No token needed."
      : `Requires one of the permissions: ${(route.access as readonly string[]).join(", ")}.${route.audited ? ` Audited as \`${route.audited}\` before the answer is sent; machine clients must send X-Purpose-Of-Use.` : ""}`,
    ...(isPublic ? { security: [] } : {}),
    requestParams: {
      ...(request.params ? { path: request.params as z.ZodObject } : {}),
      ...(query ? { query: query as z.ZodObject } : {}),
    },
    ...(request.body
      ? { requestBody: { required: true, content: { "application/json": { schema: request.body } } } }
      : {}),
    responses: {
      "200": {
        description: "OK",
        content: Object.fromEntries(
          mediaTypes.map((t) => [t, { schema: t === "application/json" ? json : z.string() }]),
        ),
      },
      ...Object.fromEntries(
        Object.entries(ERRORS)
          .filter(([code]) => !isPublic || code === "500")
          .map(([code, description]) => [
            code,
            { description, content: { "application/json": { schema: ErrorBody } } },
          ]),
      ),
    },
  };
}

export function openApiDocument(routes: readonly Route[]): ReturnType<typeof createDocument> {
  const paths: ZodOpenApiPathsObject = {};
  for (const route of routes) {
    const item = (paths[route.path] ??= {});
    (item as Record<string, ZodOpenApiOperationObject>)[route.method.toLowerCase()] = operation(route);
  }
  return createDocument({
    openapi: "3.1.0",
    info: {
      title: "chartbridge records API",
      version: "1",
      description:
        "Search, read and correct scanned chart records. Every request that returns or changes PHI is audited before the answer is sent.",
    },
    security: [{ bearer: [] }],
    components: {
      securitySchemes: {
        bearer: {
          type: "http",
          scheme: "bearer",
          bearerFormat: "JWT",
          description:
            "A Cognito access token with scope records/staff (people; roles from their groups) or records/read (downstream systems). Locally: `npx chartbridge token`.",
        },
      },
    },
    paths,
  });
}
