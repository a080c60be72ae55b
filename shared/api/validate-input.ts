import type { z } from "zod";
import { BadRequestError } from "./api-errors";
import type { Route } from "./route";

export interface ValidatedInput {
  params: unknown;
  query: unknown;
  body: unknown;
}

/**
 * Path parameters (percent-decoded), query and JSON body, each checked against the route's schema. A
 * failure is a 400 naming where and what rule, from the schema's own message: never the value sent.
 */
export function validateInput(
  route: Route,
  raw: { params: Record<string, string>; query: Record<string, string | undefined>; body?: string },
): ValidatedInput {
  const params = Object.fromEntries(Object.entries(raw.params).map(([k, v]) => [k, decodeSegment(k, v)]));
  const schemas = route.request ?? {};
  return {
    params: schemas.params ? parse(schemas.params, params, "path") : params,
    query: schemas.query ? parse(schemas.query, definedOnly(raw.query), "query") : definedOnly(raw.query),
    body: schemas.body ? parse(schemas.body, jsonBody(raw.body), "body") : undefined,
  };
}

function parse(schema: z.ZodType, value: unknown, where: "path" | "query" | "body"): unknown {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  let path = issue.path.map(String);
  let message = issue.message;
  // These issues' messages and paths carry the caller's own keys (which may be a patient's name): name the
  // place, not the key.
  if (issue.code === "unrecognized_keys") message = "has a property that is not allowed";
  if (issue.code === "invalid_key") {
    path = path.slice(0, -1);
    message = "has a key that is not allowed";
  }
  const name = path.length > 0 ? path.join(".") : where;
  throw new BadRequestError(`${where === "body" && path.length > 0 ? "body." : ""}${name}: ${message}`);
}

function decodeSegment(name: string, segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new BadRequestError(`${name}: not a valid percent-encoded path segment`);
  }
}

function jsonBody(body: string | undefined): unknown {
  if (body === undefined || body === "") throw new BadRequestError("a JSON body is required");
  try {
    return JSON.parse(body) as unknown;
  } catch {
    throw new BadRequestError("the body is not valid JSON");
  }
}

function definedOnly(query: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(query).filter((e): e is [string, string] => e[1] !== undefined));
}
