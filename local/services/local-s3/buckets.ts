import { readSmallBody } from "./body";
import { S3Errors } from "./errors";
import { sendEmpty, sendXml, type S3Request } from "./http";
import {
  decodeToken,
  encodeToken,
  listCurrent,
  listVersions,
  parseMaxKeys,
  type ListingQuery,
  type Marker,
} from "./listing";
import { isValidBucketName } from "./names";
import type { ObjectVersion } from "./storage";
import { parseXml } from "./xml";

const OWNER = { ID: "chartbridge-local", DisplayName: "chartbridge-local" };

export function listBuckets(r: S3Request): void {
  sendXml(r.res, 200, "ListAllMyBucketsResult", {
    Owner: OWNER,
    Buckets: { Bucket: r.store.listBuckets().map((b) => ({ Name: b.name, CreationDate: b.createdAt })) },
  });
}

export async function createBucket(r: S3Request): Promise<void> {
  if (!isValidBucketName(r.bucket)) throw S3Errors.invalidBucketName();
  await readSmallBody(r.req, r.auth.payloadHash); // optional CreateBucketConfiguration: one region here
  await r.store.createBucket(r.bucket);
  sendEmpty(r.res, 200, { location: `/${r.bucket}` });
}

export function headBucket(r: S3Request): void {
  if (!r.store.hasBucket(r.bucket)) throw S3Errors.noSuchBucket();
  sendEmpty(r.res, 200, { "x-amz-bucket-region": r.region });
}

export async function deleteBucket(r: S3Request): Promise<void> {
  await r.store.deleteBucket(r.bucket);
  sendEmpty(r.res, 204);
}

/** Buckets here always behave as versioning-Enabled, as chartbridge's AWS buckets are. */
export function getBucketVersioning(r: S3Request): void {
  if (!r.store.hasBucket(r.bucket)) throw S3Errors.noSuchBucket();
  sendXml(r.res, 200, "VersioningConfiguration", { Status: "Enabled" });
}

export async function putBucketVersioning(r: S3Request): Promise<void> {
  if (!r.store.hasBucket(r.bucket)) throw S3Errors.noSuchBucket();
  const doc = parseXml(
    (await readSmallBody(r.req, r.auth.payloadHash)).toString("utf8"),
    "VersioningConfiguration",
  );
  if (doc.Status !== "Enabled") throw S3Errors.notImplemented();
  sendEmpty(r.res, 200);
}

export function getBucketLocation(r: S3Request): void {
  if (!r.store.hasBucket(r.bucket)) throw S3Errors.noSuchBucket();
  // us-east-1 is reported as an empty LocationConstraint.
  sendXml(r.res, 200, "LocationConstraint", {});
}

function listingQuery(r: S3Request): ListingQuery & { encode: (s: string) => string; encodingType?: string } {
  const encodingType = r.query.get("encoding-type") ?? undefined;
  if (encodingType !== undefined && encodingType !== "url") {
    throw S3Errors.invalidArgument("Invalid Encoding Method specified in Request");
  }
  const encode = encodingType ? (s: string) => encodeURIComponent(s).replace(/%2F/g, "/") : (s: string) => s;
  return {
    prefix: r.query.get("prefix") ?? "",
    delimiter: r.query.get("delimiter") || undefined,
    maxKeys: parseMaxKeys(r.query.get("max-keys")),
    encode,
    encodingType,
  };
}

const objectEntry = (v: ObjectVersion, encode: (s: string) => string) => ({
  Key: encode(v.key),
  LastModified: v.lastModified,
  ETag: v.etag,
  Size: v.size,
  StorageClass: "STANDARD",
});

