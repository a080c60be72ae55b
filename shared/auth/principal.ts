/**
 * Who is calling, as the token says. In AWS, API Gateway's Cognito authorizer has verified the token and
 * passes its claims (every value a string) in `requestContext.authorizer.claims`; locally the HTTP server
 * verifies the local stack's tokens and passes the same claims. Nothing here trusts anything else.
 */
export const ROLES = ["admin", "records-staff", "vendor"] as const;
export type Role = (typeof ROLES)[number];

/** The resource-server scope a downstream system's client-credentials token carries to read records. */
export const RECORDS_READ_SCOPE = "records/read";

/**
 * SMART Backend Services scopes of the FHIR API. Cognito writes a scope as `<resource server>/<name>`, so a
 * resource server named `system` carries them exactly as SMART spells them.
 */
export const FHIR_SCOPE_SERVER = "system";
export const FHIR_SCOPES = {
  patient: "system/Patient.read",
  documentReference: "system/DocumentReference.read",
  binary: "system/Binary.read",
  all: "system/*.read",
} as const;

export interface Principal {
  /** A person signed in to the user pool, or a downstream system's app client (client-credentials grant). */
  kind: "user" | "client";
  /** Cognito `sub`: stable, never reused. For a client, its client id. */
  sub: string;
  /** User name, or the client's id (what the audit trail shows as the recipient). */
  name: string;
  /** The chartbridge roles among the token's groups; other groups are ignored. */
  roles: Role[];
  scopes: string[];
  /** For a vendor user: the vendor whose uploads (`<vendor>/<batch>/<file>`) they may see. */
  vendor?: string;
}

/** Claims as API Gateway passes them to a Lambda proxy integration: strings (arrays flattened). */
export type AuthorizerClaims = Record<string, string | undefined>;

/**
 * The caller of an authorized request, or undefined when the claims do not name one (no token reached us:
 * answered 401). A user needs `sub` and `username`; a client (no `username`) needs `client_id` and a scope.
 */
export function principalFromClaims(claims: AuthorizerClaims | null | undefined): Principal | undefined {
  if (!claims) return undefined;
  const sub = claims.sub?.trim();
  if (!sub) return undefined;
  const roles = listClaim(claims["cognito:groups"]).filter((g): g is Role =>
    (ROLES as readonly string[]).includes(g),
  );
  const scopes = listClaim(claims.scope);
  const username = claims.username ?? claims["cognito:username"];
  if (username) {
    const principal: Principal = { kind: "user", sub, name: username, roles, scopes };
    if (roles.includes("vendor")) principal.vendor = claims["custom:vendor"] || username;
    return principal;
  }
  const clientId = claims.client_id;
  if (!clientId) return undefined;
  // A client acts for a system, never as a person: groups do not apply to it.
  return { kind: "client", sub, name: clientId, roles: [], scopes };
}

/**
 * A list claim in any of the forms it reaches a Lambda in: a JSON array, "[a b]" (API Gateway flattens
 * arrays so), "a,b" or "a b" (OAuth scopes).
 */
export function listClaim(value: string | undefined): string[] {
  if (!value) return [];
  const text = value.trim();
  if (text.startsWith("[") && text.endsWith("]")) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (Array.isArray(parsed)) return parsed.map(String).filter(Boolean);
    } catch {
      // "[a b]": not JSON, the bracketed space-separated form.
    }
    return splitList(text.slice(1, -1));
  }
  return splitList(text);
}

const splitList = (text: string): string[] => text.split(/[\s,]+/).filter(Boolean);
