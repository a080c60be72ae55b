import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { HeadObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOCAL_S3_CREDENTIALS, LOCAL_S3_REGION } from "../../../../local/services/s3-local";
import { vendorS3Credentials } from "../../../../local/services/local-s3/credentials";
import { startTestS3, type TestS3 } from "./harness";

/** Debian's awscli (`.ci/run` installs it); an older `aws` may come first on PATH. */
const AWS = "/usr/bin/aws";
const BUCKET = "chartbridge-uploads";

let t: TestS3;
beforeAll(async () => {
  t = await startTestS3([BUCKET]);
});
afterAll(() => t.stop());

/** The aws CLI the way the README tells a vendor to run it: the documented keys in the environment. */
async function aws(...args: string[]): Promise<string> {
  return awsAs(LOCAL_S3_CREDENTIALS, ...args);
}

async function awsAs(
  keys: { accessKeyId: string; secretAccessKey: string },
  ...args: string[]
): Promise<string> {
  const { stdout } = await promisify(execFile)(AWS, ["--endpoint-url", t.local.endpoint, ...args], {
    env: {
      PATH: process.env.PATH,
      HOME: t.parent,
      AWS_ACCESS_KEY_ID: keys.accessKeyId,
      AWS_SECRET_ACCESS_KEY: keys.secretAccessKey,
      AWS_DEFAULT_REGION: LOCAL_S3_REGION,
    },
  });
  return stdout;
}

describe("aws CLI against the local S3", () => {
  it("uploads a 9 MB scan with s3 cp (multipart), lists it with s3 ls and downloads the same bytes", async () => {
    const file = join(t.parent, "scan.pdf");
    const bytes = randomBytes(9 * 1024 * 1024);
    writeFileSync(file, bytes);

    await aws("s3", "cp", "--no-progress", file, `s3://${BUCKET}/vendor a/batch 1/`);

    expect(await aws("s3", "ls", "--recursive", `s3://${BUCKET}/`)).toMatch(
      / 9437184 vendor a\/batch 1\/scan\.pdf\n$/,
    );
    expect(await aws("s3", "ls", `s3://${BUCKET}/`)).toContain("PRE vendor a/");
    const head = await t.s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: "vendor a/batch 1/scan.pdf" }));
    expect(head.ETag).toMatch(/^"[0-9a-f]{32}-2"$/);
    expect(t.events.map((e) => [e.Records[0]!.eventName, e.Records[0]!.s3.object.key])).toEqual([
      ["ObjectCreated:CompleteMultipartUpload", "vendor+a/batch+1/scan.pdf"],
    ]);

    const back = join(t.parent, "back.pdf");
    await aws("s3", "cp", "--no-progress", `s3://${BUCKET}/vendor a/batch 1/scan.pdf`, back);
    expect(readFileSync(back).equals(bytes)).toBe(true);
  }, 120_000);

  it("confines a vendor's keys to uploads under the vendor's own prefix, as its IAM policy does in AWS", async () => {
    const acme = vendorS3Credentials("acme");
    const file = join(t.parent, "chart.pdf");
    writeFileSync(file, randomBytes(2048));
    await awsAs(acme, "s3", "cp", "--no-progress", file, `s3://${BUCKET}/acme/box-1/chart.pdf`);
    const head = await t.s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: "acme/box-1/chart.pdf" }));
    expect(head.ContentLength).toBe(2048);

    const refused = (args: string[]) =>
      awsAs(acme, ...args).then(
        () => "allowed",
        (err: { stderr?: string }) => err.stderr ?? "",
      );
    // Another vendor's prefix, the bucket root, reading back, listing, copying out of another prefix.
    expect(
      await refused(["s3", "cp", "--no-progress", file, `s3://${BUCKET}/zenith/box-1/chart.pdf`]),
    ).toContain("AccessDenied");
    expect(await refused(["s3", "cp", "--no-progress", file, `s3://${BUCKET}/chart.pdf`])).toContain(
      "AccessDenied",
    );
    expect(
      await refused([
        "s3",
        "cp",
        "--no-progress",
        `s3://${BUCKET}/acme/box-1/chart.pdf`,
        join(t.parent, "x"),
      ]),
    ).toMatch(/403|AccessDenied|Forbidden/);
    expect(await refused(["s3", "ls", `s3://${BUCKET}/acme/`])).toContain("AccessDenied");
    expect(
      await refused([
        "s3api",
        "copy-object",
        "--bucket",
        BUCKET,
        "--key",
        "acme/copy.pdf",
        "--copy-source",
        `${BUCKET}/vendor a/batch 1/scan.pdf`,
      ]),
    ).toContain("AccessDenied");
  }, 120_000);
});
