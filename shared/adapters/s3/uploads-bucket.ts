import { ListObjectsV2Command, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import type { UploadListing, UploadSigner, UploadTarget } from "../../batches/batch-store";

export interface S3UploadsBucketOptions {
  bucket: string;
  /** The scans key: signed into every PUT, so an upload encrypted otherwise is refused (AWS only). */
  kmsKeyId?: string;
}

/**
 * The uploads (scans) bucket as batches use it: presigned PUTs, and what a batch's prefix holds.
 * Presigned PUTs are ones S3 itself checks: the SHA-256 of the manifest entry is a signed
 * header, so S3 refuses (BadDigest) bytes that do not match it, and a PUT without the header does not match
 * the signature. With a KMS key, the encryption headers are signed too.
 */
export class S3UploadsBucket implements UploadSigner, UploadListing {
  constructor(
    private readonly s3: S3Client,
    private readonly options: S3UploadsBucketOptions,
  ) {}

  async presignPut(
    key: string,
    opts: { sha256Hex: string; size: number; expiresInSeconds: number },
  ): Promise<Omit<UploadTarget, "name" | "expiresAt">> {
    const headers: Record<string, string> = {
      "x-amz-checksum-sha256": Buffer.from(opts.sha256Hex, "hex").toString("base64"),
    };
    if (this.options.kmsKeyId) {
      headers["x-amz-server-side-encryption"] = "aws:kms";
      headers["x-amz-server-side-encryption-aws-kms-key-id"] = this.options.kmsKeyId;
    }
    const url = await getSignedUrl(
      this.s3,
      new PutObjectCommand({
        Bucket: this.options.bucket,
        Key: key,
        ChecksumSHA256: headers["x-amz-checksum-sha256"],
        ...(this.options.kmsKeyId
          ? { ServerSideEncryption: "aws:kms", SSEKMSKeyId: this.options.kmsKeyId }
          : {}),
      }),
      // Kept as signed headers rather than query parameters: S3 verifies a checksum sent as a header.
      { expiresIn: opts.expiresInSeconds, unhoistableHeaders: new Set(Object.keys(headers)) },
    );
    return { method: "PUT", url, headers };
  }

  async *listKeys(prefix: string): AsyncIterable<string> {
    let token: string | undefined;
    do {
      const out = await this.s3.send(
        new ListObjectsV2Command({ Bucket: this.options.bucket, Prefix: prefix, ContinuationToken: token }),
      );
      for (const object of out.Contents ?? []) if (object.Key) yield object.Key;
      token = out.IsTruncated ? out.NextContinuationToken : undefined;
    } while (token);
  }
}
