import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { crc32, deflateSync } from "node:zlib";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { issueLocalToken } from "../../local/auth/local-tokens";
import { LOCAL_STAFF } from "../../local/cli/api-client";
import { afterAll, describe, expect, it } from "vitest";
import { buildChartSpec } from "../../samples/generator/chart-spec";
import { toPng } from "../../samples/generator/render-chart";
import { createS3Client } from "../../shared/adapters/s3/s3-client";
import type { ChartRecord } from "../../shared/domain/chart-record";
import { documentIdFor } from "../../shared/domain/document-id";
import { isTerminal } from "../../shared/domain/status";
import { dynamoDbProcessesFor, killGroup, startCliStack, type CliStack } from "./cli-stack";

const SAMPLES = new URL("../../samples/charts/", import.meta.url);

/** A white letter page at 100 dpi, as a grayscale PNG: OCR finds no text at all. */
function blankPage(width = 850, height = 1100): Uint8Array {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 0, 0, 0, 0], 8); // 8-bit grayscale
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(width, 255)]);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(Buffer.concat(Array.from({ length: height }, () => row)))),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

async function recordOf(apiUrl: string, dataDir: string, id: string): Promise<ChartRecord | undefined> {
  const token = await issueLocalToken(dataDir, LOCAL_STAFF);
  const res = await fetch(`${apiUrl}/records/${id}`, { headers: { authorization: `Bearer ${token}` } });
  return res.status === 200 ? ((await res.json()) as ChartRecord) : undefined;
}

/**
 * Every object in the uploads bucket ends with a record in a final state, even when the whole stack (the
 * Node process, its OCR workers and DynamoDB Local) is killed right after the uploads and started again.
 */
describe("chartbridge start, killed mid-batch", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "chartbridge-crash-"));
  const stacks: CliStack[] = [];
  afterAll(async () => {
    for (const s of stacks) killGroup(s.child, "SIGKILL");
    rmSync(dataDir, { recursive: true, force: true });
  });

  it(
    "finishes every upload after a SIGKILL of its process group and a restart",
    { timeout: 360_000 },
    async () => {
      const first = await startCliStack(dataDir);
      stacks.push(first);
      const bucket = first.info.uploadBucket;
      const s3 = createS3Client({ AWS_REGION: "us-east-1", S3_ENDPOINT: first.info.s3Endpoint });
      const scans: [string, Uint8Array][] = [
        ["Doe Jane progress.tiff", readFileSync(new URL("progress-note.tiff", SAMPLES))],
        ["radiology.jpg", readFileSync(new URL("radiology-report.jpg", SAMPLES))],
        ...[11, 12, 13].map((seed): [string, Uint8Array] => [
          `chart-${seed}.png`,
          toPng(buildChartSpec({ seed, documentType: "lab_report" }), { dpi: 150 }),
        ]),
        ["blank.png", blankPage()],
      ];
      const ids: string[] = [];
      for (const [name, body] of scans) {
        const key = `vendor-crash/batch-1/${name}`;
        const out = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
        ids.push(documentIdFor({ bucket, key, versionId: out.VersionId, etag: out.ETag }));
      }
      await new Promise((r) => setTimeout(r, 1500));
      killGroup(first.child, "SIGKILL");
      await first.exited;
      expect(dynamoDbProcessesFor(dataDir)).toEqual([]);

      const second = await startCliStack(dataDir);
      stacks.push(second);
      const deadline = Date.now() + 240_000;
      const final = new Map<string, ChartRecord>();
      while (final.size < ids.length && Date.now() < deadline) {
        for (const id of ids.filter((i) => !final.has(i))) {
          const record = await recordOf(second.info.apiUrl, dataDir, id);
          if (record && isTerminal(record.status)) final.set(id, record);
        }
        await new Promise((r) => setTimeout(r, 500));
      }
      expect([...final.keys()].sort()).toEqual([...ids].sort());

      const health = await fetch(`${second.info.apiUrl}/health`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ status: "ok", deadLetters: 0 });

      killGroup(second.child, "SIGTERM");
      await second.exited;
      expect(dynamoDbProcessesFor(dataDir)).toEqual([]);

      // What a user sees: ids and statuses, never the file names or keys, and no library chatter.
      const printed = first.output() + second.output();
      for (const id of ids) expect(second.output()).toContain(id);
      expect(printed).not.toContain("Doe Jane");
      expect(printed).not.toContain("vendor-crash");
      expect(printed).not.toMatch(/diacritics|Image too small|Stream of unknown length/);
    },
  );
});
