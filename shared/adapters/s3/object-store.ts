import { createHash } from "node:crypto";
import { GetObjectCommand, NoSuchKey, NotFound, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import type { Readable } from "node:stream";
import { ObjectNotFoundError } from "../../errors";
import type { FetchedObject, ObjectStore } from "../../pipeline/ports";

/** Reads and writes objects; the one place chartbridge talks to S3. */
export class S3ObjectStore implements ObjectStore {
  constructor(private readonly s3: S3Client) {}

  /**
   * Streams an object, hashing as it arrives, and keeps its bytes for inspection. `maxBytes` stops reading
   * early (the caller rejects the object as too large) so an oversized upload cannot exhaust memory.
   */
  async fetch(
    bucket: string,
    key: string,
    opts: { versionId?: string; maxBytes?: number } = {},
  ): Promise<FetchedObject> {
    try {
      const out = await this.s3.send(
        new GetObjectCommand({ Bucket: bucket, Key: key, VersionId: opts.versionId }),
      );
      const hash = createHash("sha256");
      const chunks: Buffer[] = [];
      let size = 0;
      let truncatedAt: number | undefined;
      for await (const chunk of out.Body as Readable) {
        const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
        size += buf.length;
        hash.update(buf);
        if (opts.maxBytes !== undefined && size > opts.maxBytes) {
          truncatedAt = size;
          (out.Body as Readable).destroy();
          break;
        }
        chunks.push(buf);
      }
      return {
        bytes: Buffer.concat(chunks),
        sha256: hash.digest("hex"),
        size: truncatedAt ?? size,
        versionId: out.VersionId,
        etag: out.ETag,
        contentType: out.ContentType,
        truncatedAt,
      };
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

  async getBytes(bucket: string, key: string, versionId?: string): Promise<Buffer> {
    return (await this.fetch(bucket, key, { versionId })).bytes;
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
    await this.s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: text,
        ContentType: "text/plain; charset=utf-8",
      }),
    );
  }

  async getText(bucket: string, key: string): Promise<string> {
    return (await this.getBytes(bucket, key)).toString("utf8");
  }

  async getJson<T>(bucket: string, key: string): Promise<T> {
    return JSON.parse((await this.getBytes(bucket, key)).toString("utf8")) as T;
  }
}
