/** The S3 adapter against the real local S3 server: what the SDK does with our request shapes. */
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
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

describe("S3ObjectStore.putStream and getStream", () => {
  /** `n` chunks of about 1 MiB each, numbered so that order and completeness show in the bytes. */
  async function* chunks(n: number, failAt?: number) {
    for (let i = 0; i < n; i++) {
      if (i === failAt) throw new Error("result page could not be fetched");
      yield `${String(i).padStart(6, "0")}:${"x".repeat(1024 * 1024)}\n`;
    }
  }
  const expected = (n: number) =>
    Array.from({ length: n }, (_, i) => `${String(i).padStart(6, "0")}:${"x".repeat(1024 * 1024)}\n`).join(
      "",
    );

  it("writes a body larger than one part as a multipart object, byte for byte, and streams it back", async () => {
    await store.putStream("results", "ocr/big/textract.json", chunks(20), "application/json");
    const back: Buffer[] = [];
    for await (const c of await store.getStream("results", "ocr/big/textract.json"))
      back.push(Buffer.from(c));
    const text = Buffer.concat(back).toString("utf8");
    expect(text.length).toBe(expected(20).length);
    expect(text === expected(20)).toBe(true);
  });

  it("writes a small body as one object", async () => {
    await store.putStream("results", "ocr/small/textract.json", chunks(1), "application/json");
    expect(await store.getText("results", "ocr/small/textract.json")).toBe(expected(1));
  });

  it("leaves no object and no unfinished upload when the body fails part-way", async () => {
    await expect(
      store.putStream("results", "ocr/failed/textract.json", chunks(20, 15), "application/json"),
    ).rejects.toThrow("result page could not be fetched");
    expect(await store.exists("results", "ocr/failed/textract.json")).toBe(false);
    // The local S3 keeps an unfinished multipart upload's parts under uploads/: aborted, it has none.
    expect(existsSync(join(dir, "uploads")) ? readdirSync(join(dir, "uploads")) : []).toEqual([]);
  });
});
