import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  credentialsTreatedAsExpired,
  credentialsWillNeedRefresh,
  defaultProvider,
} from "../../../functions/lambda-credential-provider";

describe("the Lambda bundles' credential provider (stands in for the SDK's default chain)", () => {
  beforeEach(() => {
    vi.stubEnv("AWS_CREDENTIAL_SCOPE", "");
    vi.stubEnv("AWS_ACCOUNT_ID", "");
  });
  afterEach(() => vi.unstubAllEnvs());

  it("returns the credentials the Lambda runtime puts in the environment", async () => {
    vi.stubEnv("AWS_ACCESS_KEY_ID", "ASIAEXAMPLE");
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", "secret");
    vi.stubEnv("AWS_SESSION_TOKEN", "token");
    vi.stubEnv("AWS_CREDENTIAL_EXPIRATION", "");
    const credentials = await defaultProvider()();
    // The fields SDK clients sign with; the SDK's provider may add its own metadata beside them.
    expect(credentials).toMatchObject({
      accessKeyId: "ASIAEXAMPLE",
      secretAccessKey: "secret",
      sessionToken: "token",
    });
    expect(credentials.expiration).toBeUndefined();
  });

  it("reads them on every call (no stale copy) and honours an expiration", async () => {
    vi.stubEnv("AWS_ACCESS_KEY_ID", "A1");
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", "s1");
    vi.stubEnv("AWS_SESSION_TOKEN", "");
    const provider = defaultProvider();
    expect((await provider()).accessKeyId).toBe("A1");
    vi.stubEnv("AWS_ACCESS_KEY_ID", "A2");
    vi.stubEnv("AWS_CREDENTIAL_EXPIRATION", "2030-01-01T00:00:00Z");
    const second = await provider();
    expect(second).toMatchObject({ accessKeyId: "A2", expiration: new Date("2030-01-01T00:00:00Z") });
    expect(second).not.toHaveProperty("sessionToken");
  });

  it("fails like the SDK's env provider when there are none", async () => {
    vi.stubEnv("AWS_ACCESS_KEY_ID", "");
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", "");
    await expect(defaultProvider()()).rejects.toMatchObject({ name: "CredentialsProviderError" });
  });

  it("has the package's expiry helpers", () => {
    const soon = { accessKeyId: "a", secretAccessKey: "s", expiration: new Date(Date.now() + 60_000) };
    const later = { ...soon, expiration: new Date(Date.now() + 3_600_000) };
    expect(credentialsWillNeedRefresh(soon)).toBe(true);
    expect(credentialsWillNeedRefresh({ accessKeyId: "a", secretAccessKey: "s" })).toBe(false);
    expect(credentialsTreatedAsExpired(soon)).toBe(true);
    expect(credentialsTreatedAsExpired(later)).toBe(false);
  });
});
