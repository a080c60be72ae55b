import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { BATCH } from "./ingest-memory-batch";

const MiB = 1024 * 1024;
/** Well under the ingest function's 1,024 MB: what one upload's inspection may take, with Node's own share. */
const RSS_CEILING = 512 * MiB;

describe("ingest under a memory ceiling", () => {
  it("takes in a batch of five uploads near the 500 MiB limit in a process with a 256 MB heap", async () => {
    const scratch = mkdtempSync(join(tmpdir(), "ingest-memory-"));
    try {
      const { stdout } = await promisify(execFile)(
        process.execPath,
        ["--max-old-space-size=256", "--import", "tsx", join(import.meta.dirname, "ingest-memory-child.ts")],
        {
          env: { ...process.env, TMPDIR: scratch, RSS_CEILING_BYTES: String(RSS_CEILING) },
          maxBuffer: 1024 * 1024,
        },
      ).catch((err: { stdout?: string; stderr?: string; code?: number }) => {
        throw new Error(`ingest process failed (exit ${err.code}): ${err.stdout ?? ""} ${err.stderr ?? ""}`);
      });
      const report = JSON.parse(stdout.trim().split("\n").at(-1)!) as {
        result: { batchItemFailures: unknown[] };
        records: { key: string; status: string; reasonCode?: string }[];
        peakRss: number;
      };
      expect(report.result.batchItemFailures).toEqual([]);
      for (const upload of BATCH) {
        expect(report.records.filter((r) => r.key === upload.key).at(-1), upload.key).toMatchObject(
          upload.expected,
        );
      }
      expect(report.peakRss, `peak RSS ${Math.round(report.peakRss / MiB)} MiB`).toBeLessThan(RSS_CEILING);
      // tsx keeps its compile cache there too; the downloads must all be gone.
      expect(readdirSync(scratch).filter((name) => name.startsWith("chartbridge-"))).toEqual([]);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }, 120_000);
});
