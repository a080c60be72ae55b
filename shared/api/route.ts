/**
 * The shape of one route of the records API. Every route states, in one place, what a caller must hold to
 * use it (`access`), whether it returns or changes PHI (`audited`), and the schemas its input is validated
 * with (the OpenAPI document is generated from the same schemas). `router.ts` enforces all of it.
 */
import type { z } from "zod";
import type { Principal } from "../auth/principal";
import type { Permission } from "../auth/permissions";
import type { AuditAction, AuditFacts, PurposeOfUse } from "../audit/audit-entry";
import type { ApiDeps } from "./api-deps";

export type HttpMethod = "GET" | "POST" | "PATCH";

/** One HTTP request as the API sees it, whatever carried it (API Gateway in AWS, the local server). */
export interface ApiRequest {
  method: string;
  path: string;
  query: Record<string, string | undefined>;
  /** Every value of each query parameter, in order (FHIR searches repeat parameters); `query` keeps the last. */
  queryValues?: Record<string, string[]>;
  /** What precedes the route's path in the URL the caller used: API Gateway's stage (`/prod`), or "". */
  basePath?: string;
  /** Header names lower-cased. */
  headers: Record<string, string | undefined>;
  body?: string;
  /** The verified caller; undefined when no valid token came with the request. */
  principal?: Principal;
  requestId: string;
  sourceIp?: string;
}

export interface ApiResponse {
  statusCode: number;
  /** JSON-serialized, unless a string with its own Content-Type header (CSV exports). */
  body: unknown;
  headers?: Record<string, string>;
}

/** What a route's handler receives: its validated input, the caller and the ports. */
export interface RouteCall<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  headers: Record<string, string | undefined>;
  /** Every value of each query parameter (see ApiRequest.queryValues). */
  queryValues: Record<string, string[]>;
  basePath: string;
  principal: Principal;
  purposeOfUse?: PurposeOfUse;
  requestId: string;
  deps: ApiDeps;
  /**
   * Writes the audit event now (routes that change PHI call it before changing anything); the router refuses
   * to answer an audited route that neither called it nor returned `audit`.
   */
  audit(facts: AuditFacts): Promise<void>;
}

export interface RouteResult {
  statusCode?: number;
  body: unknown;
  headers?: Record<string, string>;
  /** For audited routes that did not call `audit()`: written before the response leaves. */
  audit?: AuditFacts;
}

export interface RouteSpec<P, Q, B> {
  method: HttpMethod;
  /** Path template: literal segments and `{name}` parameters, e.g. "/records/{id}/pages/{n}". */
  path: string;
  /** "public": anyone, no token needed. Otherwise the caller must hold at least one of these. */
  access: "public" | readonly Permission[];
  /**
   * The action recorded when the route returns or changes PHI: every answer, and every refusal for lack of
   * permission, is preceded by an audit event (fail closed). False for routes that never touch PHI.
   */
  audited: AuditAction | false;
  /** One line for the OpenAPI document. */
  summary: string;
  request?: {
    params?: z.ZodType<P>;
    query?: z.ZodType<Q>;
    body?: z.ZodType<B>;
  };
  /**
   * Input the route checks itself with its own parser (documented in the OpenAPI description, not checked by
   * the router): the search parameters' rules and messages predate the route table.
   */
  documentedQuery?: z.ZodType;
  /** The 200 answer's schema, for the OpenAPI document. */
  response?: z.ZodType;
  /** The 200 answer's media type, when not JSON only (CSV exports offer both). */
  responseMediaTypes?: readonly string[];
  handle(call: RouteCall<P, Q, B>): Promise<RouteResult>;
}

/** A route with its input types erased, as the route table holds it. */
export type Route = RouteSpec<unknown, unknown, unknown>;

export function defineRoute<P = Record<string, never>, Q = Record<string, never>, B = undefined>(
  spec: RouteSpec<P, Q, B>,
): Route {
  return spec as unknown as Route;
}
