import { createHash } from "node:crypto";
import { MAX_PUT_BYTES, readSmallBody, receiveBody } from "./body";
import { S3Errors } from "./errors";
import { objectCreatedEvent } from "./events";
import { sendEmpty, sendXml, type S3Request } from "./http";
import { checkKey } from "./names";
import { storedAttributes } from "./objects";
import { parseXml } from "./xml";

const MIN_PART_BYTES = 5 * 1024 * 1024;
const MAX_PARTS = 10_000;

export async function createMultipartUpload(r: S3Request): Promise<void> {
  checkKey(r.key);
  const upload = await r.store.createUpload(r.bucket, r.key, storedAttributes(r.req.headers));
  sendXml(r.res, 200, "InitiateMultipartUploadResult", {
    Bucket: r.bucket,
    Key: r.key,
    UploadId: upload.uploadId,
  });
}

function parsePartNumber(raw: string | null): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw ?? "") || n < 1 || n > MAX_PARTS) {
    throw S3Errors.invalidArgument("Part number must be an integer between 1 and 10000, inclusive");
  }
  return n;
}

export async function uploadPart(r: S3Request, uploadId: string): Promise<void> {
  checkKey(r.key);
  const partNumber = parsePartNumber(r.query.get("partNumber"));
  const upload = r.store.upload(r.bucket, r.key, uploadId);
  const temp = r.store.tempPath();
  try {
    const body = await receiveBody(r.req, temp, { ...r.auth, maxBytes: MAX_PUT_BYTES });
    const etag = `"${body.md5.toString("hex")}"`;
    await r.store.putPart(upload, partNumber, temp, { etag, size: body.size, md5: body.md5.toString("hex") });
    const checksum = body.checksum
      ? { [`x-amz-checksum-${body.checksum.algorithm}`]: body.checksum.value }
      : {};
    sendEmpty(r.res, 200, { etag, ...checksum });
  } catch (err) {
    await r.store.discard(temp);
    throw err;
  }
}

const unquote = (etag: string) => etag.trim().replace(/^"|"$/g, "");

export async function completeMultipartUpload(r: S3Request, uploadId: string): Promise<void> {
  checkKey(r.key);
  const upload = r.store.upload(r.bucket, r.key, uploadId);
  const doc = parseXml(
    (await readSmallBody(r.req, r.auth.payloadHash)).toString("utf8"),
    "CompleteMultipartUpload",
  );
  const requested = (doc.Part as { PartNumber?: unknown; ETag?: unknown }[] | undefined) ?? [];
  if (requested.length === 0) throw S3Errors.malformedXml();
  const numbers: number[] = [];
  for (const [i, part] of requested.entries()) {
    const n = parsePartNumber(typeof part.PartNumber === "string" ? part.PartNumber : null);
    if (i > 0 && n <= numbers[i - 1]!) throw S3Errors.invalidPartOrder();
    const stored = upload.parts.get(n);
    if (!stored || typeof part.ETag !== "string" || unquote(part.ETag) !== unquote(stored.etag)) {
      throw S3Errors.invalidPart();
    }
    if (i < requested.length - 1 && stored.size < MIN_PART_BYTES) throw S3Errors.entityTooSmall();
    numbers.push(n);
  }
  const md5s = createHash("md5");
  for (const n of numbers) md5s.update(Buffer.from(upload.parts.get(n)!.md5, "hex"));
  const etag = `"${md5s.digest("hex")}-${numbers.length}"`;
  const version = await r.store.completeUpload(upload, numbers, etag);
  r.emit(objectCreatedEvent("ObjectCreated:CompleteMultipartUpload", r.bucket, version, r.region));
  sendXml(
    r.res,
    200,
    "CompleteMultipartUploadResult",
    {
      Location: `${r.endpoint}/${r.bucket}/${encodeURIComponent(r.key).replace(/%2F/g, "/")}`,
      Bucket: r.bucket,
      Key: r.key,
      ETag: etag,
    },
    { "x-amz-version-id": version.versionId },
  );
}

export async function abortMultipartUpload(r: S3Request, uploadId: string): Promise<void> {
  await r.store.abortUpload(r.store.upload(r.bucket, r.key, uploadId));
  sendEmpty(r.res, 204);
}
