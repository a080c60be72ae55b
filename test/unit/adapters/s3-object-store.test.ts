import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { GetObjectCommand, NoSuchKey, S3Client } from "@aws-sdk/client-s3";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { S3ObjectStore } from "../../../shared/adapters/s3/object-store";
import { ObjectNotFoundError } from "../../../shared/errors";

const s3 = mockClient(S3Client);
const store = new S3ObjectStore(new S3Client({ region: "us-east-1" }));
const body = (...chunks: Buffer[]) => Readable.from(chunks) as never;
const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

let dir: string;
beforeEach(() => {
  s3.reset();
  dir = mkdtempSync(join(tmpdir(), "object-store-test-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("S3ObjectStore.download", () => {
  it("writes the object to a temporary file with its hash, and dispose removes it", async () => {
    const bytes = [Buffer.alloc(70_000, 1), Buffer.alloc(30_000, 2)];
    s3.on(GetObjectCommand).resolves({ Body: body(...bytes), ETag: '"e1"', VersionId: "v1" });
    const object = await store.download("uploads", "a.pdf", { versionId: "v1", dir });
    const whole = Buffer.concat(bytes);
    expect(object).toMatchObject({
      size: whole.length,
      sha256: sha256(whole),
      versionId: "v1",
      etag: '"e1"',
    });
    expect(object.truncatedAt).toBeUndefined();
    expect(readFileSync(object.path).equals(whole)).toBe(true);
    expect(s3.commandCalls(GetObjectCommand)[0]!.args[0].input).toMatchObject({ VersionId: "v1" });
    await object.dispose();
    await object.dispose();
    expect(readdirSync(dir)).toEqual([]);
  });

  it("stops reading past maxBytes and reports where it stopped", async () => {
    s3.on(GetObjectCommand).resolves({ Body: body(Buffer.alloc(600), Buffer.alloc(600), Buffer.alloc(600)) });
    const object = await store.download("uploads", "big.tif", { maxBytes: 1000, dir });
    expect(object.truncatedAt).toBe(1200);
    expect(object.size).toBe(1200);
    expect(readFileSync(object.path).length).toBeLessThanOrEqual(1000);
    await object.dispose();
  });

  it("leaves nothing behind when the object is missing or the stream breaks", async () => {
    s3.on(GetObjectCommand).rejects(new NoSuchKey({ message: "gone", $metadata: {} }));
    await expect(store.download("uploads", "gone.pdf", { dir })).rejects.toBeInstanceOf(ObjectNotFoundError);
    const broken = new Readable({
      read() {
        this.push(Buffer.alloc(1000));
        this.destroy(new Error("connection reset"));
      },
    });
    s3.on(GetObjectCommand).resolves({ Body: broken as never });
    await expect(store.download("uploads", "a.pdf", { dir })).rejects.toThrow("connection reset");
    expect(readdirSync(dir)).toEqual([]);
  });

  it("removes download folders left by processes that died mid-download", async () => {
    const sandbox = mkdtempSync(join(tmpdir(), "object-store-sweep-"));
    try {
      const deadPid = 2 ** 22 + 17; // above Linux's pid_max: no process has it
      mkdirSync(join(sandbox, `chartbridge-download-${deadPid}-abc123`));
      mkdirSync(join(sandbox, `chartbridge-download-${process.ppid}-def456`));
      mkdirSync(join(sandbox, "unrelated"));
      s3.on(GetObjectCommand).resolves({ Body: body(Buffer.from("x")) });
      const object = await store.download("uploads", "a.pdf", { dir: sandbox });
      await object.dispose();
      expect(readdirSync(sandbox).sort()).toEqual([
        `chartbridge-download-${process.ppid}-def456`,
        "unrelated",
      ]);
    } finally {
      rmSync(sandbox, { recursive: true, force: true });
    }
  });
});

describe("S3ObjectStore.getBytes", () => {
  it("reads the whole object into memory", async () => {
    s3.on(GetObjectCommand).resolves({ Body: body(Buffer.from("ab"), Buffer.from("cd")) });
    expect((await store.getBytes("results", "x.json")).toString()).toBe("abcd");
  });
});
