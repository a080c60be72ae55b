/**
 * The local stack's web-app paths: the built files with a strict CSP, local sign-in, and nothing else (every
 * other path still reaches the api).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureSigningKey, localTokenVerifier } from "../../../local/auth/local-tokens";
import { startHttpApi } from "../../../local/runtime/http-api";
import { webAppHandler } from "../../../local/runtime/web-app";

describe("the local stack's web app", () => {
  let dir: string;
  let server: Server;
  let base: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "cb-web-"));
    const dist = join(dir, "dist");
    mkdirSync(join(dist, "assets"), { recursive: true });
    writeFileSync(join(dist, "index.html"), "<!doctype html><title>app</title>");
    writeFileSync(join(dist, "assets", "index-abc.js"), "console.log(1)");
    writeFileSync(join(dir, "secret.txt"), "not for the web");
    await ensureSigningKey(dir);
    const verify = localTokenVerifier(dir);
    server = await startHttpApi(
      async () => ({ statusCode: 200, body: JSON.stringify({ api: true }), headers: {} }),
      0,
      {
        authenticate: verify,
        app: webAppHandler({
          distDir: dist,
          dataDir: dir,
          imageOrigins: ["http://127.0.0.1:4002"],
          reviewThreshold: 0.8,
        }),
      },
    );
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((r) => server.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  it("serves the app at / with a strict Content-Security-Policy and no caching", async () => {
    const res = await fetch(`${base}/`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("<title>app</title>");
    const csp = res.headers.get("content-security-policy")!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("img-src 'self' blob: http://127.0.0.1:4002");
    expect(csp).not.toContain("unsafe-inline");
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.headers.get("x-frame-options")).toBe("DENY");
  });

  it("serves hashed assets for good, and nothing outside the assets folder", async () => {
    const asset = await fetch(`${base}/assets/index-abc.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get("cache-control")).toContain("immutable");
    for (const path of [
      "/assets/../../secret.txt",
      "/assets/%2e%2e/%2e%2e/secret.txt",
      "/assets/missing.js",
    ]) {
      const res = await fetch(`${base}${path}`);
      expect(res.status, path).not.toBe(200);
      expect(await res.text()).not.toContain("not for the web");
    }
  });

  it("tells the app to sign in locally", async () => {
    const res = await fetch(`${base}/config.json`);
    expect(await res.json()).toEqual({
      apiBaseUrl: "",
      auth: { mode: "local" },
      idleTimeoutMinutes: 15,
      reviewThreshold: 0.8,
    });
  });

  it("signs in a local identity with a token the API accepts, and refuses an unknown one", async () => {
    const list = (await (await fetch(`${base}/local-auth/identities`)).json()) as {
      identities: { id: string }[];
    };
    expect(list.identities.map((i) => i.id)).toEqual(["records-staff", "admin", "vendor"]);

    const res = await fetch(`${base}/local-auth/sign-in`, {
      method: "POST",
      body: JSON.stringify({ identity: "admin" }),
    });
    const { token } = (await res.json()) as { token: string };
    const claims = await localTokenVerifier(dir)(`Bearer ${token}`);
    expect(claims).toMatchObject({ username: "local-admin", "cognito:groups": "admin" });

    for (const body of ['{"identity":"root"}', "not json", '{"identity":"admin","groups":["admin"]}']) {
      const refused = await fetch(`${base}/local-auth/sign-in`, { method: "POST", body });
      expect(refused.status, body).toBe(400);
      expect(await refused.text()).not.toContain("root");
    }
  });

  it("passes every other path to the api, behind the authorizer", async () => {
    expect((await fetch(`${base}/search?q=x`)).status).toBe(401);
    expect((await fetch(`${base}/local-auth/other`)).status).toBe(401);
  });
});
