import { createHash } from "node:crypto";
import { open } from "node:fs/promises";
import type { IncomingMessage } from "node:http";
import { AwsChunkedDecoder, type ChunkVerifier } from "./aws-chunked";
import { checksumFor, type PayloadChecksum } from "./checksums";
import { S3Errors } from "./errors";

/** S3's limit for one PUT (larger objects need multipart). */
export const MAX_PUT_BYTES = 5 * 1024 ** 3;

export interface ReceivedBody {
  size: number;
  md5: Buffer;
  checksum?: { algorithm: string; value: string };
}

export interface BodyRules {
  /** The signed `x-amz-content-sha256`: a hex digest, UNSIGNED-PAYLOAD or a STREAMING-* mode. */
  payloadHash: string;
  chunkVerifier?: ChunkVerifier;
  maxBytes?: number;
}

const headerValue = (req: IncomingMessage, name: string) => {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(",") : value;
};

const CHECKSUM_HEADER = /^x-amz-checksum-(crc32|crc32c|crc64nvme|sha1|sha256)$/;

/** The checksum a request asks us to verify: in a header now, or in the aws-chunked trailer later. */
function requestedChecksum(req: IncomingMessage): { checksum: PayloadChecksum; header?: string } | undefined {
  for (const [name, value] of Object.entries(req.headers)) {
    const algorithm = CHECKSUM_HEADER.exec(name)?.[1];
    if (algorithm && typeof value === "string") return { checksum: checksumFor(algorithm), header: value };
  }
  const trailer = req.headers["x-amz-trailer"];
  const algorithm = typeof trailer === "string" ? CHECKSUM_HEADER.exec(trailer.trim())?.[1] : undefined;
  return algorithm ? { checksum: checksumFor(algorithm) } : undefined;
}

/**
 * Receives a request body into `file` (a temp file the caller commits or discards), decoding aws-chunked
 * framing and checking every digest the client sent: Content-MD5, x-amz-content-sha256, x-amz-checksum-*
 * (header or trailer) and the decoded length. The file is fsynced before this returns.
 */
export async function receiveBody(
  req: IncomingMessage,
  file: string,
  rules: BodyRules,
): Promise<ReceivedBody> {
  const maxBytes = rules.maxBytes ?? MAX_PUT_BYTES;
  const streaming = rules.payloadHash.startsWith("STREAMING-");
  // aws-chunked bodies may come with Transfer-Encoding: chunked; their payload length is declared apart.
  const declared = headerValue(req, streaming ? "x-amz-decoded-content-length" : "content-length");
  if (declared === undefined) throw S3Errors.missingContentLength();
  const expectedSize = Number(declared);
  if (!/^\d+$/.test(declared) || !Number.isSafeInteger(expectedSize)) {
    throw S3Errors.invalidRequest("Invalid Content-Length.");
  }
  if (expectedSize > maxBytes) throw S3Errors.entityTooLarge();

  const contentMd5 = headerValue(req, "content-md5");
  if (contentMd5 !== undefined && Buffer.from(contentMd5, "base64").length !== 16)
    throw S3Errors.invalidDigest();
  const requested = requestedChecksum(req);
  const md5 = createHash("md5");
  const sha256 = /^[0-9a-f]{64}$/.test(rules.payloadHash) ? createHash("sha256") : undefined;
  const decoder = streaming ? new AwsChunkedDecoder(rules.chunkVerifier) : undefined;

  const handle = await open(file, "w");
  let size = 0;
  try {
    const pending: Buffer[] = [];
    const onPayload = (data: Buffer) => {
      size += data.length;
      if (size > expectedSize) throw S3Errors.invalidRequest("The body is longer than the declared length.");
      md5.update(data);
      requested?.checksum.update(data);
      pending.push(data);
    };
    for await (const chunk of req as AsyncIterable<Buffer>) {
      sha256?.update(chunk);
      if (decoder) decoder.push(chunk, onPayload);
      else onPayload(chunk);
      for (const data of pending.splice(0)) await handle.write(data);
    }
    decoder?.finish();
    if (size !== expectedSize) throw S3Errors.incompleteBody();
    await handle.sync();
  } finally {
    await handle.close();
  }

  if (sha256 && sha256.digest("hex") !== rules.payloadHash) throw S3Errors.contentSha256Mismatch();
  const md5Digest = md5.digest();
  if (contentMd5 !== undefined && !md5Digest.equals(Buffer.from(contentMd5, "base64")))
    throw S3Errors.badDigest();
  if (!requested) return { size, md5: md5Digest };
  const { checksum } = requested;
  const expected = requested.header ?? decoder?.trailers.get(`x-amz-checksum-${checksum.algorithm}`);
  if (expected === undefined)
    throw S3Errors.invalidRequest("The checksum trailer named in x-amz-trailer is missing.");
  const actual = checksum.digest();
  if (expected !== actual) throw S3Errors.badDigest();
  return { size, md5: md5Digest, checksum: { algorithm: checksum.algorithm, value: actual } };
}

/** Small XML request bodies (CompleteMultipartUpload, DeleteObjects), bounded, their signed hash checked. */
export async function readSmallBody(
  req: IncomingMessage,
  payloadHash: string,
  limit = 2 * 1024 * 1024,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw S3Errors.malformedXml();
    chunks.push(chunk);
  }
  const body = Buffer.concat(chunks);
  if (payloadHash.startsWith("STREAMING-"))
    throw S3Errors.invalidRequest("This request cannot be aws-chunked.");
  if (/^[0-9a-f]{64}$/.test(payloadHash) && createHash("sha256").update(body).digest("hex") !== payloadHash) {
    throw S3Errors.contentSha256Mismatch();
  }
  const contentMd5 = headerValue(req, "content-md5");
  if (
    contentMd5 !== undefined &&
    !createHash("md5").update(body).digest().equals(Buffer.from(contentMd5, "base64"))
  ) {
    throw S3Errors.badDigest();
  }
  return body;
}
