import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, describe, expect, it } from "vitest";
import type { HealthReport } from "../../local/runtime/http-api";
import { LocalStack } from "../../local/runtime/local-stack";
import { buildChartSpec } from "../../samples/generator/chart-spec";
import { toPng } from "../../samples/generator/render-chart";
import { documentIdFor } from "../../shared/domain/document-id";
import { isTerminal } from "../../shared/domain/status";
import { isProcessAlive as isAlive } from "../../shared/adapters/os/process-alive";

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** DynamoDB Local dies mid-batch: the stack says so, starts it again, and the batch still completes. */
describe("DynamoDB Local killed mid-batch", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "chartbridge-ddb-kill-"));
  let stack: LocalStack | undefined;
  afterAll(async () => {
    await stack?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("reports degraded health, restarts DynamoDB Local, and dead-letters nothing", async () => {
    // Retries a few seconds apart (the default waits minutes), still long enough to outlive the restart.
    stack = await LocalStack.start({
      dataDir,
      apiPort: 0,
      ocrWorkers: 1,
      logLevel: "CRITICAL", // the retried failures while DynamoDB is away are expected
      retry: { baseDelayMs: 250, maxDelayMs: 3000, maxReceiveCount: 40 },
    });
    const s = stack;
    const bucket = s.config.UPLOAD_BUCKET;
    const ids: string[] = [];
    for (const seed of [21, 22, 23]) {
      const key = `vendor-d/b/chart-${seed}.png`;
      const body = toPng(buildChartSpec({ seed, documentType: "progress_note" }), { dpi: 150 });
      const out = await s.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
      ids.push(documentIdFor({ bucket, key, versionId: out.VersionId, etag: out.ETag }));
    }
    const javaPid = s.dynamoDbPid!;
    process.kill(javaPid, "SIGKILL");

    const degraded = await waitFor(
      "/health to report degraded",
      async () => {
        const res = await fetch(`${s.apiUrl}/health`);
        return res.status === 503 ? ((await res.json()) as HealthReport) : undefined;
      },
      10_000,
    );
    expect(degraded).toMatchObject({ status: "degraded", dependencies: { s3: "up" } });
    expect(degraded.dependencies.dynamodb).not.toBe("up");

    await waitFor(
      "/health to be ok again",
      async () => ((await fetch(`${s.apiUrl}/health`)).status === 200 ? true : undefined),
      60_000,
    );
    expect(s.dynamoDbPid).not.toBe(javaPid);
    expect(isAlive(javaPid)).toBe(false);

    for (const id of ids) {
      const record = await waitFor(
        `record ${id} to settle`,
        async () => {
          const r = await s.records.get(id);
          return r && isTerminal(r.status) ? r : undefined;
        },
        180_000,
      );
      expect(["INDEXED", "NEEDS_REVIEW"]).toContain(record.status);
    }
    expect(s.ingestQueue.deadLetters).toEqual([]);
    expect(s.ocrQueue.deadLetters).toEqual([]);
    expect(await (await fetch(`${s.apiUrl}/health`)).json()).toMatchObject({ status: "ok", deadLetters: 0 });

    const restartedPid = s.dynamoDbPid!;
    await s.stop();
    expect(isAlive(restartedPid)).toBe(false);
  }, 360_000);
});
