/** What the app reads from an access token to shape its navigation. The API decides what is allowed. */
export type Role = "admin" | "records-staff" | "vendor";

export interface Identity {
  name: string;
  roles: Role[];
  /** Seconds since the epoch. */
  expiresAt: number;
}

export function identityFromToken(token: string): Identity {
  const payload = token.split(".")[1] ?? "";
  const json = atob(
    payload
      .replace(/-/g, "+")
      .replace(/_/g, "/")
      .padEnd(Math.ceil(payload.length / 4) * 4, "="),
  );
  const claims = JSON.parse(json) as Record<string, unknown>;
  const groups = claims["cognito:groups"];
  const list = Array.isArray(groups) ? groups : typeof groups === "string" ? groups.split(",") : [];
  return {
    name: String(claims.username ?? claims["cognito:username"] ?? claims.client_id ?? "unknown"),
    roles: list.filter((g): g is Role => g === "admin" || g === "records-staff" || g === "vendor"),
    expiresAt: Number(claims.exp ?? 0),
  };
}

export const isStaff = (i: Identity | undefined) =>
  !!i?.roles.some((r) => r === "admin" || r === "records-staff");
export const isAdmin = (i: Identity | undefined) => !!i?.roles.includes("admin");
export const isVendor = (i: Identity | undefined) => !!i?.roles.includes("vendor") && !isStaff(i);
