import { holdsAny } from "../auth/permissions";
import type { Principal } from "../auth/principal";
import { PURPOSES_OF_USE, type AuditFacts, type PurposeOfUse } from "../audit/audit-entry";
import { ChartbridgeError } from "../errors/chartbridge-error";
import type { ApiDeps } from "./api-deps";
import {
  BadRequestError,
  ForbiddenError,
  MethodNotAllowedError,
  NotFoundError,
  UnauthorizedError,
} from "./api-errors";
import type { ApiRequest, ApiResponse, Route, RouteCall } from "./route";
import { validateInput } from "./validate-input";

/** The answer an audited route gave without an account of what it returned: a bug, never sent. */
export class UnauditedResponseError extends ChartbridgeError {
  constructor() {
    super({ name: "UnauditedResponseError", code: "UNAUDITED_RESPONSE", retryable: false });
  }
}

const ANONYMOUS: Principal = { kind: "user", sub: "", name: "anonymous", roles: [], scopes: [] };

/**
 * Answers one request from the route table. In order: find the route (404, or 405 when the path exists with
 * other methods); public routes run for anyone, others need a verified caller (401) holding one of the
 * route's permissions (403, audited as denied when the route serves PHI); validate the input against the
 * route's schemas (400 naming the parameter, never its value); run it; and, for audited routes, write the
 * audit event before anything is returned. If that write fails, the error propagates and no PHI leaves.
 */
export async function routeRequest(
  req: ApiRequest,
  routes: readonly Route[],
  deps: ApiDeps,
): Promise<ApiResponse> {
  const path = req.path.replace(/\/+$/, "") || "/";
  const candidates = routes
    .map((route) => ({ route, params: matchPath(route.path, path) }))
    .filter((m): m is { route: Route; params: Record<string, string> } => m.params !== undefined);
  if (candidates.length === 0) throw new NotFoundError("route");
  const found = candidates.find((m) => m.route.method === req.method);
  if (!found) throw new MethodNotAllowedError();
  const { route, params } = found;

  const principal = req.principal ?? ANONYMOUS;
  if (route.access !== "public" && !req.principal) throw new UnauthorizedError();
  // Validated once the caller is known to be allowed: a refusal comes first and names no purpose.
  const known: { purposeOfUse?: PurposeOfUse } = {};
  let audited = false;
  const audit = async (facts: AuditFacts, outcome: "success" | "denied" = "success"): Promise<void> => {
    await deps.audit.append({
      ...facts,
      at: deps.now(),
      actor: {
        kind: principal.kind,
        sub: principal.sub,
        name: principal.name,
        roles: principal.roles,
        scopes: principal.scopes,
      },
      outcome,
      route: `${route.method} ${route.path}`,
      requestId: req.requestId,
      ...(req.sourceIp ? { sourceIp: req.sourceIp } : {}),
      ...(known.purposeOfUse ? { purposeOfUse: known.purposeOfUse } : {}),
      // Nothing leaves on a refusal: only what a client was given is a disclosure.
      disclosure: principal.kind === "client" && outcome === "success",
    });
    audited = true;
  };

  if (route.access !== "public" && !holdsAny(principal, route.access)) {
    if (route.audited) await audit({ action: route.audited, recordIds: [], mrns: [] }, "denied");
    throw new ForbiddenError();
  }
  const purposeOfUse = purposeOf(req, principal, route);
  if (purposeOfUse) known.purposeOfUse = purposeOfUse;

  const input = validateInput(route, { params, query: req.query, body: req.body });
  const call: RouteCall<unknown, unknown, unknown> = {
    ...input,
    headers: req.headers,
    queryValues:
      req.queryValues ??
      Object.fromEntries(Object.entries(req.query).flatMap(([k, v]) => (v === undefined ? [] : [[k, [v]]]))),
    basePath: req.basePath ?? "",
    principal,
    ...(purposeOfUse ? { purposeOfUse } : {}),
    requestId: req.requestId,
    deps,
    audit: (facts) => audit(facts),
  };
  const result = await route.handle(call);
  if (route.audited && !audited) {
    if (!result.audit) throw new UnauditedResponseError();
    await audit(result.audit);
  }
  return {
    statusCode: result.statusCode ?? 200,
    body: result.body,
    ...(result.headers ? { headers: result.headers } : {}),
  };
}

/** `X-Purpose-Of-Use`: optional for staff, required of machine clients on routes that return PHI. */
function purposeOf(req: ApiRequest, principal: Principal, route: Route): PurposeOfUse | undefined {
  const value = req.headers["x-purpose-of-use"]?.trim().toUpperCase();
  if (!value) {
    if (principal.kind === "client" && route.audited) {
      throw new BadRequestError(
        `machine clients must send X-Purpose-Of-Use (one of ${PURPOSES_OF_USE.join(", ")})`,
      );
    }
    return undefined;
  }
  if (!(PURPOSES_OF_USE as readonly string[]).includes(value)) {
    throw new BadRequestError(`X-Purpose-Of-Use must be one of ${PURPOSES_OF_USE.join(", ")}`);
  }
  return value as PurposeOfUse;
}

/** `{name}` segments capture one non-empty path segment; the rest must match literally. */
export function matchPath(template: string, path: string): Record<string, string> | undefined {
  const want = template.split("/");
  const got = path.split("/");
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!;
    const g = got[i]!;
    if (w.startsWith("{") && w.endsWith("}")) {
      if (!g) return undefined;
      params[w.slice(1, -1)] = g;
    } else if (w !== g) return undefined;
  }
  return params;
}
