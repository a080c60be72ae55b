import { ListObjectsV2Command, ListObjectVersionsCommand, type S3Client } from "@aws-sdk/client-s3";

export interface ListedObject {
  key: string;
  /** Absent for objects in a bucket that was never versioned (S3 lists those as version "null"). */
  versionId?: string;
  etag?: string;
  size?: number;
}

/** Servers that have no ListObjectVersions answer with one of these. */
const UNSUPPORTED = new Set([405, 501]);

/**
 * Every object version in a bucket (delete markers excluded), page by page. Falls back to the current
 * objects (ListObjectsV2) on an S3-compatible server that does not implement ListObjectVersions.
 */
export async function* listObjectVersions(s3: S3Client, bucket: string): AsyncGenerator<ListedObject> {
  let keyMarker: string | undefined;
  let versionIdMarker: string | undefined;
  for (;;) {
    let page;
    try {
      page = await s3.send(
        new ListObjectVersionsCommand({
          Bucket: bucket,
          KeyMarker: keyMarker,
          VersionIdMarker: versionIdMarker,
        }),
      );
    } catch (err) {
      const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      if (keyMarker === undefined && status !== undefined && UNSUPPORTED.has(status)) {
        yield* listCurrentObjects(s3, bucket);
        return;
      }
      throw err;
    }
    for (const v of page.Versions ?? []) {
      if (!v.Key) continue;
      yield {
        key: v.Key,
        versionId: v.VersionId && v.VersionId !== "null" ? v.VersionId : undefined,
        etag: v.ETag,
        size: v.Size,
      };
    }
    if (!page.IsTruncated) return;
    keyMarker = page.NextKeyMarker;
    versionIdMarker = page.NextVersionIdMarker;
  }
}

async function* listCurrentObjects(s3: S3Client, bucket: string): AsyncGenerator<ListedObject> {
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
    for (const o of page.Contents ?? []) if (o.Key) yield { key: o.Key, etag: o.ETag, size: o.Size };
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
}