export function listObjectsV2(r: S3Request): void {
  if (!r.store.hasBucket(r.bucket)) throw S3Errors.noSuchBucket();
  const q = listingQuery(r);
  const token = r.query.get("continuation-token") ?? undefined;
  const startAfter = r.query.get("start-after") ?? undefined;
  const after: Marker | undefined = token
    ? decodeToken(token)
    : startAfter
      ? { key: startAfter, isPrefix: false }
      : undefined;
  const page = listCurrent(r.store, r.bucket, q, after);
  sendXml(r.res, 200, "ListBucketResult", {
    Name: r.bucket,
    Prefix: q.encode(q.prefix),
    Delimiter: q.delimiter && q.encode(q.delimiter),
    StartAfter: startAfter && q.encode(startAfter),
    ContinuationToken: token,
    NextContinuationToken: page.next && encodeToken(page.next),
    KeyCount: page.contents.length + page.commonPrefixes.length,
    MaxKeys: q.maxKeys,
    EncodingType: q.encodingType,
    IsTruncated: page.next !== undefined,
    Contents: page.contents.map((v) => objectEntry(v, q.encode)),
    CommonPrefixes: page.commonPrefixes.map((p) => ({ Prefix: q.encode(p) })),
  });
}

/** ListObjects (V1): marker-based paging over the same listing. */
export function listObjectsV1(r: S3Request): void {
  if (!r.store.hasBucket(r.bucket)) throw S3Errors.noSuchBucket();
  const q = listingQuery(r);
  const marker = r.query.get("marker") ?? undefined;
  const after = marker ? { key: marker, isPrefix: !!q.delimiter && marker.endsWith(q.delimiter) } : undefined;
  const page = listCurrent(r.store, r.bucket, q, after);
  sendXml(r.res, 200, "ListBucketResult", {
    Name: r.bucket,
    Prefix: q.encode(q.prefix),
    Marker: q.encode(marker ?? ""),
    NextMarker: page.next && q.delimiter ? q.encode(page.next.key) : undefined,
    Delimiter: q.delimiter && q.encode(q.delimiter),
    MaxKeys: q.maxKeys,
    EncodingType: q.encodingType,
    IsTruncated: page.next !== undefined,
    Contents: page.contents.map((v) => ({ ...objectEntry(v, q.encode), Owner: OWNER })),
    CommonPrefixes: page.commonPrefixes.map((p) => ({ Prefix: q.encode(p) })),
  });
}

export function listObjectVersions(r: S3Request): void {
  if (!r.store.hasBucket(r.bucket)) throw S3Errors.noSuchBucket();
  const q = listingQuery(r);
  const keyMarker = r.query.get("key-marker") || undefined;
  const versionIdMarker = r.query.get("version-id-marker") || undefined;
  if (versionIdMarker !== undefined && keyMarker === undefined) {
    throw S3Errors.invalidArgument("A version-id marker cannot be specified without a key marker.");
  }
  const page = listVersions(r.store, r.bucket, q, keyMarker, versionIdMarker);
  const latest = (v: ObjectVersion) => r.store.versionsOf(r.bucket, v.key)[0]?.versionId === v.versionId;
  sendXml(r.res, 200, "ListVersionsResult", {
    Name: r.bucket,
    Prefix: q.encode(q.prefix),
    KeyMarker: q.encode(keyMarker ?? ""),
    VersionIdMarker: versionIdMarker ?? "",
    NextKeyMarker: page.next && q.encode(page.next.key),
    NextVersionIdMarker: page.next?.versionId,
    Delimiter: q.delimiter && q.encode(q.delimiter),
    MaxKeys: q.maxKeys,
    EncodingType: q.encodingType,
    IsTruncated: page.next !== undefined,
    Version: page.versions
      .filter((v) => !v.deleteMarker)
      .map((v) => ({
        ...objectEntry(v, q.encode),
        VersionId: v.versionId,
        IsLatest: latest(v),
        Owner: OWNER,
      })),
    DeleteMarker: page.versions
      .filter((v) => v.deleteMarker)
      .map((v) => ({
        Key: q.encode(v.key),
        VersionId: v.versionId,
        IsLatest: latest(v),
        LastModified: v.lastModified,
        Owner: OWNER,
      })),
    CommonPrefixes: page.commonPrefixes.map((p) => ({ Prefix: q.encode(p) })),
  });
}
