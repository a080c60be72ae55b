import { issueLocalToken, type TokenSubject } from "../auth/local-tokens";
import { readRuntimeInfo, type RuntimeInfo } from "../runtime/runtime-file";

export class StackNotRunningError extends Error {
  constructor(dataDir: string) {
    super(
      `No chartbridge stack is running for data directory ${dataDir}. Start it with: npm start (or npx chartbridge start)`,
    );
    this.name = "StackNotRunningError";
  }
}

export function requireRuntime(dataDir: string): RuntimeInfo {
  const info = readRuntimeInfo(dataDir);
  if (!info) throw new StackNotRunningError(dataDir);
  return info;
}

/** The identity the CLI's own commands use against the local stack: a records-staff member. */
export const LOCAL_STAFF: TokenSubject = { user: "local-staff", groups: ["records-staff"] };

/**
 * Calls the running stack's HTTP API (the same API records staff and downstream systems use) with a
 * short-lived token of the local identity `as`.
 */
export async function apiGet<T>(
  runtime: RuntimeInfo,
  dataDir: string,
  path: string,
  as: TokenSubject = LOCAL_STAFF,
): Promise<{ status: number; body: T }> {
  const token = await issueLocalToken(dataDir, as, { ttlSeconds: 300 });
  const res = await fetch(new URL(path, runtime.apiUrl), { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, body: (await res.json()) as T };
}
