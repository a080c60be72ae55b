/** The S3 adapter against the real local S3 server: what the SDK does with our request shapes. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ensureBuckets, startS3Local, type S3Local } from "../../../local/services/s3-local";
import { S3ObjectStore } from "../../../shared/adapters/s3/object-store";
import { createS3Client } from "../../../shared/adapters/s3/s3-client";

let server: S3Local;
let store: S3ObjectStore;
const dir = mkdtempSync(join(tmpdir(), "object-store-local-"));

beforeAll(async () => {
  server = await startS3Local({ directory: dir, port: 0 });
  const s3 = createS3Client({ AWS_REGION: "us-east-1", S3_ENDPOINT: server.endpoint });
  await ensureBuckets(s3, ["results"]);
  store = new S3ObjectStore(s3);
});
afterAll(async () => {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("S3ObjectStore.putText", () => {
  it("writes an empty OCR text (a blank page) without the SDK's unknown-length warning", async () => {
    const warn = vi.spyOn(console, "warn");
    await store.putText("results", "ocr/doc/text.txt", "");
    expect(await store.getText("results", "ocr/doc/text.txt")).toBe("");
    expect(warn).not.toHaveBeenCalled();
    warn.mockRestore();
  });

  it("round-trips UTF-8 text byte for byte", async () => {
    await store.putText("results", "ocr/doc/utf8.txt", "Zoë Ñúñez — 5 mg");
    expect(await store.getText("results", "ocr/doc/utf8.txt")).toBe("Zoë Ñúñez — 5 mg");
  });
});
