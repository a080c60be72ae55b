import { createHash } from "node:crypto";
import { mkdtemp, open, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import {
  GetObjectCommand,
  HeadObjectCommand,
  NoSuchKey,
  NotFound,
  PutObjectCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { ObjectNotFoundError } from "../../errors";
import type {
  DownloadedObject,
  DownloadOptions,
  ObjectLinks,
  ObjectStore,
  PresignOptions,
} from "../../pipeline/ports";
import { isProcessAlive as isAlive } from "../os/process-alive";

/** Temporary download folders are named `<prefix><pid>-<random>`, so leftovers of dead processes can be found. */
const DOWNLOAD_PREFIX = "chartbridge-download-";

/** Reads and writes objects; the one place chartbridge talks to S3. */
export class S3ObjectStore implements ObjectStore, ObjectLinks {
  constructor(private readonly s3: S3Client) {}

  /**
   * Streams an object into a fresh temporary folder, hashing as it arrives; only one chunk is in memory at a
   * time. `maxBytes` stops reading early (the caller rejects the object as too large). The folder is removed
   * by `dispose()`, or here if the download fails.
   */
  async download(bucket: string, key: string, opts: DownloadOptions = {}): Promise<DownloadedObject> {
    const parent = opts.dir ?? tmpdir();
    await sweepOnce(parent);
    const dir = await mkdtemp(join(parent, `${DOWNLOAD_PREFIX}${process.pid}-`));
    const dispose = () => rm(dir, { recursive: true, force: true });
    const path = join(dir, "object");
    try {
      const out = await this.get(bucket, key, opts.versionId);
      const body = out.Body as Readable;
      const hash = createHash("sha256");
      const sha1 = createHash("sha1");
      let size = 0;
      let truncatedAt: number | undefined;
      const file = await open(path, "wx", 0o600);
      try {
        for await (const chunk of body) {
          const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
          size += buf.length;
          hash.update(buf);
          sha1.update(buf);
          if (opts.maxBytes !== undefined && size > opts.maxBytes) {
            truncatedAt = size;
            body.destroy();
            break;
          }
          await file.write(buf);
        }
      } finally {
        await file.close();
      }
      return {
        path,
        sha256: hash.digest("hex"),
        sha1: sha1.digest("base64"),
        size: truncatedAt ?? size,
        versionId: out.VersionId,
        etag: out.ETag,
        contentType: out.ContentType,
        truncatedAt,
        dispose,
      };
    } catch (err) {
      await dispose();
      throw err;
    }
  }

  async getBytes(bucket: string, key: string, versionId?: string): Promise<Buffer> {
    const out = await this.get(bucket, key, versionId);
    const chunks: Buffer[] = [];
    for await (const chunk of out.Body as Readable)
      chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array));
    return Buffer.concat(chunks);
  }

  private async get(bucket: string, key: string, versionId?: string) {
    try {
      return await this.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId }));
    } catch (err) {
      if (
        err instanceof NoSuchKey ||
        err instanceof NotFound ||
        (err as { name?: string }).name === "NoSuchKey"
      ) {
        throw new ObjectNotFoundError(bucket, key);
      }
      throw err;
    }
  }

  async putJson(bucket: string, key: string, value: unknown): Promise<void> {
    await this.s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: JSON.stringify(value),
        ContentType: "application/json",
      }),
    );
  }

  async putText(bucket: string, key: string, text: string): Promise<void> {
    const body = Buffer.from(text, "utf8");
    await this.s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        // Bytes with their length: the SDK cannot tell the length of an empty string body and warns about it.
        Body: body,
        ContentLength: body.length,
        ContentType: "text/plain; charset=utf-8",
      }),
    );
  }

  /**
   * A multipart upload fed as the body is produced: parts of 8 MiB, at most two in flight, so memory stays
   * near 16 MiB whatever the object's size (a body under one part is a single PutObject). On an error the
   * upload is aborted (no parts left behind) and the error rethrown.
   */
  async putStream(bucket: string, key: string, body: AsyncIterable<string>, contentType: string) {
    // Loaded on first use: only ocr-complete and the sweeper stream results; the api need not load it.
    const { Upload } = await import("@aws-sdk/lib-storage");
    const upload = new Upload({
      client: this.s3,
      params: { Bucket: bucket, Key: key, Body: Readable.from(body), ContentType: contentType },
      partSize: 8 * 1024 * 1024,
      queueSize: 2,
      leavePartsOnError: false,
    });
    await upload.done();
  }

  async exists(bucket: string, key: string): Promise<boolean> {
    try {
      await this.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      return true;
    } catch (err) {
      if (err instanceof NotFound || (err as { name?: string }).name === "NotFound") return false;
      throw err;
    }
  }

  async putBytes(bucket: string, key: string, bytes: Uint8Array, contentType: string): Promise<void> {
    await this.s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: bytes,
        ContentLength: bytes.length,
        ContentType: contentType,
      }),
    );
  }

  presignGet(bucket: string, key: string, opts: PresignOptions): Promise<string> {
    return getSignedUrl(
      this.s3,
      new GetObjectCommand({
        Bucket: bucket,
        Key: key,
        ...(opts.versionId ? { VersionId: opts.versionId } : {}),
        ...(opts.contentType ? { ResponseContentType: opts.contentType } : {}),
        ...(opts.downloadName
          ? { ResponseContentDisposition: `attachment; filename="${opts.downloadName}"` }
          : {}),
      }),
      { expiresIn: opts.expiresInSeconds },
    );
  }

  async getText(bucket: string, key: string): Promise<string> {
    return (await this.getBytes(bucket, key)).toString("utf8");
  }

  async getJson<T>(bucket: string, key: string): Promise<T> {
    return JSON.parse((await this.getBytes(bucket, key)).toString("utf8")) as T;
  }

  async getStream(bucket: string, key: string): Promise<AsyncIterable<Uint8Array>> {
    return (await this.get(bucket, key)).Body as Readable;
  }
}

const swept = new Map<string, Promise<void>>();

/**
 * Removes download folders a previous process left behind when it was killed mid-download (out of memory,
 * timeout): in Lambda, /tmp outlives the process. Runs once per folder and process, before this process
 * downloads anything there, so folders named with our own pid are leftovers of an earlier process too.
 */
function sweepOnce(parent: string): Promise<void> {
  let sweep = swept.get(parent);
  if (!sweep) {
    sweep = sweepStaleDownloads(parent).catch(() => undefined);
    swept.set(parent, sweep);
  }
  return sweep;
}

async function sweepStaleDownloads(parent: string): Promise<void> {
  for (const name of await readdir(parent)) {
    const match = name.startsWith(DOWNLOAD_PREFIX) && /^(\d+)-/.exec(name.slice(DOWNLOAD_PREFIX.length));
    if (!match) continue;
    const pid = Number(match[1]);
    if (pid === process.pid || !isAlive(pid)) await rm(join(parent, name), { recursive: true, force: true });
  }
}
