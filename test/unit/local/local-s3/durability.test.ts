import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { Readable } from "node:stream";
import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  PutObjectCommand,
} from "@aws-sdk/client-s3";
import { afterEach, describe, expect, it } from "vitest";
import { startS3Local } from "../../../../local/services/s3-local";
import { clientFor, filesUnder, startTestS3 } from "./harness";

const BUCKET = "chartbridge-uploads";
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

describe("persistence", () => {
  it("keeps buckets, objects and every version across a stop and a start", async () => {
    const t = await startTestS3();
    cleanups.push(() => t.stop());
    await t.s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    const v1 = await t.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "../a b", Body: "first" }));
    const v2 = await t.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "../a b", Body: "second" }));

    await t.restart();

    const first = await t.s3.send(
      new GetObjectCommand({ Bucket: BUCKET, Key: "../a b", VersionId: v1.VersionId }),
    );
    expect(await first.Body!.transformToString()).toBe("first");
    const current = await t.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: "../a b" }));
    expect([await current.Body!.transformToString(), current.VersionId, current.ETag]).toEqual([
      "second",
      v2.VersionId,
      v2.ETag,
    ]);
    // New versions after a restart still sort as newest.
    const v3 = await t.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "../a b", Body: "third" }));
    const versions = await t.s3.send(new ListObjectVersionsCommand({ Bucket: BUCKET }));
    expect(versions.Versions?.map((v) => v.VersionId)).toEqual([v3.VersionId, v2.VersionId, v1.VersionId]);
  });
});

function startChild(directory: string): Promise<{ child: ChildProcess; endpoint: string }> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", join(import.meta.dirname, "child-server.ts"), directory],
    {
      stdio: ["ignore", "pipe", "inherit"],
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
    },
  );
  return new Promise((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`child exited with ${code}`)));
    createInterface({ input: child.stdout! }).once("line", (line) => {
      resolve({ child, endpoint: (JSON.parse(line) as { endpoint: string }).endpoint });
    });
  });
}

/** Files holding at least half a MiB: only the interrupted upload's bytes are that large here. */
function partialFiles(directory: string): string[] {
  return filesUnder(directory).filter((f) => statSync(join(directory, f)).size >= 512 * 1024);
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !check(); i++) await new Promise((r) => setTimeout(r, 25));
  if (!check()) throw new Error("condition not reached");
}

describe("a crash mid-PUT", () => {
  it("leaves no half object, and the server restarts clean on the same data", async () => {
    const directory = join(mkdtempSync(join(tmpdir(), "local-s3-kill-")), "data");
    cleanups.push(() => rmSync(join(directory, ".."), { recursive: true, force: true }));
    const { child, endpoint } = await startChild(directory);
    cleanups.push(() => void child.kill("SIGKILL"));
    const s3 = clientFor(endpoint);
    cleanups.push(() => s3.destroy());
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "complete.pdf", Body: "whole" }));

    // A 10 MiB upload whose body stops after 1 MiB: the server is killed while it is receiving it.
    const total = 10 * 1024 * 1024;
    const body = new Readable({ read() {} });
    body.push(Buffer.alloc(1024 * 1024, 9));
    const put = s3
      .send(new PutObjectCommand({ Bucket: BUCKET, Key: "half.pdf", Body: body, ContentLength: total }))
      .catch((err: Error) => err);
    // Some of the body has reached the disk, wherever the server keeps it.
    const receiving = () => partialFiles(directory).length > 0;
    await until(receiving);
    child.kill("SIGKILL");
    await new Promise((r) => child.once("exit", r));
    expect(await put).toBeInstanceOf(Error);
    body.destroy();

    const local = await startS3Local({ directory, port: 0 });
    cleanups.push(() => local.stop());
    const after = clientFor(local.endpoint);
    cleanups.push(() => after.destroy());
    const missing = await after
      .send(new HeadObjectCommand({ Bucket: BUCKET, Key: "half.pdf" }))
      .catch((e: Error) => e);
    expect((missing as Error).name).toBe("NotFound");
    const listed = await after.send(new ListObjectsV2Command({ Bucket: BUCKET }));
    expect(listed.Contents?.map((c) => c.Key)).toEqual(["complete.pdf"]);
    const whole = await after.send(new GetObjectCommand({ Bucket: BUCKET, Key: "complete.pdf" }));
    expect(await whole.Body!.transformToString()).toBe("whole");
    // Nothing of the half-received body is left on disk.
    expect(partialFiles(directory)).toEqual([]);
  });
});
