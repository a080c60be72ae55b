import { createHash } from "node:crypto";
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOCAL_S3_CREDENTIALS } from "../../../../local/services/s3-local";
import { filesUnder, localSigner, startTestS3, type TestS3 } from "./harness";

const BUCKET = "chartbridge-uploads";
const OTHER = "chartbridge-results";

async function s3Error(promise: Promise<unknown>): Promise<S3ServiceException> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof S3ServiceException) return err;
    throw err;
  }
  throw new Error("expected the request to fail");
}

async function text(s3: S3Client, Key: string, VersionId?: string, Bucket = BUCKET): Promise<string> {
  const out = await s3.send(new GetObjectCommand({ Bucket, Key, VersionId }));
  return out.Body!.transformToString();
}

/** A raw HTTP exchange, for what the SDK would never send. */
function raw(endpoint: string, path: string, method = "GET"): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${endpoint}${path}`, { method }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => (body += d));
      res.on("end", () => resolve({ status: res.statusCode!, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

let t: TestS3;
beforeAll(async () => {
  t = await startTestS3([BUCKET, OTHER]);
});
afterAll(() => t.stop());

describe("versions (buckets behave as versioning-Enabled)", () => {
  it("keeps the first upload readable by its versionId after the same key is uploaded again", async () => {
    const Key = "vendor-a/batch-1/scan.pdf";
    const first = await t.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body: "patient one" }));
    const second = await t.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body: "patient two" }));
    expect(first.VersionId).toBeTruthy();
    expect(second.VersionId).not.toBe(first.VersionId);

    expect(await text(t.s3, Key, first.VersionId)).toBe("patient one");
    expect(await text(t.s3, Key, second.VersionId)).toBe("patient two");
    expect(await text(t.s3, Key)).toBe("patient two");
    const head = await t.s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key, VersionId: first.VersionId }));
    expect(head.ContentLength).toBe("patient one".length);

    const listed = await t.s3.send(new ListObjectVersionsCommand({ Bucket: BUCKET, Prefix: Key }));
    expect(listed.Versions?.map((v) => [v.VersionId, v.IsLatest])).toEqual([
      [second.VersionId, true],
      [first.VersionId, false],
    ]);
  });

  it("answers Enabled to GetBucketVersioning", async () => {
    const out = await t.s3.send(new GetBucketVersioningCommand({ Bucket: BUCKET }));
    expect(out.Status).toBe("Enabled");
  });

  it("hides a deleted key behind a delete marker and keeps its versions", async () => {
    const Key = "to-delete.txt";
    const put = await t.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body: "kept" }));
    const del = await t.s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key }));
    expect(del.DeleteMarker).toBe(true);
    expect((await s3Error(text(t.s3, Key))).name).toBe("NoSuchKey");
    expect(await text(t.s3, Key, put.VersionId)).toBe("kept");
    const listed = await t.s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: Key }));
    expect(listed.KeyCount).toBe(0);

    // Deleting the marker by its versionId brings the object back; deleting the version removes it for good.
    await t.s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key, VersionId: del.VersionId }));
    expect(await text(t.s3, Key)).toBe("kept");
    await t.s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key, VersionId: put.VersionId }));
    expect((await s3Error(text(t.s3, Key, put.VersionId))).name).toBe("NoSuchVersion");
  });

  it("refuses a malformed versionId with InvalidArgument and an unknown one with NoSuchVersion", async () => {
    await t.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "v.txt", Body: "v" }));
    const bad = await s3Error(text(t.s3, "v.txt", "../../etc/passwd"));
    expect([bad.name, bad.$metadata.httpStatusCode]).toEqual(["InvalidArgument", 400]);
    const unknown = await s3Error(text(t.s3, "v.txt", "AAAAAAAAAAAAAAAAAAAAAAAA"));
    expect([unknown.name, unknown.$metadata.httpStatusCode]).toEqual(["NoSuchVersion", 404]);
  });
});

describe("keys are opaque", () => {
  const tricky = [
    "../escape.txt",
    "../../chartbridge-results/planted.json",
    "a/../b",
    "b",
    "./c",
    "c",
    "a//b",
    "..",
    "%2e%2e/literally percent",
    "Jane Doe +1 ü 漢字 😀.pdf",
  ];

  it("stores and reads back keys with ../, ./ and // exactly, without aliasing or escaping the bucket", async () => {
    const before = readdirSync(t.parent);
    for (const Key of tricky)
      await t.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body: `body of ${Key}` }));
    for (const Key of tricky) expect(await text(t.s3, Key)).toBe(`body of ${Key}`);

    const listed = await t.s3.send(new ListObjectsV2Command({ Bucket: BUCKET }));
    for (const Key of tricky) expect(listed.Contents?.map((c) => c.Key)).toContain(Key);
    const other = await t.s3.send(new ListObjectsV2Command({ Bucket: OTHER }));
    expect(other.KeyCount).toBe(0);
    expect(readdirSync(t.parent)).toEqual(before);
    for (const file of filesUnder(t.directory)) expect(file).not.toMatch(/escape|planted|\.\.|Jane/);
  });

  it("accepts a 1,024-byte key with a 300-byte segment and refuses 1,025 bytes with KeyTooLongError", async () => {
    const segment = "s".repeat(300);
    const Key = `${segment}/${"k".repeat(1024 - 301)}`;
    expect(Buffer.byteLength(Key)).toBe(1024);
    await t.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body: "long" }));
    expect(await text(t.s3, Key)).toBe("long");
    const multiByte = "é".repeat(512); // 1,024 bytes of UTF-8
    await t.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: multiByte, Body: "utf8" }));
    expect(await text(t.s3, multiByte)).toBe("utf8");

    const tooLong = await s3Error(
      t.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `${Key}x`, Body: "x" })),
    );
    expect([tooLong.name, tooLong.$metadata.httpStatusCode]).toEqual(["KeyTooLongError", 400]);
    // Still serving.
    expect(await text(t.s3, Key)).toBe("long");
  });

  it("answers a malformed escape with InvalidURI and keeps serving", async () => {
    const res = await raw(t.local.endpoint, `/${BUCKET}/%ZZ`);
    expect(res.status).toBe(400);
    expect(res.body).toContain("<Code>InvalidURI</Code>");
    expect(await text(t.s3, "b")).toBe("body of b");
  });
});

describe("S3's answers", () => {
  it("answers NoSuchKey and NoSuchBucket with S3's error document, without repeating the key", async () => {
    const Key = "MRN-004512 Jane Doe.pdf";
    const missing = await s3Error(text(t.s3, Key));
    expect([missing.name, missing.$metadata.httpStatusCode]).toEqual(["NoSuchKey", 404]);
    const noBucket = await s3Error(t.s3.send(new GetObjectCommand({ Bucket: "no-such-bucket", Key })));
    expect([noBucket.name, noBucket.$metadata.httpStatusCode]).toEqual(["NoSuchBucket", 404]);
    const headMissing = await s3Error(t.s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key })));
    expect(headMissing.$metadata.httpStatusCode).toBe(404);

    const signedUrl = await presignedGet(t.local.endpoint, Key);
    const res = await raw(t.local.endpoint, signedUrl);
    expect(res.status).toBe(404);
    expect(res.body).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\s*<Error><Code>NoSuchKey<\/Code><Message>/,
    );
    expect(res.body).not.toContain("MRN");
    expect(res.body).not.toContain("Jane");
  });

  it("refuses invalid bucket names", async () => {
    for (const Bucket of ["ab", "Upper-Case", "bad..dots", "192.168.1.1", "-leading"]) {
      const err = await s3Error(t.s3.send(new CreateBucketCommand({ Bucket })));
      expect(err.name).toBe("InvalidBucketName");
    }
    const buckets = await t.s3.send(new ListBucketsCommand({}));
    expect(buckets.Buckets?.map((b) => b.Name)).toEqual([OTHER, BUCKET]);
  });

  it("round-trips Content-Type, user metadata and ranges", async () => {
    const Key = "meta.txt";
    await t.s3.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key,
        Body: "0123456789",
        ContentType: "text/plain; charset=utf-8",
        ContentDisposition: "inline",
        Metadata: { vendor: "acme", batch: "b-7" },
      }),
    );
    const head = await t.s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key }));
    expect(head.ContentType).toBe("text/plain; charset=utf-8");
    expect(head.ContentDisposition).toBe("inline");
    expect(head.Metadata).toEqual({ vendor: "acme", batch: "b-7" });
    expect(head.ETag).toBe(`"${createHash("md5").update("0123456789").digest("hex")}"`);
    const range = await t.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key, Range: "bytes=2-4" }));
    expect(await range.Body!.transformToString()).toBe("234");
    expect(range.ContentRange).toBe("bytes 2-4/10");
    const suffix = await t.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key, Range: "bytes=-3" }));
    expect(await suffix.Body!.transformToString()).toBe("789");
    const outside = await s3Error(
      t.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key, Range: "bytes=20-" })),
    );
    expect(outside.name).toBe("InvalidRange");
  });

  it("stores the payload of aws-chunked streamed uploads, not their framing, and verifies their checksum", async () => {
    const Key = "streamed.bin";
    const payload = Buffer.alloc(6 * 1024 * 1024 + 7, 7);
    const { Readable } = await import("node:stream");
    const put = await t.s3.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key,
        Body: Readable.from([payload]),
        ContentLength: payload.length,
      }),
    );
    expect(put.ChecksumCRC32).toBeTruthy();
    const got = await t.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key, ChecksumMode: "ENABLED" }));
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(payload)).toBe(true);
    expect(got.ChecksumCRC32).toBe(put.ChecksumCRC32);
  });

  it("refuses a body whose Content-MD5 or x-amz-checksum does not match, and stores nothing", async () => {
    const Key = "corrupt.txt";
    const wrongMd5 = createHash("md5").update("other").digest("base64");
    const md5 = await s3Error(
      t.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body: "content", ContentMD5: wrongMd5 })),
    );
    expect(md5.name).toBe("BadDigest");
    const wrongSha = createHash("sha256").update("other").digest("base64");
    const sha = await s3Error(
      t.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body: "content", ChecksumSHA256: wrongSha })),
    );
    expect(sha.name).toBe("BadDigest");
    expect((await s3Error(text(t.s3, Key))).name).toBe("NoSuchKey");
    const rightSha = createHash("sha256").update("content").digest("base64");
    await t.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body: "content", ChecksumSHA256: rightSha }));
    expect(await text(t.s3, Key)).toBe("content");
  });

  it("copies an object version into a new version", async () => {
    const v1 = await t.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "src", Body: "one" }));
    await t.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "src", Body: "two" }));
    const copy = await t.s3.send(
      new CopyObjectCommand({
        Bucket: OTHER,
        Key: "dst",
        CopySource: `${BUCKET}/src?versionId=${v1.VersionId}`,
      }),
    );
    expect(copy.CopySourceVersionId).toBe(v1.VersionId);
    expect(await text(t.s3, "dst", undefined, OTHER)).toBe("one");
  });

  it("answers an unexpected failure with InternalError naming neither the key nor a path", async () => {
    const Key = "MRN-777 lost blob.pdf";
    await t.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body: "soon gone" }));
    const blobs = filesUnder(t.directory).filter((f) => f.includes("blobs"));
    // Remove every blob behind the server's back: reads now fail in the filesystem.
    const saved = blobs.map((f) => [f, readFileSync(join(t.directory, f))] as const);
    for (const f of blobs) rmSync(join(t.directory, f));
    try {
      const res = await raw(t.local.endpoint, await presignedGet(t.local.endpoint, Key));
      expect(res.status).toBe(500);
      expect(res.body).toContain("<Code>InternalError</Code>");
      expect(res.body).not.toMatch(/MRN|lost|blobs|\.bin|\/tmp/);
      expect(t.internalErrors.at(-1)).toBe("Error ENOENT");
    } finally {
      const { writeFileSync } = await import("node:fs");
      for (const [f, bytes] of saved) writeFileSync(join(t.directory, f), bytes);
    }
    expect(await text(t.s3, Key)).toBe("soon gone");
  });
});

describe("credentials", () => {
  it("accepts the documented pair and refuses others with S3's codes", async () => {
    const client = (accessKeyId: string, secretAccessKey: string) =>
      new S3Client({
        region: "us-east-1",
        endpoint: t.local.endpoint,
        forcePathStyle: true,
        credentials: { accessKeyId, secretAccessKey },
      });
    const good = client(LOCAL_S3_CREDENTIALS.accessKeyId, LOCAL_S3_CREDENTIALS.secretAccessKey);
    expect((await good.send(new ListBucketsCommand({}))).Buckets?.length).toBe(2);
    const wrongKey = await s3Error(client("S3RVER", "S3RVER").send(new ListBucketsCommand({})));
    expect([wrongKey.name, wrongKey.$metadata.httpStatusCode]).toEqual(["InvalidAccessKeyId", 403]);
    const wrongSecret = await s3Error(
      client(LOCAL_S3_CREDENTIALS.accessKeyId, "not-the-secret").send(
        new PutObjectCommand({ Bucket: BUCKET, Key: "x", Body: "x" }),
      ),
    );
    expect([wrongSecret.name, wrongSecret.$metadata.httpStatusCode]).toEqual(["SignatureDoesNotMatch", 403]);
    const anonymous = await raw(t.local.endpoint, `/${BUCKET}/b`);
    expect(anonymous.status).toBe(403);
    expect(anonymous.body).toContain("<Code>AccessDenied</Code>");
    for (const c of [good]) c.destroy();
  });

  it("accepts a presigned URL and refuses it once tampered with", async () => {
    const url = await presignedGet(t.local.endpoint, "b");
    expect((await raw(t.local.endpoint, url)).body).toBe("body of b");
    const tampered = url.replace(`/${BUCKET}/b?`, `/${BUCKET}/c?`);
    expect((await raw(t.local.endpoint, tampered)).body).toContain("<Code>SignatureDoesNotMatch</Code>");
  });
});

/** Uploads `bodies` as parts 1..n of the upload; returns the command that completes it with their ETags. */
async function uploadParts(
  Key: string,
  UploadId: string,
  bodies: (string | Buffer)[],
): Promise<CompleteMultipartUploadCommand> {
  const Parts = [];
  for (const [i, Body] of bodies.entries()) {
    const PartNumber = i + 1;
    const { ETag } = await t.s3.send(
      new UploadPartCommand({ Bucket: BUCKET, Key, UploadId, PartNumber, Body }),
    );
    Parts.push({ PartNumber, ETag });
  }
  return new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key, UploadId, MultipartUpload: { Parts } });
}

describe("multipart uploads", () => {
  it("assembles parts into one version with S3's md5-of-md5s ETag and announces it", async () => {
    const Key = "big/scan.tiff";
    const part1 = Buffer.alloc(5 * 1024 * 1024, 1);
    const part2 = Buffer.from("tail");
    const { UploadId } = await t.s3.send(
      new CreateMultipartUploadCommand({ Bucket: BUCKET, Key, ContentType: "image/tiff" }),
    );
    const done = await t.s3.send(await uploadParts(Key, UploadId!, [part1, part2]));
    const md5 = (b: Buffer) => createHash("md5").update(b).digest();
    expect(done.ETag).toBe(
      `"${createHash("md5")
        .update(Buffer.concat([md5(part1), md5(part2)]))
        .digest("hex")}-2"`,
    );
    expect(done.VersionId).toBeTruthy();
    const got = await t.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key }));
    expect(got.ContentType).toBe("image/tiff");
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(Buffer.concat([part1, part2]))).toBe(
      true,
    );

    const event = t.events.find((e) => e.Records[0]!.eventName === "ObjectCreated:CompleteMultipartUpload");
    expect(event?.Records[0]!.s3.object).toMatchObject({
      key: "big/scan.tiff",
      size: part1.length + part2.length,
      versionId: done.VersionId,
    });
  });

  it("refuses a small middle part and forgets an aborted upload", async () => {
    const Key = "small-parts";
    const { UploadId } = await t.s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key }));
    const small = await s3Error(t.s3.send(await uploadParts(Key, UploadId!, ["a", "b"])));
    expect(small.name).toBe("EntityTooSmall");
    await t.s3.send(new AbortMultipartUploadCommand({ Bucket: BUCKET, Key, UploadId }));
    const gone = await s3Error(
      t.s3.send(new UploadPartCommand({ Bucket: BUCKET, Key, UploadId, PartNumber: 3, Body: "c" })),
    );
    expect(gone.name).toBe("NoSuchUpload");
  });
});

