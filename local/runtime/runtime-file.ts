import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { isProcessAlive as isAlive } from "../../shared/adapters/os/process-alive";

/** Written by `chartbridge start` so the other CLI commands can find the running stack. */
export interface RuntimeInfo {
  pid: number;
  /** The DynamoDB Local Java process, so a later start can end it if the stack died without it. */
  dynamoDbPid?: number;
  apiUrl: string;
  s3Endpoint: string;
  dynamoDbEndpoint: string;
  uploadBucket: string;
  tableName: string;
  /** Absent in runtime files written before the audit trail. */
  auditTableName?: string;
  startedAt: string;
}

const FILE = "runtime.json";

export function writeRuntimeInfo(dataDir: string, info: RuntimeInfo): void {
  writeFileSync(join(dataDir, FILE), JSON.stringify(info, null, 2));
}

export function removeRuntimeInfo(dataDir: string): void {
  rmSync(join(dataDir, FILE), { force: true });
}

function readInfo(dataDir: string): RuntimeInfo | undefined {
  const path = join(dataDir, FILE);
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, "utf8")) as RuntimeInfo;
  } catch {
    return undefined;
  }
}

/** The running stack for this data directory, or undefined (a stale file from a crashed run is ignored). */
export function readRuntimeInfo(dataDir: string): RuntimeInfo | undefined {
  const info = readInfo(dataDir);
  return info && isAlive(info.pid) ? info : undefined;
}

/** Whether `pid` is still a DynamoDB Local Java process (pids are reused; only Linux can tell here). */
function isDynamoDbLocal(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("DynamoDBLocal.jar");
  } catch {
    return false;
  }
}

/**
 * A stack that was killed on its own (not with its process group) leaves DynamoDB Local running on its port
 * and data directory. Ends that process, if this data directory's last stack is gone and it is still there.
 */
export async function killStaleDynamoDb(dataDir: string): Promise<void> {
  const info = readInfo(dataDir);
  const pid = info?.dynamoDbPid;
  if (!info || isAlive(info.pid) || !pid || !isDynamoDbLocal(pid)) return;
  process.kill(pid, "SIGKILL");
  for (let i = 0; i < 50 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
}
