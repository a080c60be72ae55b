import { createReadStream } from "node:fs";
import { copyFile, open } from "node:fs/promises";
import type { IncomingHttpHeaders } from "node:http";
import { pipeline } from "node:stream/promises";
import { readSmallBody, receiveBody } from "./body";
import { S3Errors } from "./errors";
import { objectCreatedEvent } from "./events";
import { sendEmpty, sendXml, type S3Request } from "./http";
import { checkKey, decodeComponent } from "./names";
import type { NewObject, ObjectVersion } from "./storage";
import { parseXml } from "./xml";

/** Response headers S3 stores with an object and returns on GET/HEAD. */
const STORED_HEADERS = [
  "cache-control",
  "content-disposition",
  "content-encoding",
  "content-language",
  "expires",
];
const RESPONSE_OVERRIDES = [
  "content-type",
  "content-language",
  "expires",
  "cache-control",
  "content-disposition",
  "content-encoding",
];
/** The versionIds this store issues; "null" is what S3 calls versions written before versioning. */
const VERSION_ID = /^([A-Za-z0-9_-]{24}|null)$/;

export function storedAttributes(
  headers: IncomingHttpHeaders,
): Pick<NewObject, "contentType" | "headers" | "metadata"> {
  const stored: Record<string, string> = {};
  const metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (typeof value !== "string") continue;
    if (name.startsWith("x-amz-meta-")) metadata[name.slice("x-amz-meta-".length)] = value;
    else if (STORED_HEADERS.includes(name)) stored[name] = value;
  }
  // aws-chunked is transport framing, not how the stored content is encoded.
  const encoding = stored["content-encoding"]
    ?.split(",")
    .map((s) => s.trim())
    .filter((s) => s && s !== "aws-chunked")
    .join(", ");
  if (encoding) stored["content-encoding"] = encoding;
  else delete stored["content-encoding"];
  return { contentType: headers["content-type"], headers: stored, metadata };
}

export function checkVersionId(versionId: string | null): string | undefined {
  if (versionId === null) return undefined;
  if (!VERSION_ID.test(versionId)) throw S3Errors.invalidArgument("Invalid version id specified");
  return versionId;
}

const quotedMd5 = (md5: Buffer) => `"${md5.toString("hex")}"`;

export async function putObject(r: S3Request): Promise<void> {
  checkKey(r.key);
  r.store.versionsOf(r.bucket, r.key); // NoSuchBucket before reading the body
  const temp = r.store.tempPath();
  try {
    const body = await receiveBody(r.req, temp, r.auth);
    const version = await r.store.commitObject(r.bucket, r.key, temp, {
      size: body.size,
      etag: quotedMd5(body.md5),
      checksum: body.checksum,
      ...storedAttributes(r.req.headers),
    });
    r.emit(objectCreatedEvent("ObjectCreated:Put", r.bucket, version, r.region));
    sendEmpty(r.res, 200, {
      etag: version.etag,
      "x-amz-version-id": version.versionId,
      ...checksumHeaders(version),
    });
  } catch (err) {
    await r.store.discard(temp);
    throw err;
  }
}

function checksumHeaders(version: ObjectVersion): Record<string, string> {
  return version.checksum ? { [`x-amz-checksum-${version.checksum.algorithm}`]: version.checksum.value } : {};
}

/** The version a GET/HEAD/COPY addresses: the given one, or the current one unless it is a delete marker. */
export function resolveVersion(r: Pick<S3Request, "store">, bucket: string, key: string, versionId?: string) {
  const versions = r.store.versionsOf(bucket, key);
  if (versionId !== undefined) {
    const version = versions.find((v) => v.versionId === versionId);
    if (!version) throw S3Errors.noSuchVersion();
    if (version.deleteMarker) {
      throw S3Errors.methodNotAllowed({
        "x-amz-delete-marker": "true",
        "x-amz-version-id": version.versionId,
      });
    }
    return version;
  }
  const current = versions[0];
  if (!current) throw S3Errors.noSuchKey();
  if (current.deleteMarker) {
    throw S3Errors.noSuchKey({ "x-amz-delete-marker": "true", "x-amz-version-id": current.versionId });
  }
  return current;
}

/** A single `bytes=` range as S3 reads it; anything else means the whole object. */
function parseRange(header: string | undefined, size: number): { start: number; end: number } | undefined {
  const m = header === undefined ? null : /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === "" && m[2] === "")) return undefined;
  if (m[1] === "") {
    const suffix = Number(m[2]);
    if (suffix === 0) throw S3Errors.invalidRange({ "content-range": `bytes */${size}` });
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === "" ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (start >= size || end < start) throw S3Errors.invalidRange({ "content-range": `bytes */${size}` });
  return { start, end };
}

