/**
 * Vendor batches on the real local stack: the manifest through the HTTP API, uploads to presigned targets the
 * local S3 verifies, the pipeline's outcomes per file, close, the reconciliation report, the batch.completed
 * event, and the vendor CLI (`chartbridge upload`) including an upload killed halfway and resumed.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, inject, it } from "vitest";
import type { BatchReport, CreatedBatch } from "../../local/cli/batch-upload/batch-client";
import type { UploadState } from "../../local/cli/batch-upload/upload-state";
import { pngVariant } from "../support/png-variants";
import { stackClient } from "./stack-client";

const CLI = fileURLToPath(new URL("../../bin/chartbridge.js", import.meta.url));
const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
const vendor = (name: string) => ({ user: `${name}-uploader`, groups: ["vendor" as const], vendor: name });
const folders: string[] = [];
afterAll(() => folders.forEach((f) => rmSync(f, { recursive: true, force: true })));

function folderOf(files: Record<string, Buffer>): string {
  const dir = mkdtempSync(join(tmpdir(), "chartbridge-delivery-"));
  folders.push(dir);
  for (const [name, bytes] of Object.entries(files)) writeFileSync(join(dir, name), bytes);
  return dir;
}

function runCli(args: string[]): {
  done: Promise<{ code: number | null; stdout: string; stderr: string }>;
  pid: number;
} {
  const child = spawn(process.execPath, [CLI, ...args, "--data-dir", inject("dataDir")], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.once("exit", (code) => resolve({ code, stdout, stderr })),
  );
  return { done, pid: child.pid! };
}

async function until<T>(
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 120_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("vendor batches on the local stack", () => {
  const stack = stackClient();

  it("accounts for every manifest entry: verified uploads, a corrupted file, an unexpected one, a missing one", async () => {
    const as = vendor("it-batch-vendor");
    const files = { "a.png": pngVariant("it-a"), "b.png": pngVariant("it-b"), "c.png": pngVariant("it-c") };
    const created = await stack.request<CreatedBatch>("/batches", {
      as,
      method: "POST",
      body: {
        name: "delivery-1",
        reference: "BOX 12",
        files: Object.entries(files).map(([name, b]) => ({ name, size: b.length, sha256: sha256(b) })),
      },
    });
    expect(created.status).toBe(201);
    const { batch, uploadTargets } = created.body;
    const target = (name: string) => uploadTargets.find((t) => t.name === name)!;

    // The local S3 checks the signed checksum: other bytes than declared are refused at the door …
    const refused = await fetch(target("b.png").url, {
      method: "PUT",
      headers: target("b.png").headers,
      body: pngVariant("it-b-corrupted"),
    });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain("BadDigest");
    // … and a PUT without the checksum header does not match the signature.
    const unsigned = await fetch(target("a.png").url, { method: "PUT", body: files["a.png"] });
    expect(unsigned.status).toBe(403);

    const put = await fetch(target("a.png").url, {
      method: "PUT",
      headers: target("a.png").headers,
      body: files["a.png"],
    });
    expect(put.status).toBe(200);
    // Bytes that reach the bucket another way (here: the SDK with the stack's keys) are checked at ingest.
    await stack.upload("it-batch-vendor/delivery-1/b.png", pngVariant("it-b-corrupted"));
    await stack.upload("it-batch-vendor/delivery-1/not-in-manifest.png", pngVariant("it-extra"));

    await until(async () => {
      const view = await stack.request<{ batch: { counts: Record<string, number> } }>(
        `/batches/${batch.id}`,
        { as },
      );
      return view.body.batch.counts.PROCESSING === 0 && view.body.batch.counts.AWAITING_UPLOAD === 1
        ? true
        : undefined;
    });
    const closed = await stack.request<{ batch: { status: string } }>(`/batches/${batch.id}/close`, {
      as,
      method: "POST",
    });
    expect(closed.status).toBe(200);

    const report = await until(async () => {
      const r = await stack.request<BatchReport>(`/batches/${batch.id}/report`, { as });
      return r.body.batch.status === "COMPLETED" ? r.body : undefined;
    });
    const byName = Object.fromEntries(report.files.map((f) => [f.name, f]));
    expect(Object.keys(byName).sort()).toEqual(["a.png", "b.png", "c.png", "not-in-manifest.png"]);
    expect(byName["a.png"]).toMatchObject({
      expected: true,
      state: "NEEDS_REVIEW",
      reasonCode: "NO_TEXT_FOUND",
    });
    expect(byName["a.png"]!.recordIds).toHaveLength(1);
    expect(byName["b.png"]).toMatchObject({ state: "REJECTED", reasonCode: "CHECKSUM_MISMATCH" });
    expect(byName["c.png"]).toMatchObject({ state: "MISSING", reasonCode: "MISSING", recordIds: [] });
    expect(byName["not-in-manifest.png"]).toMatchObject({ expected: false, flags: ["UNEXPECTED"] });
    expect(report.complete).toBe(true);
    expect(report.batch.counts).toMatchObject({ MISSING: 1, REJECTED: 1, NEEDS_REVIEW: 2 });

    const csv = await stack.request<string>(`/batches/${batch.id}/report?format=csv`, { as });
    expect(csv.headers.get("content-type")).toContain("text/csv");
    expect(csv.body.split("\n")[0]).toBe(
      "name,expected,state,reasonCode,flags,recordIds,size,sha256,pages,reference,receivedAt,finishedAt",
    );
    expect(csv.body).toContain("c.png,true,MISSING,MISSING,,");
    expect(csv.body).toMatch(/not-in-manifest\.png,false,NEEDS_REVIEW,NO_TEXT_FOUND,UNEXPECTED,doc_/);

    // The completion is announced once, each file's record as it was filed or refused, with no file names
    // or content.
    const eventsOfBatch = () => {
      const file = join(inject("dataDir"), "events.ndjson");
      const lines = existsSync(file) ? readFileSync(file, "utf8").trim().split("\n") : [];
      return lines.map((l) => JSON.parse(l)).filter((e) => e.detail?.batchId === batch.id);
    };
    const completions = await until(() => {
      const found = eventsOfBatch().filter((e) => e.type === "batch.completed");
      return found.length > 0 ? found : undefined;
    });
    expect(completions).toHaveLength(1);
    expect(completions[0]).toMatchObject({ id: `batch.completed:${batch.id}` });
    const recordEvents = eventsOfBatch().filter((e) => e.type.startsWith("record."));
    const byRecord = new Map(recordEvents.map((e) => [e.detail.recordId, e.type]));
    for (const f of report.files.filter((f) => f.recordIds.length > 0)) {
      const expected = {
        REJECTED: "record.rejected",
        NEEDS_REVIEW: "record.needs-review",
        INDEXED: "record.indexed",
      };
      expect(byRecord.get(f.recordIds[0]), f.name).toBe(expected[f.state as keyof typeof expected]);
    }
    expect(new Set(recordEvents.map((e) => e.id)).size).toBe(recordEvents.length); // none twice
    expect(JSON.stringify(eventsOfBatch())).not.toMatch(/\.png/);

    // Page by page (DynamoDB cursors), every file once.
    const paged: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await stack.request<{ files: { name: string }[]; nextCursor?: string }>(
        `/batches/${batch.id}?limit=3${cursor ? `&cursor=${cursor}` : ""}`,
        { as },
      );
      expect(page.status).toBe(200);
      paged.push(...page.body.files.map((f) => f.name));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(paged).toEqual(["a.png", "b.png", "c.png", "not-in-manifest.png"]);

    // Another vendor cannot see it; the hospital's admin can.
    expect((await stack.request(`/batches/${batch.id}`, { as: vendor("it-other-vendor") })).status).toBe(404);
    const admin = { user: "it-admin", groups: ["admin" as const] };
    expect((await stack.request(`/batches/${batch.id}/report`, { as: admin })).status).toBe(200);
  });

  it("refuses a hostile manifest with a 400 that names the entry, not the name", async () => {
    const res = await stack.request<{ message: string }>("/batches", {
      as: vendor("it-batch-vendor"),
      method: "POST",
      body: {
        files: [
          { name: "ok.pdf", size: 1, sha256: "a".repeat(64) },
          { name: "../../zeta/x.pdf", size: 1, sha256: "b".repeat(64) },
        ],
      },
    });
    expect(res.status).toBe(400);
    expect(res.body.message).toBe("body.files.1.name: must not contain '.' or '..' segments");
  });

  it("delivers a folder with the CLI, and resumes an upload killed halfway without sending a file twice", async () => {
    const files: Record<string, Buffer> = {};
    // Padded so that uploading takes long enough to be interrupted.
    for (let i = 0; i < 24; i++)
      files[`chart-${String(i).padStart(2, "0")}.png`] = pngVariant(`it-resume-${i}`, 1_500_000);
    const folder = folderOf(files);
    const args = [
      "upload",
      folder,
      "--vendor",
      "it-cli-vendor",
      "--batch",
      "resumable",
      "--concurrency",
      "1",
    ];
    const first = runCli(args);
    const stateFile = join(inject("dataDir"), "uploads", "it-cli-vendor--resumable.json");
    await until(() => {
      if (!existsSync(stateFile)) return undefined;
      const state = JSON.parse(readFileSync(stateFile, "utf8")) as UploadState;
      return state.uploaded.length >= 3 ? true : undefined;
    }, 60_000);
    process.kill(first.pid, "SIGKILL");
    await first.done;
    const sentBefore = (JSON.parse(readFileSync(stateFile, "utf8")) as UploadState).uploaded.length;
    expect(sentBefore).toBeLessThan(24);

    const resumed = runCli([...args, "--resume", "--wait", "--json", "--timeout", "300"]);
    const { code, stdout } = await resumed.done;
    const report = JSON.parse(stdout) as BatchReport;
    expect(report.batch.status).toBe("COMPLETED");
    expect(report.files).toHaveLength(24);
    // Nothing was sent twice: a second upload of the same bytes would have filed a DUPLICATE record.
    expect(report.files.every((f) => f.state === "NEEDS_REVIEW" && f.recordIds.length === 1)).toBe(true);
    expect(report.batch.counts.DUPLICATE).toBe(0);
    expect(code).toBe(0);
  }, 420_000);
});
