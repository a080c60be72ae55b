import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** Written by `chartbridge start` so the other CLI commands can find the running stack. */
export interface RuntimeInfo {
  pid: number;
  apiUrl: string;
  s3Endpoint: string;
  dynamoDbEndpoint: string;
  uploadBucket: string;
  tableName: string;
  startedAt: string;
}

const FILE = "runtime.json";

export function writeRuntimeInfo(dataDir: string, info: RuntimeInfo): void {
  writeFileSync(join(dataDir, FILE), JSON.stringify(info, null, 2));
}

export function removeRuntimeInfo(dataDir: string): void {
  rmSync(join(dataDir, FILE), { force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The running stack for this data directory, or undefined (a stale file from a crashed run is ignored). */
export function readRuntimeInfo(dataDir: string): RuntimeInfo | undefined {
  const path = join(dataDir, FILE);
  if (!existsSync(path)) return undefined;
  try {
    const info = JSON.parse(readFileSync(path, "utf8")) as RuntimeInfo;
    return isAlive(info.pid) ? info : undefined;
  } catch {
    return undefined;
  }
}
