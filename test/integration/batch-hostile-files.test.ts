/**
 * What the world sends, through the vendor batch path: zero-byte, wrong type, truncated, encrypted, too many
 * pages, decompression bombs and an image whose resolution tag is wrong. Each file ends in a final state with
 * a specific reason in the reconciliation report, and the stack stays healthy for the next delivery.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import * as mupdf from "mupdf";
import { afterAll, describe, expect, inject, it } from "vitest";
import type { BatchReport } from "../../local/cli/batch-upload/batch-client";
import { badFiles, smallPdf } from "../../samples/generator/bad-files";
import { jpegBomb, pdfWithPages, pngBomb, tiffBomb } from "../unit/intake/bomb-files";
import { pngVariant } from "../support/png-variants";
import { stackClient } from "./stack-client";

const CLI = fileURLToPath(new URL("../../bin/chartbridge.js", import.meta.url));
const folder = mkdtempSync(join(tmpdir(), "chartbridge-hostile-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function upload(
  dir: string,
  batch: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(
    process.execPath,
    [
      CLI,
      "upload",
      dir,
      "--vendor",
      "it-hostile",
      "--batch",
      batch,
      "--wait",
      "--json",
      "--timeout",
      "300",
      "--data-dir",
      inject("dataDir"),
    ],
    { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env } },
  );
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.once("exit", (code) => resolve({ code, stdout, stderr })));
}

/** A clean page rendered to PNG, then tagged 72 dpi although it was scanned at 300 (scanner software does this). */
function wrongDpiPng(): Uint8Array {
  const doc = mupdf.Document.openDocument(smallPdf(11), "application/pdf");
  const page = doc.loadPage(0);
  const pixmap = page.toPixmap(mupdf.Matrix.scale(300 / 72, 300 / 72), mupdf.ColorSpace.DeviceGray, false);
  pixmap.setResolution(72, 72);
  const png = pixmap.asPNG();
  pixmap.destroy();
  page.destroy();
  doc.destroy();
  return png;
}

describe("hostile files through the batch path", () => {
  it("ends every file in a final state with its reason, and the stack takes the next delivery", async () => {
    const expected: Record<string, { state: string; reasonCode?: string }> = {};
    for (const bad of badFiles()) {
      writeFileSync(join(folder, bad.name), bad.bytes);
      expected[bad.name] = { state: "REJECTED", reasonCode: bad.expected };
    }
    const files: [string, Uint8Array, { state: string; reasonCode?: string }][] = [
      [
        "3001-pages.pdf",
        pdfWithPages(Array.from({ length: 3001 }, () => ({ width: 612, height: 792 }))),
        { state: "REJECTED", reasonCode: "TOO_MANY_PAGES" },
      ],
      // Tiny files that claim 65,000 × 65,000 pixels: refused from their headers, never decoded.
      ["bomb.png", pngBomb(), { state: "REJECTED", reasonCode: "IMAGE_TOO_LARGE" }],
      ["bomb.jpg", jpegBomb(), { state: "REJECTED", reasonCode: "IMAGE_TOO_LARGE" }],
      ["bomb.tif", tiffBomb(), { state: "REJECTED", reasonCode: "IMAGE_TOO_LARGE" }],
      ["tagged-72dpi.png", wrongDpiPng(), { state: "(processed)" }],
    ];
    for (const [name, bytes, outcome] of files) {
      writeFileSync(join(folder, name), bytes);
      expected[name] = outcome;
    }

    const { code, stdout } = await upload(folder, "hostile-1");
    const report = JSON.parse(stdout) as BatchReport;
    expect(report.batch.status).toBe("COMPLETED");
    expect(report.files.map((f) => f.name).sort()).toEqual(Object.keys(expected).sort());
    for (const file of report.files) {
      const want = expected[file.name]!;
      if (want.state === "(processed)") expect(file.state, file.name).toMatch(/^(INDEXED|NEEDS_REVIEW)$/);
      else expect({ state: file.state, reasonCode: file.reasonCode }, file.name).toEqual(want);
    }
    // Something was REJECTED: the delivery does not pass.
    expect(code).toBe(1);

    const stack = stackClient();
    const health = await stack.get<{ status: string; deadLetters: number }>("/health");
    expect(health.body).toMatchObject({ status: "ok", deadLetters: 0 });
    const next = mkdtempSync(join(tmpdir(), "chartbridge-next-"));
    writeFileSync(join(next, "fine.png"), pngVariant("after-hostile"));
    const after = await upload(next, "after-hostile");
    rmSync(next, { recursive: true, force: true });
    expect((JSON.parse(after.stdout) as BatchReport).files[0]).toMatchObject({
      name: "fine.png",
      state: "NEEDS_REVIEW",
    });
    expect(after.code).toBe(0);
  }, 420_000);
});
