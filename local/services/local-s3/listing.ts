import { S3Errors } from "./errors";
import { compareKeys } from "./names";
import type { ObjectVersion, VersionedStore } from "./storage";

export const MAX_LIST_KEYS = 1000;

export interface ListingQuery {
  prefix: string;
  delimiter?: string;
  maxKeys: number;
}

/** Where the previous page ended: a key (exclusive), or a common prefix whose keys are all skipped. */
export interface Marker {
  key: string;
  isPrefix: boolean;
}

export function parseMaxKeys(raw: string | null): number {
  if (raw === null) return MAX_LIST_KEYS;
  if (!/^\d+$/.test(raw))
    throw S3Errors.invalidArgument("Provided max-keys not an integer or within integer range");
  return Math.min(Number(raw), MAX_LIST_KEYS);
}

export function encodeToken(marker: Marker): string {
  return Buffer.from(JSON.stringify([marker.key, marker.isPrefix])).toString("base64url");
}

export function decodeToken(token: string): Marker {
  try {
    const [key, isPrefix] = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as unknown[];
    if (typeof key === "string" && typeof isPrefix === "boolean") return { key, isPrefix };
  } catch {
    // fall through
  }
  throw S3Errors.invalidArgument("The continuation token provided is incorrect");
}

/** The common prefix `key` rolls up into under `delimiter`, if any. */
function commonPrefixOf(key: string, q: ListingQuery): string | undefined {
  if (!q.delimiter) return undefined;
  const at = key.indexOf(q.delimiter, q.prefix.length);
  return at === -1 ? undefined : key.slice(0, at + q.delimiter.length);
}

function keysAfter(store: VersionedStore, bucket: string, q: ListingQuery, marker?: Marker): string[] {
  return store
    .sortedKeys(bucket)
    .filter(
      (key) =>
        key.startsWith(q.prefix) &&
        (!marker || (compareKeys(key, marker.key) > 0 && !(marker.isPrefix && key.startsWith(marker.key)))),
    );
}

export interface CurrentListing {
  contents: ObjectVersion[];
  commonPrefixes: string[];
  next?: Marker;
}

/** ListObjects(V2): the current version of each key, delete markers hiding their key. */
export function listCurrent(
  store: VersionedStore,
  bucket: string,
  q: ListingQuery,
  after?: Marker,
): CurrentListing {
  const out: CurrentListing = { contents: [], commonPrefixes: [] };
  let last: Marker | undefined;
  let count = 0;
  for (const key of keysAfter(store, bucket, q, after)) {
    const current = store.versionsOf(bucket, key)[0];
    if (!current || current.deleteMarker) continue;
    const prefix = commonPrefixOf(key, q);
    if (prefix !== undefined && last?.isPrefix && last.key === prefix) continue;
    if (count === q.maxKeys) {
      out.next = last;
      break;
    }
    count++;
    if (prefix !== undefined) {
      out.commonPrefixes.push(prefix);
      last = { key: prefix, isPrefix: true };
    } else {
      out.contents.push(current);
      last = { key, isPrefix: false };
    }
  }
  return out;
}

export interface VersionListing {
  versions: ObjectVersion[];
  commonPrefixes: string[];
  next?: { key: string; versionId?: string };
}

/** ListObjectVersions: every version, keys in order, newest version first within a key. */
export function listVersions(
  store: VersionedStore,
  bucket: string,
  q: ListingQuery,
  keyMarker?: string,
  versionIdMarker?: string,
): VersionListing {
  const out: VersionListing = { versions: [], commonPrefixes: [] };
  const keys = store.sortedKeys(bucket).filter((key) => key.startsWith(q.prefix));
  let last: { key: string; versionId?: string } | undefined;
  let count = 0;
  const markerIsPrefix = !!q.delimiter && !!keyMarker && commonPrefixOf(keyMarker, q) === keyMarker;
  for (const key of keys) {
    if (keyMarker !== undefined) {
      const order = compareKeys(key, keyMarker);
      if (order < 0 || (order === 0 && versionIdMarker === undefined)) continue;
      if (markerIsPrefix && key.startsWith(keyMarker)) continue;
    }
    const prefix = commonPrefixOf(key, q);
    if (prefix !== undefined) {
      if (last?.versionId === undefined && last?.key === prefix) continue;
      if (count === q.maxKeys) {
        out.next = last;
        break;
      }
      count++;
      out.commonPrefixes.push(prefix);
      last = { key: prefix };
      continue;
    }
    let versions = store.versionsOf(bucket, key);
    if (keyMarker === key && versionIdMarker !== undefined) {
      const at = versions.findIndex((v) => v.versionId === versionIdMarker);
      versions = at === -1 ? [] : versions.slice(at + 1);
    }
    for (const version of versions) {
      if (count === q.maxKeys) {
        out.next = last;
        return out;
      }
      count++;
      out.versions.push(version);
      last = { key, versionId: version.versionId };
    }
  }
  return out;
}
