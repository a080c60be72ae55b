import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, describe, expect, it } from "vitest";
import { LocalStack, SEARCH_INDEX_FILE } from "../../local/runtime/local-stack";
import { buildChartSpec } from "../../samples/generator/chart-spec";
import { toPng } from "../../samples/generator/render-chart";
import { documentIdFor } from "../../shared/domain/document-id";
import { isTerminal } from "../../shared/domain/status";
import { isProcessAlive as isAlive } from "../../shared/adapters/os/process-alive";

async function settle(stack: LocalStack, id: string) {
  for (let i = 0; i < 600; i++) {
    const record = await stack.records.get(id);
    if (record && isTerminal(record.status)) return record;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error("record did not settle");
}

/** A stopped and restarted stack keeps its records, and rebuilds a lost search index from DynamoDB. */
describe("local stack restart", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "chartbridge-restart-"));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it("persists records, rebuilds the search index, and leaves no Java process behind", async () => {
    const spec = buildChartSpec({ seed: 5150, documentType: "progress_note" });
    const first = await LocalStack.start({ dataDir, apiPort: 0, ocrWorkers: 1 });
    let id: string;
    let before: Awaited<ReturnType<typeof settle>>;
    try {
      const key = "vendor-r/b/progress.png";
      const out = await first.s3.send(
        new PutObjectCommand({ Bucket: first.config.UPLOAD_BUCKET, Key: key, Body: toPng(spec) }),
      );
      id = documentIdFor({
        bucket: first.config.UPLOAD_BUCKET,
        key,
        versionId: out.VersionId,
        etag: out.ETag,
      });
      before = await settle(first, id);
      for (
        let i = 0;
        i < 40 && (await first.search.search({ q: spec.patient.lastName, limit: 5 })).total === 0;
        i++
      ) {
        await new Promise((r) => setTimeout(r, 250));
      }
    } finally {
      await first.stop();
    }
    expect(isAlive(first.dynamoDbPid!)).toBe(false);
    expect(existsSync(join(dataDir, "runtime.json"))).toBe(false);

    for (const suffix of ["", "-wal", "-shm"])
      rmSync(join(dataDir, SEARCH_INDEX_FILE + suffix), { force: true });
    const second = await LocalStack.start({ dataDir, apiPort: 0, ocrWorkers: 1 });
    try {
      expect(second.tableCreated).toBe(false);
      const record = await second.records.get(id);
      expect(record?.fields).toEqual(before!.fields);
      expect(record?.fields.patientName?.value).toBe(spec.patient.name);
      const byName = await second.search.search({ q: spec.patient.lastName, limit: 5 });
      expect(byName.hits.map((h) => h.id)).toContain(id);
    } finally {
      await second.stop();
    }
  });
});
