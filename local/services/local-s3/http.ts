import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Authenticated } from "./auth";
import { S3Errors, S3Error } from "./errors";
import type { ObjectCreatedEvent } from "./events";
import type { VersionedStore } from "./storage";
import { toXml } from "./xml";

/** One request, parsed and authenticated, with what its handler needs. */
export interface S3Request {
  req: IncomingMessage;
  res: ServerResponse;
  store: VersionedStore;
  bucket: string;
  key: string;
  query: URLSearchParams;
  auth: Authenticated;
  endpoint: string;
  region: string;
  emit(event: ObjectCreatedEvent): void;
}

export function sendXml(
  res: ServerResponse,
  status: number,
  rootName: string,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
): void {
  const xml = toXml(rootName, body, rootName !== "Error");
  res.writeHead(status, {
    ...headers,
    "content-type": "application/xml",
    "content-length": Buffer.byteLength(xml),
  });
  res.end(xml);
}

export function sendEmpty(res: ServerResponse, status: number, headers: Record<string, string> = {}): void {
  res.writeHead(status, { ...headers, "content-length": 0 });
  res.end();
}

/**
 * S3's error document. Unexpected errors become InternalError with a fixed message: the original message
 * (which may hold a key or a path) goes nowhere; only its class name and code reach `report`.
 */
export function sendError(
  req: IncomingMessage,
  res: ServerResponse,
  err: unknown,
  report: (errorName: string) => void,
): void {
  const s3Error = err instanceof S3Error ? err : S3Errors.internalError();
  if (!(err instanceof S3Error)) {
    const { name, code } = (err ?? {}) as { name?: string; code?: unknown };
    report([name ?? "Error", typeof code === "string" ? code : undefined].filter(Boolean).join(" "));
  }
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const requestId = randomBytes(8).toString("hex").toUpperCase();
  const headers: Record<string, string> = { ...s3Error.headers, "x-amz-request-id": requestId };
  if (req.method === "HEAD") {
    sendEmpty(res, s3Error.status, headers);
    return;
  }
  // A body the client is still sending would otherwise be read after the error is answered.
  if (!req.complete) headers["connection"] = "close";
  sendXml(
    res,
    s3Error.status,
    "Error",
    { Code: s3Error.code, Message: s3Error.message, RequestId: requestId },
    headers,
  );
}
