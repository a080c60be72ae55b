import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { getSigningKey, SignatureV4 } from "@smithy/signature-v4";
import type { Checksum, HttpRequest, QueryParameterBag, SourceData } from "@smithy/types";
import type { ChunkVerifier } from "./aws-chunked";
import { identityOf, type LocalS3Identity } from "./credentials";
import { S3Errors } from "./errors";

/** What a verified request may still need: its payload hash mode and, for chunk-signed bodies, a verifier. */
export interface Authenticated {
  payloadHash: string;
  chunkVerifier?: ChunkVerifier;
  /** Who signed: a vendor's keys are confined to uploads under its prefix. */
  identity: LocalS3Identity;
}

const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;
const EMPTY_SHA256 = createHash("sha256").digest("hex");

/** node:crypto behind the SDK's hash interface (HMAC when given a key). */
export class NodeSha256 implements Checksum {
  private readonly hash;
  constructor(secret?: SourceData) {
    this.hash = secret === undefined ? createHash("sha256") : createHmac("sha256", toBytes(secret));
  }
  update(data: Uint8Array | string): void {
    this.hash.update(data);
  }
  async digest(): Promise<Uint8Array> {
    return this.hash.digest();
  }
  reset(): void {
    throw new Error("not supported");
  }
}

const toBytes = (data: SourceData): string | Uint8Array =>
  typeof data === "string"
    ? data
    : ArrayBuffer.isView(data)
      ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
      : new Uint8Array(data);

const signerFor = (region: string, identity: LocalS3Identity) =>
  new SignatureV4({
    credentials: identity,
    region,
    service: "s3",
    sha256: NodeSha256,
    // S3 signs the path exactly as sent: no normalisation of "..", no second escaping.
    uriEscapePath: false,
    applyChecksum: false,
  });

const equalHex = (a: string, b: string) =>
  a.length === b.length && timingSafeEqual(Buffer.from(a, "latin1"), Buffer.from(b, "latin1"));

interface Scope {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
}

function parseCredential(credential: string, malformed: () => Error): Scope {
  const parts = credential.split("/");
  if (parts.length !== 5 || parts[4] !== "aws4_request") throw malformed();
  const [accessKeyId, date, region, service] = parts as [string, string, string, string];
  if (!/^\d{8}$/.test(date) || service !== "s3" || region === "") throw malformed();
  return { accessKeyId, date, region, service };
}

function parseAmzDate(value: string | undefined, malformed: () => Error): Date {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value ?? "");
  if (!m) throw malformed();
  return new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!));
}

function signedHeaders(req: IncomingMessage, names: string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const name of names) {
    const value = req.headers[name];
    if (value === undefined) throw S3Errors.signatureDoesNotMatch();
    headers[name] = Array.isArray(value) ? value.join(",") : value;
  }
  return headers;
}

/** The request as received, with only the headers the client says it signed, for the SDK signer to sign again. */
function requestToVerify(
  req: IncomingMessage,
  rawPath: string,
  query: QueryParameterBag,
  names: string[],
): HttpRequest {
  const headers = signedHeaders(req, names);
  return {
    method: req.method ?? "GET",
    protocol: "http:",
    hostname: "",
    path: rawPath,
    query: { ...query },
    headers,
  };
}

/**
 * Verifies SigV4 (Authorization header or presigned query) by recomputing the signature with the SDK's own
 * signer over the request as received, and comparing in constant time.
 */
export async function authenticate(
  req: IncomingMessage,
  rawPath: string,
  query: QueryParameterBag,
): Promise<Authenticated> {
  const authorization = req.headers.authorization;
  if (authorization !== undefined) return verifyHeader(req, rawPath, query, authorization);
  if (query["X-Amz-Algorithm"] !== undefined) return verifyPresigned(req, rawPath, query);
  throw S3Errors.accessDenied();
}

