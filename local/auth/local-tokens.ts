/**
 * The local stack's stand-in for Cognito: an ES256 key kept in the data dir signs tokens shaped like Cognito
 * access tokens (`sub`, `username` or `client_id`, `cognito:groups`, `scope`, `token_use`), and the local
 * HTTP server verifies them and hands the api handler the same claims API Gateway's authorizer would.
 */
import { createHash } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { exportJWK, generateKeyPair, importJWK, jwtVerify, SignJWT, type JWK, type JWTPayload } from "jose";
import writeFileAtomic from "write-file-atomic";
import type { AuthorizerClaims, Role } from "../../shared/auth/principal";

export const LOCAL_ISSUER = "chartbridge-local";
const ALG = "ES256";
const KEY_FILE = join("auth", "signing-key.json");

/** Who a token is for: a person in groups, or a downstream system's client with scopes. */
export type TokenSubject =
  { user: string; groups: Role[]; vendor?: string } | { client: string; scopes: string[] };

export interface IssueOptions {
  /** @default 3600 (Cognito's access-token default) */
  ttlSeconds?: number;
}

export class NoSigningKeyError extends Error {
  constructor(dataDir: string) {
    super(`No local signing key in ${dataDir}: start the stack once (npm start) to create it`);
    this.name = "NoSigningKeyError";
  }
}

/** The stack's signing key: created on first start, kept (owner-only) so tokens survive restarts. */
export async function ensureSigningKey(dataDir: string): Promise<void> {
  const file = join(dataDir, KEY_FILE);
  if (existsSync(file)) return;
  const { privateKey } = await generateKeyPair(ALG, { extractable: true });
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  await writeFileAtomic(file, JSON.stringify(await exportJWK(privateKey)), { mode: 0o600 });
  chmodSync(file, 0o600);
}

function readJwk(dataDir: string): JWK {
  const file = join(dataDir, KEY_FILE);
  if (!existsSync(file)) throw new NoSigningKeyError(dataDir);
  return JSON.parse(readFileSync(file, "utf8")) as JWK;
}

/** A stable `sub` per name, like Cognito's: the same local user is the same person in the audit trail. */
const stableSub = (kind: string, name: string): string => {
  const h = createHash("sha256").update(`${kind}:${name}`).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
};

export async function issueLocalToken(
  dataDir: string,
  subject: TokenSubject,
  opts: IssueOptions = {},
): Promise<string> {
  const key = await importJWK(readJwk(dataDir), ALG);
  const claims: JWTPayload & Record<string, unknown> =
    "user" in subject
      ? {
          username: subject.user,
          "cognito:groups": subject.groups,
          scope: "records/staff",
          ...(subject.vendor ? { "custom:vendor": subject.vendor } : {}),
        }
      : { client_id: subject.client, scope: subject.scopes.join(" ") };
  return new SignJWT({ ...claims, token_use: "access" })
    .setProtectedHeader({ alg: ALG })
    .setIssuer(LOCAL_ISSUER)
    .setSubject("user" in subject ? stableSub("user", subject.user) : stableSub("client", subject.client))
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + (opts.ttlSeconds ?? 3600))
    .sign(key);
}

/**
 * Verifies `Authorization: Bearer <token>` with the stack's key. Returns the claims as API Gateway passes them
 * (every value a string, arrays comma-joined), or undefined for a missing, malformed, forged or expired token.
 */
export function localTokenVerifier(
  dataDir: string,
): (authorization: string | undefined) => Promise<AuthorizerClaims | undefined> {
  const jwk = readJwk(dataDir);
  const { d: _private, ...publicJwk } = jwk;
  const keyPromise = importJWK(publicJwk, ALG);
  return async (authorization) => {
    const token = /^Bearer\s+(\S+)$/i.exec(authorization?.trim() ?? "")?.[1];
    if (!token) return undefined;
    try {
      const { payload } = await jwtVerify(token, await keyPromise, {
        issuer: LOCAL_ISSUER,
        algorithms: [ALG],
      });
      if (payload.token_use !== "access") return undefined;
      return Object.fromEntries(
        Object.entries(payload).map(([k, v]) => [k, Array.isArray(v) ? v.join(",") : String(v)]),
      );
    } catch {
      return undefined;
    }
  };
}
