import { describe, expect, it } from "vitest";
import { holdsAny, permissionsOf } from "../../../shared/auth/permissions";
import { listClaim, principalFromClaims } from "../../../shared/auth/principal";

describe("principalFromClaims", () => {
  it.each([
    ["comma-separated", "admin,records-staff"],
    ["API Gateway's bracketed form", "[admin records-staff]"],
    ["a JSON array", '["admin","records-staff"]'],
  ])("reads groups given %s", (_form, groups) => {
    const p = principalFromClaims({ sub: "s-1", username: "alice", "cognito:groups": groups });
    expect(p).toMatchObject({ kind: "user", name: "alice", roles: ["admin", "records-staff"] });
  });

  it("ignores groups that are not chartbridge roles", () => {
    const p = principalFromClaims({
      sub: "s-1",
      username: "bob",
      "cognito:groups": "us-east-1_pool_Google,Admins",
    });
    expect(p?.roles).toEqual([]);
    expect(permissionsOf(p!).size).toBe(0);
  });

  it("gives a vendor user the vendor of its custom attribute, else its user name", () => {
    expect(
      principalFromClaims({ sub: "s", username: "u1", "cognito:groups": "vendor", "custom:vendor": "acme" })
        ?.vendor,
    ).toBe("acme");
    expect(principalFromClaims({ sub: "s", username: "acme", "cognito:groups": "vendor" })?.vendor).toBe(
      "acme",
    );
    expect(
      principalFromClaims({ sub: "s", username: "sam", "cognito:groups": "records-staff" })?.vendor,
    ).toBeUndefined();
  });

  it("treats a token without a user name as a client, whose groups do not count", () => {
    const p = principalFromClaims({
      sub: "c-1",
      client_id: "c-1",
      scope: "records/read openid",
      "cognito:groups": "admin",
    });
    expect(p).toEqual({
      kind: "client",
      sub: "c-1",
      name: "c-1",
      roles: [],
      scopes: ["records/read", "openid"],
    });
    expect([...permissionsOf(p!)].sort()).toEqual(["records:read", "records:search"]);
    expect(holdsAny(p!, ["records:correct", "records:reprocess", "audit:read"])).toBe(false);
  });

  it.each([
    ["no claims", undefined],
    ["no sub", { username: "alice", "cognito:groups": "admin" }],
    ["neither user name nor client id", { sub: "s-1", scope: "records/read" }],
  ])("names nobody for %s", (_what, claims) => {
    expect(principalFromClaims(claims)).toBeUndefined();
  });

  it("splits list claims in every form they arrive in", () => {
    expect(listClaim("records/read records/staff")).toEqual(["records/read", "records/staff"]);
    expect(listClaim("[a b]")).toEqual(["a", "b"]);
    expect(listClaim(" ")).toEqual([]);
    expect(listClaim(undefined)).toEqual([]);
  });
});