describe("notifications", () => {
  it("emits ObjectCreated:Put with the key URL-encoded like S3, size, eTag, versionId and a sequencer", async () => {
    const Key = "vendor a/Jane+Doe.pdf";
    const put = await t.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body: "pdf" }));
    const record = t.events.at(-1)!.Records[0]!;
    expect(record.eventName).toBe("ObjectCreated:Put");
    expect(record.s3.bucket.name).toBe(BUCKET);
    expect(record.s3.object).toMatchObject({
      key: "vendor+a/Jane%2BDoe.pdf",
      size: 3,
      eTag: put.ETag!.replace(/"/g, ""),
      versionId: put.VersionId,
    });
    expect(record.s3.object.sequencer).toMatch(/^[0-9A-F]{16}$/);
  });
});

async function presignedGet(endpoint: string, key: string): Promise<string> {
  const url = new URL(endpoint);
  const signer = localSigner();
  const path = `/${BUCKET}/${key.split("/").map(encodeURIComponent).join("/")}`;
  // As @aws-sdk/s3-request-presigner does: the payload is UNSIGNED-PAYLOAD, and that header is not signed.
  const unsigned = new Set(["x-amz-content-sha256"]);
  const signed = await signer.presign(
    {
      method: "GET",
      protocol: "http:",
      hostname: url.hostname,
      port: Number(url.port),
      path,
      query: {},
      headers: { host: url.host, "x-amz-content-sha256": "UNSIGNED-PAYLOAD" },
    },
    { unsignableHeaders: unsigned, unhoistableHeaders: unsigned },
  );
  const query = Object.entries(signed.query ?? {})
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
    .join("&");
  return `${path}?${query}`;
}
