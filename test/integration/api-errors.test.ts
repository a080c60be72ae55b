import { describe, expect, inject, it } from "vitest";
import { issueLocalToken } from "../../local/auth/local-tokens";
import { LOCAL_STAFF } from "../../local/cli/api-client";

/** The records API's error answers on the running local stack (local HTTP server → api handler). */
describe("HTTP API errors", () => {
  const apiUrl = inject("apiUrl");
  const token = issueLocalToken(inject("dataDir"), LOCAL_STAFF);
  const get = async (path: string) =>
    fetch(new URL(path, apiUrl), { headers: { authorization: `Bearer ${await token}` } });

  it("answers a malformed percent-escape in a record id with 400, not 500", async () => {
    const res = await get("/records/%ZZ");
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error: "BadRequest",
      message: "id: not a valid percent-encoded path segment",
    });
  });

  it.each(["/patients/Maria%20Lopez", "/search?Maria%20Lopez=1962-03-14", "/records/Maria%20Lopez"])(
    "answers %s with a 4xx body that repeats nothing it was sent",
    async (path) => {
      const res = await get(path);
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(await res.text()).not.toMatch(/maria|lopez|1962/i);
    },
  );

  it("sends the security headers", async () => {
    const res = await get("/health");
    expect(res.status).toBe(200);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    expect(res.headers.get("strict-transport-security")).toMatch(/^max-age=\d+/);
  });
});
