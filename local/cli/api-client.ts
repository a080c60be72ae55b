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

/** Calls the running stack's HTTP API (the same API records staff and downstream systems use). */
export async function apiGet<T>(apiUrl: string, path: string): Promise<{ status: number; body: T }> {
  const res = await fetch(new URL(path, apiUrl));
  return { status: res.status, body: (await res.json()) as T };
}
