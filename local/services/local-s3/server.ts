import { EventEmitter } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { QueryParameterBag } from "@smithy/types";
import { authenticate, type Authenticated } from "./auth";
import * as buckets from "./buckets";
import { LOCAL_S3_REGION } from "./credentials";
import { S3Errors } from "./errors";
import type { ObjectCreatedEvent } from "./events";
import { sendError, type S3Request } from "./http";
import * as multipart from "./multipart";
import { decodeComponent } from "./names";
import * as objects from "./objects";
import { VersionedStore } from "./storage";

/** Sub-resources S3 has that the local S3 does not: refused plainly instead of acting as a plain GET/PUT. */
const UNSUPPORTED_SUBRESOURCES = [
  "accelerate",
  "acl",
  "analytics",
  "attributes",
  "cors",
  "encryption",
  "intelligent-tiering",
  "inventory",
  "legal-hold",
  "lifecycle",
  "logging",
  "metrics",
  "notification",
  "object-lock",
  "ownershipControls",
  "policy",
  "policyStatus",
  "publicAccessBlock",
  "replication",
  "requestPayment",
  "restore",
  "retention",
  "select",
  "tagging",
  "torrent",
  "website",
];

interface Target {
  rawPath: string;
  bucket: string;
  key: string;
  query: URLSearchParams;
  signingQuery: QueryParameterBag;
}

/** Path-style addressing: `/bucket/key…`; the key is everything after the bucket, percent-decoded, as is. */
function parseTarget(url: string): Target {
  const q = url.indexOf("?");
  const rawPath = q === -1 ? url : url.slice(0, q);
  if (!rawPath.startsWith("/")) throw S3Errors.invalidUri();
  const rest = rawPath.slice(1);
  const slash = rest.indexOf("/");
  const bucket = decodeComponent(slash === -1 ? rest : rest.slice(0, slash));
  const key = slash === -1 ? "" : decodeComponent(rest.slice(slash + 1));
  const query = new URLSearchParams();
  const signingQuery: QueryParameterBag = {};
  for (const pair of q === -1 ? [] : url.slice(q + 1).split("&")) {
    if (pair === "") continue;
    const eq = pair.indexOf("=");
    const name = decodeComponent(eq === -1 ? pair : pair.slice(0, eq));
    const value = eq === -1 ? "" : decodeComponent(pair.slice(eq + 1));
    query.append(name, value);
    const existing = signingQuery[name];
    signingQuery[name] =
      existing === undefined || existing === null
        ? value
        : Array.isArray(existing)
          ? [...existing, value]
          : [existing, value];
  }
  return { rawPath, bucket, key, query, signingQuery };
}

type Handler = (r: S3Request) => void | Promise<void>;

function route(method: string, r: Pick<S3Request, "bucket" | "key" | "query" | "req">): Handler {
  const { bucket, key, query } = r;
  if (UNSUPPORTED_SUBRESOURCES.some((name) => query.has(name))) throw S3Errors.notImplemented();
  if (bucket === "") {
    if (method === "GET") return buckets.listBuckets;
    throw S3Errors.methodNotAllowed();
  }
  if (key === "") {
    switch (method) {
      case "PUT":
        return query.has("versioning") ? buckets.putBucketVersioning : buckets.createBucket;
      case "HEAD":
        return buckets.headBucket;
      case "DELETE":
        return buckets.deleteBucket;
      case "POST":
        if (query.has("delete")) return objects.deleteObjects;
        break;
      case "GET":
        if (query.has("versioning")) return buckets.getBucketVersioning;
        if (query.has("location")) return buckets.getBucketLocation;
        if (query.has("versions")) return buckets.listObjectVersions;
        if (query.has("uploads")) throw S3Errors.notImplemented();
        return query.get("list-type") === "2" ? buckets.listObjectsV2 : buckets.listObjectsV1;
    }
    throw S3Errors.methodNotAllowed();
  }
  const uploadId = query.get("uploadId");
  switch (method) {
    case "PUT": {
      if (uploadId !== null) {
        if (r.req.headers["x-amz-copy-source"] !== undefined) throw S3Errors.notImplemented();
        return (s) => multipart.uploadPart(s, uploadId);
      }
      const copySource = r.req.headers["x-amz-copy-source"];
      if (typeof copySource === "string") return (s) => objects.copyObject(s, copySource);
      return objects.putObject;
    }
    case "GET":
    case "HEAD":
      if (uploadId !== null || query.has("partNumber")) throw S3Errors.notImplemented();
      return objects.getObject;
    case "DELETE":
      return uploadId !== null ? (s) => multipart.abortMultipartUpload(s, uploadId) : objects.deleteObject;
    case "POST":
      if (query.has("uploads")) return multipart.createMultipartUpload;
      if (uploadId !== null) return (s) => multipart.completeMultipartUpload(s, uploadId);
  }
  throw S3Errors.methodNotAllowed();
}