async function verifyHeader(
  req: IncomingMessage,
  rawPath: string,
  query: QueryParameterBag,
  authorization: string,
): Promise<Authenticated> {
  const malformed = S3Errors.authorizationHeaderMalformed;
  const m = /^AWS4-HMAC-SHA256 (.*)$/.exec(authorization);
  if (!m) throw malformed();
  const fields = new Map(
    m[1]!.split(",").map((f) => {
      const at = f.indexOf("=");
      return [f.slice(0, at).trim(), f.slice(at + 1).trim()] as const;
    }),
  );
  const credential = fields.get("Credential");
  const headerList = fields.get("SignedHeaders");
  const signature = fields.get("Signature");
  if (!credential || !headerList || !signature) throw malformed();
  const scope = parseCredential(credential, malformed);
  const identity = identityOf(scope.accessKeyId);
  if (!identity) throw S3Errors.invalidAccessKeyId();
  const amzDate = req.headers["x-amz-date"];
  const signingDate = parseAmzDate(typeof amzDate === "string" ? amzDate : undefined, S3Errors.accessDenied);
  if (Math.abs(Date.now() - signingDate.getTime()) > MAX_CLOCK_SKEW_MS) throw S3Errors.requestTimeTooSkewed();
  const payloadHash = req.headers["x-amz-content-sha256"];
  if (typeof payloadHash !== "string") {
    throw S3Errors.invalidRequest("Missing required header for this request: x-amz-content-sha256");
  }

  const names = headerList.split(";");
  if (!names.includes("host")) throw S3Errors.signatureDoesNotMatch();
  const request = requestToVerify(req, rawPath, query, names);
  const signed = await signerFor(scope.region, identity).sign(request, {
    signingDate,
    signableHeaders: new Set(names),
  });
  const expected = /Signature=([0-9a-f]{64})$/.exec(signed.headers.authorization ?? "")?.[1] ?? "";
  const expectedList = /SignedHeaders=([^,]+),/.exec(signed.headers.authorization ?? "")?.[1];
  if (expectedList !== headerList || !equalHex(expected, signature)) throw S3Errors.signatureDoesNotMatch();

  const chunkSigned = payloadHash.startsWith("STREAMING-AWS4-HMAC-SHA256-PAYLOAD");
  return {
    payloadHash,
    chunkVerifier: chunkSigned
      ? await chunkVerifier(scope, identity, amzDate as string, signature)
      : undefined,
    identity,
  };
}

async function verifyPresigned(
  req: IncomingMessage,
  rawPath: string,
  query: QueryParameterBag,
): Promise<Authenticated> {
  const malformed = S3Errors.authorizationQueryParametersError;
  const one = (name: string) => {
    const v = query[name];
    if (typeof v !== "string") throw malformed();
    return v;
  };
  if (one("X-Amz-Algorithm") !== "AWS4-HMAC-SHA256") throw malformed();
  const scope = parseCredential(one("X-Amz-Credential"), malformed);
  const identity = identityOf(scope.accessKeyId);
  if (!identity) throw S3Errors.invalidAccessKeyId();
  const signingDate = parseAmzDate(one("X-Amz-Date"), malformed);
  const expiresIn = Number(one("X-Amz-Expires"));
  if (!Number.isInteger(expiresIn) || expiresIn < 1 || expiresIn > 604800) throw malformed();
  const now = Date.now();
  if (now > signingDate.getTime() + expiresIn * 1000) throw S3Errors.expiredToken();
  if (signingDate.getTime() - now > MAX_CLOCK_SKEW_MS) throw S3Errors.requestTimeTooSkewed();
  const names = one("X-Amz-SignedHeaders").split(";");
  const signature = one("X-Amz-Signature");

  // Presigned requests sign UNSIGNED-PAYLOAD unless the client signed x-amz-content-sha256 itself.
  const request: HttpRequest = { ...requestToVerify(req, rawPath, query, names), body: {} };
  const presigned = await signerFor(scope.region, identity).presign(request, {
    signingDate,
    expiresIn,
    signableHeaders: new Set(names),
    unhoistableHeaders: new Set(names),
  });
  const expected = presigned.query?.["X-Amz-Signature"];
  if (presigned.query?.["X-Amz-SignedHeaders"] !== names.join(";")) throw S3Errors.signatureDoesNotMatch();
  if (typeof expected !== "string" || !equalHex(expected, signature)) throw S3Errors.signatureDoesNotMatch();
  return { payloadHash: request.headers["x-amz-content-sha256"] ?? "UNSIGNED-PAYLOAD", identity };
}

/** Each chunk of a STREAMING-AWS4-HMAC-SHA256-PAYLOAD body signs its data and the previous signature. */
async function chunkVerifier(
  scope: Scope,
  identity: LocalS3Identity,
  longDate: string,
  seedSignature: string,
): Promise<ChunkVerifier> {
  const key = await getSigningKey(NodeSha256, identity, scope.date, scope.region, "s3");
  const scopeText = `${scope.date}/${scope.region}/s3/aws4_request`;
  let previous = seedSignature;
  const check = (algorithm: string, hashHex: string, signature: string) => {
    const stringToSign = [
      algorithm,
      longDate,
      scopeText,
      previous,
      ...(algorithm.endsWith("PAYLOAD") ? [EMPTY_SHA256] : []),
      hashHex,
    ].join("\n");
    const expected = createHmac("sha256", key).update(stringToSign).digest("hex");
    if (!equalHex(expected, signature)) throw S3Errors.signatureDoesNotMatch();
    previous = signature;
  };
  return {
    chunk(signature, sha256Hex) {
      check("AWS4-HMAC-SHA256-PAYLOAD", sha256Hex, signature);
    },
    trailer(signature, canonicalTrailer) {
      check(
        "AWS4-HMAC-SHA256-TRAILER",
        createHash("sha256").update(canonicalTrailer).digest("hex"),
        signature,
      );
    },
  };
}
