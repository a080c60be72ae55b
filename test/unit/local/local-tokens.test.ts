import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SignJWT } from "jose";
import { afterAll, describe, expect, it } from "vitest";
import {
  ensureSigningKey,
  issueLocalToken,
  localTokenVerifier,
  NoSigningKeyError,
} from "../../../local/auth/local-tokens";
import { principalFromClaims } from "../../../shared/auth/principal";

const dirs: string[] = [];
async function dataDir(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "cb-tokens-"));
  dirs.push(dir);
  await ensureSigningKey(dir);
  return dir;
}
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe("local tokens", () => {
  it("keeps the signing key owner-only and the same across restarts", async () => {
    const dir = await dataDir();
    const file = join(dir, "auth", "signing-key.json");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const token = await issueLocalToken(dir, { user: "sam", groups: ["records-staff"] });
    await ensureSigningKey(dir);
    expect(await localTokenVerifier(dir)(`Bearer ${token}`)).toBeDefined();
  });

  it("passes the claims API Gateway's Cognito authorizer passes, for a user and for a client", async () => {
    const dir = await dataDir();
    const verify = localTokenVerifier(dir);
    const user = await verify(
      `Bearer ${await issueLocalToken(dir, { user: "sam", groups: ["admin", "records-staff"] })}`,
    );
    expect(principalFromClaims(user)).toMatchObject({
      kind: "user",
      name: "sam",
      roles: ["admin", "records-staff"],
    });
    const client = await verify(
      `Bearer ${await issueLocalToken(dir, { client: "ehr", scopes: ["records/read"] })}`,
    );
    expect(principalFromClaims(client)).toMatchObject({
      kind: "client",
      name: "ehr",
      scopes: ["records/read"],
    });
    // The same user is the same `sub` in every token (the audit trail's "who").
    const again = await verify(`Bearer ${await issueLocalToken(dir, { user: "sam", groups: ["vendor"] })}`);
    expect(again?.sub).toBe(user?.sub);
  });

  it("refuses a missing, malformed, expired, foreign or unsigned token", async () => {
    const dir = await dataDir();
    const other = await dataDir();
    const verify = localTokenVerifier(dir);
    const expired = await issueLocalToken(dir, { user: "sam", groups: ["admin"] }, { ttlSeconds: -10 });
    const foreign = await issueLocalToken(other, { user: "sam", groups: ["admin"] });
    const unsigned = `${Buffer.from('{"alg":"none"}').toString("base64url")}.${Buffer.from('{"sub":"x","username":"x","cognito:groups":["admin"],"iss":"chartbridge-local","token_use":"access"}').toString("base64url")}.`;
    const idToken = await new SignJWT({ token_use: "id" })
      .setProtectedHeader({ alg: "HS256" })
      .sign(new Uint8Array(32));
    for (const header of [
      undefined,
      "",
      "Bearer",
      "Basic abc",
      `Bearer ${expired}`,
      `Bearer ${foreign}`,
      `Bearer ${unsigned}`,
      `Bearer ${idToken}`,
    ]) {
      expect(await verify(header)).toBeUndefined();
    }
  });

  it("asks for a started stack when there is no key yet", async () => {
    const empty = mkdtempSync(join(tmpdir(), "cb-tokens-"));
    dirs.push(empty);
    await expect(issueLocalToken(empty, { user: "sam", groups: ["admin"] })).rejects.toBeInstanceOf(
      NoSigningKeyError,
    );
  });
});
