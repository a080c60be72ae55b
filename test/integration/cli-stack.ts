import { spawn, type ChildProcess } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { readRuntimeInfo, type RuntimeInfo } from "../../local/runtime/runtime-file";

const CLI = fileURLToPath(new URL("../../bin/chartbridge.js", import.meta.url));

/** `chartbridge start` in a child process of its own process group, as a user's terminal would run it. */
export interface CliStack {
  child: ChildProcess;
  info: RuntimeInfo;
  /** Everything the process printed so far (stdout and stderr). */
  output(): string;
  /** Resolves with the exit code (or signal) once the process is gone. */
  exited: Promise<number | string | null>;
}

export async function startCliStack(
  dataDir: string,
  extraArgs: string[] = [],
  env: NodeJS.ProcessEnv = {},
): Promise<CliStack> {
  const child = spawn(
    process.execPath,
    [CLI, "start", "--data-dir", dataDir, "--port", "0", "--no-samples", ...extraArgs],
    { detached: true, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...env } },
  );
  let out = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | string | null>((resolve) =>
    child.once("exit", (code, signal) => resolve(code ?? signal)),
  );
  const deadline = Date.now() + 90_000;
  for (;;) {
    const info = readRuntimeInfo(dataDir);
    if (info && info.pid === child.pid) return { child, info, output: () => out, exited };
    if (child.exitCode !== null || Date.now() > deadline) {
      killGroup(child, "SIGKILL");
      throw new Error(`chartbridge start did not come up:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

export function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // already gone
  }
}

/** Pids of DynamoDB Local processes whose command line names `dataDir` (Linux /proc). */
export function dynamoDbProcessesFor(dataDir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, "utf8");
      if (cmd.includes("DynamoDBLocal.jar") && cmd.includes(dataDir)) pids.push(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  return pids;
}
