import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LocalStack } from "../../../local/runtime/local-stack";
import { assertPortsFree, freePort, PortInUseError } from "../../../local/runtime/ports";
import { dynamoDbProcessesFor } from "../../integration/cli-stack";

const listen = (port: number) =>
  new Promise<Server>((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(port, "127.0.0.1", () => resolve(srv));
  });

/** A port N such that N, N+1 and N+2 are free. */
async function freeRun(): Promise<number> {
  for (;;) {
    const base = await freePort();
    if (base > 65530) continue;
    try {
      await assertPortsFree([1, 2].map((i) => ({ port: base + i, role: "probe" })));
      return base;
    } catch {
      // a neighbour is taken: try another
    }
  }
}

describe("local stack start: ports and leftovers", () => {
  let dataDir: string;
  let blocker: Server | undefined;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), "chartbridge-ports-"));
  });
  afterEach(async () => {
    await new Promise<void>((r) => (blocker ? blocker.close(() => r()) : r()));
    blocker = undefined;
    rmSync(dataDir, { recursive: true, force: true });
  });

  it.each([
    [0, "HTTP API"],
    [1, "DynamoDB Local"],
    [2, "S3"],
  ])("names the taken port N+%i (%s) and starts nothing", async (offset, role) => {
    const base = await freeRun();
    blocker = await listen(base + offset);
    const start = LocalStack.start({ dataDir, apiPort: base, ocrWorkers: 1 });
    await expect(start).rejects.toThrow(PortInUseError);
    await expect(start).rejects.toThrow(`Port ${base + offset} (${role}) is already in use`);
    expect(dynamoDbProcessesFor(dataDir)).toEqual([]);
  });

  it("stops DynamoDB Local when a later step of the start fails", async () => {
    // The queue directory cannot be created: the start fails after DynamoDB Local and S3 are running.
    writeFileSync(join(dataDir, "queues"), "not a directory");
    await expect(LocalStack.start({ dataDir, apiPort: 0, ocrWorkers: 1 })).rejects.toThrow();
    expect(dynamoDbProcessesFor(dataDir)).toEqual([]);
  }, 60_000);

  it("assertPortsFree passes when every port is free", async () => {
    const base = await freeRun();
    await expect(assertPortsFree([{ port: base, role: "HTTP API" }])).resolves.toBeUndefined();
  });
});