export interface LocalS3ServerOptions {
  directory: string;
  port: number;
  host?: string;
  /** Told the class name (and errno code) of unexpected errors; never their message, which may hold a key. */
  onInternalError?: (errorName: string) => void;
}

/**
 * A small S3-compatible server for local runs: path-style requests, SigV4 with one fixed key pair, every
 * bucket versioned, keys opaque. Emits `"event"` with an S3 notification for each object created.
 */
export class LocalS3Server extends EventEmitter<{ event: [ObjectCreatedEvent] }> {
  private http?: Server;
  endpoint = "";

  private constructor(
    private readonly store: VersionedStore,
    private readonly onInternalError: (errorName: string) => void,
  ) {
    super();
  }

  static async start(options: LocalS3ServerOptions): Promise<LocalS3Server> {
    const store = await VersionedStore.open(options.directory);
    const server = new LocalS3Server(
      store,
      options.onInternalError ?? ((name) => process.stderr.write(`local S3: internal error (${name})\n`)),
    );
    const host = options.host ?? "127.0.0.1";
    const http = createServer((req, res) => void server.handle(req, res));
    http.on("clientError", (_err, socket) => {
      if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n");
      else socket.destroy();
    });
    await new Promise<void>((resolve, reject) => {
      http.once("error", reject);
      http.listen(options.port, host, () => {
        http.off("error", reject);
        resolve();
      });
    });
    server.http = http;
    server.endpoint = `http://${host}:${(http.address() as AddressInfo).port}`;
    return server;
  }

  async close(): Promise<void> {
    const http = this.http;
    if (!http) return;
    this.http = undefined;
    await new Promise<void>((resolve) => {
      http.close(() => resolve());
      http.closeAllConnections();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.setHeader("server", "chartbridge-local-s3");
    try {
      const target = parseTarget(req.url ?? "/");
      const auth = await authenticate(req, target.rawPath, target.signingQuery);
      confine(auth, req, target);
      const request: S3Request = {
        req,
        res,
        store: this.store,
        bucket: target.bucket,
        key: target.key,
        query: target.query,
        auth,
        endpoint: this.endpoint,
        region: LOCAL_S3_REGION,
        emit: (event) => {
          // The object is committed whatever a listener does: its failure must not turn the PUT into a 500.
          try {
            this.emit("event", event);
          } catch (err) {
            this.onInternalError(`event listener ${(err as Error)?.name ?? "Error"}`);
          }
        },
      };
      await route(req.method ?? "GET", request)(request);
    } catch (err) {
      try {
        sendError(req, res, err, this.onInternalError);
      } catch {
        res.destroy();
      }
    }
  }
}

/**
 * A vendor's keys may upload under the vendor's prefix and nothing else (the IAM policy a vendor gets in AWS):
 * PutObject and the multipart upload calls on keys under `<vendor>/`. Reads, listings and deletes are refused.
 */
function confine(
  auth: Authenticated,
  req: IncomingMessage,
  target: { key?: string; query: URLSearchParams },
): void {
  const prefix = auth.identity.uploadPrefix;
  if (prefix === undefined) return;
  const key = target.key;
  const method = req.method ?? "GET";
  // A copy reads its source: a vendor could copy another vendor's scan into its own prefix.
  if (req.headers["x-amz-copy-source"] !== undefined) throw S3Errors.accessDenied();
  const upload =
    (method === "PUT" && !target.query.has("acl") && !target.query.has("tagging")) ||
    (method === "POST" && (target.query.has("uploads") || target.query.has("uploadId"))) ||
    (method === "DELETE" && target.query.has("uploadId"));
  if (!upload || !key || !key.startsWith(prefix) || key.length === prefix.length)
    throw S3Errors.accessDenied();
}