export async function getObject(r: S3Request): Promise<void> {
  checkKey(r.key);
  const version = resolveVersion(r, r.bucket, r.key, checkVersionId(r.query.get("versionId")));
  const range = version.size > 0 ? parseRange(r.req.headers.range, version.size) : undefined;
  const headers: Record<string, string | number> = {
    "content-type": version.contentType ?? "binary/octet-stream",
    "last-modified": new Date(version.lastModified).toUTCString(),
    etag: version.etag,
    "x-amz-version-id": version.versionId,
    "accept-ranges": "bytes",
    ...version.headers,
  };
  for (const [name, value] of Object.entries(version.metadata)) headers[`x-amz-meta-${name}`] = value;
  for (const name of RESPONSE_OVERRIDES) {
    const value = r.query.get(`response-${name}`);
    if (value !== null) headers[name] = value;
  }
  if (r.req.headers["x-amz-checksum-mode"] === "ENABLED" && !range)
    Object.assign(headers, checksumHeaders(version));
  const length = range ? range.end - range.start + 1 : version.size;
  headers["content-length"] = length;
  if (range) headers["content-range"] = `bytes ${range.start}-${range.end}/${version.size}`;
  const status = range ? 206 : 200;
  if (r.req.method === "HEAD" || length === 0) {
    r.res.writeHead(status, headers);
    r.res.end();
    return;
  }
  // Opened before answering, so a failure still gets an error document rather than a cut-off 200.
  const handle = await open(r.store.blobPath(r.bucket, version), "r");
  r.res.writeHead(status, headers);
  await pipeline(
    createReadStream("", { fd: handle, start: range?.start, end: range?.end ?? version.size - 1 }),
    r.res,
  );
}

export async function deleteObject(r: S3Request): Promise<void> {
  checkKey(r.key);
  const versionId = checkVersionId(r.query.get("versionId"));
  if (versionId !== undefined) {
    const removed = await r.store.deleteVersion(r.bucket, r.key, versionId);
    sendEmpty(r.res, 204, {
      "x-amz-version-id": versionId,
      ...(removed?.deleteMarker ? { "x-amz-delete-marker": "true" } : {}),
    });
    return;
  }
  const marker = await r.store.putDeleteMarker(r.bucket, r.key);
  sendEmpty(r.res, 204, { "x-amz-delete-marker": "true", "x-amz-version-id": marker.versionId });
}

/** `x-amz-copy-source`: `[/]bucket/key[?versionId=…]`, URL-encoded. */
function parseCopySource(raw: string): { bucket: string; key: string; versionId?: string } {
  const [path = "", query = ""] = raw.split("?", 2);
  const decoded = decodeComponent(path.replace(/^\//, ""));
  const slash = decoded.indexOf("/");
  if (slash <= 0 || slash === decoded.length - 1)
    throw S3Errors.invalidArgument(
      "Copy Source must mention the source bucket and key: sourcebucket/sourcekey",
    );
  const versionId = new URLSearchParams(query).get("versionId");
  return {
    bucket: decoded.slice(0, slash),
    key: decoded.slice(slash + 1),
    versionId: checkVersionId(versionId),
  };
}

export async function copyObject(r: S3Request, copySource: string): Promise<void> {
  checkKey(r.key);
  r.store.versionsOf(r.bucket, r.key);
  const source = parseCopySource(copySource);
  checkKey(source.key);
  const from = resolveVersion(r, source.bucket, source.key, source.versionId);
  const replace = r.req.headers["x-amz-metadata-directive"] === "REPLACE";
  const attributes = replace
    ? storedAttributes(r.req.headers)
    : { contentType: from.contentType, headers: from.headers, metadata: from.metadata };
  const temp = r.store.tempPath();
  try {
    await copyFile(r.store.blobPath(source.bucket, from), temp);
    const handle = await open(temp, "r+");
    await handle.sync().finally(() => handle.close());
    const version = await r.store.commitObject(r.bucket, r.key, temp, {
      size: from.size,
      etag: from.etag,
      checksum: from.checksum,
      ...attributes,
    });
    r.emit(objectCreatedEvent("ObjectCreated:Copy", r.bucket, version, r.region));
    sendXml(
      r.res,
      200,
      "CopyObjectResult",
      { ETag: version.etag, LastModified: version.lastModified },
      { "x-amz-version-id": version.versionId, "x-amz-copy-source-version-id": from.versionId },
    );
  } catch (err) {
    await r.store.discard(temp);
    throw err;
  }
}

/** DeleteObjects (POST ?delete): what `aws s3 rm --recursive` sends. */
export async function deleteObjects(r: S3Request): Promise<void> {
  r.store.versionsOf(r.bucket, "");
  const doc = parseXml((await readSmallBody(r.req, r.auth.payloadHash)).toString("utf8"), "Delete");
  const objects = (doc.Object as { Key?: unknown; VersionId?: unknown }[] | undefined) ?? [];
  if (objects.length === 0 || objects.length > 1000) throw S3Errors.malformedXml();
  const quiet = String(doc.Quiet ?? "false") === "true";
  const deleted: Record<string, unknown>[] = [];
  const errors: Record<string, unknown>[] = [];
  for (const object of objects) {
    const key = typeof object.Key === "string" ? object.Key : "";
    const versionId = typeof object.VersionId === "string" ? object.VersionId : undefined;
    if (
      key === "" ||
      Buffer.byteLength(key) > 1024 ||
      (versionId !== undefined && !VERSION_ID.test(versionId))
    ) {
      errors.push({
        Key: key,
        VersionId: versionId,
        Code: "InvalidArgument",
        Message: "Invalid key or version id",
      });
      continue;
    }
    if (versionId !== undefined) {
      const removed = await r.store.deleteVersion(r.bucket, key, versionId);
      if (!quiet)
        deleted.push({ Key: key, VersionId: versionId, DeleteMarker: removed?.deleteMarker || undefined });
    } else {
      const marker = await r.store.putDeleteMarker(r.bucket, key);
      if (!quiet) deleted.push({ Key: key, DeleteMarker: true, DeleteMarkerVersionId: marker.versionId });
    }
  }
  sendXml(r.res, 200, "DeleteResult", { Deleted: deleted, Error: errors });
}
