import { createHash } from "node:crypto";

/**
 * A document id is derived from where the object was uploaded (bucket, key and version, or ETag where the
 * bucket is unversioned), so a re-delivered event maps to the same id and registers nothing new.
 * It is also the Textract ClientRequestToken/JobTag, hence only [a-z0-9_] and 36 characters.
 */
export function documentIdFor(source: {
  bucket: string;
  key: string;
  versionId?: string;
  etag?: string;
}): string {
  const version = source.versionId ?? source.etag?.replaceAll('"', "") ?? "";
  const digest = createHash("sha256").update(`${source.bucket}\n${source.key}\n${version}`).digest("hex");
  return `doc_${digest.slice(0, 32)}`;
}

export function isDocumentId(value: string): boolean {
  return /^doc_[0-9a-f]{32}$/.test(value);
}

/** The record id of part `part` (≥ 2) of a split upload; part 1 keeps the upload's own id. */
export function partDocumentId(fileRecordId: string, part: number): string {
  if (part <= 1) return fileRecordId;
  const digest = createHash("sha256").update(`${fileRecordId}#part${part}`).digest("hex");
  return `doc_${digest.slice(0, 32)}`;
}
