import { createReadStream } from "node:fs";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import pRetry, { AbortError } from "p-retry";

/** S3 refused the upload: the URL expired (a fresh target is needed), or the bytes did not match. */
export class UploadRefusedError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
  ) {
    super(`the storage refused the upload (${status} ${code})`);
    this.name = "UploadRefusedError";
  }
}

/**
 * PUTs a file to a presigned URL, streamed from disk with its length (S3 takes no chunked uploads), with the
 * target's signed headers. Network errors and 5xx are retried with backoff (bytes counted again from zero);
 * a 4xx is not: 403 usually means the URL expired, 400 BadDigest that the file changed since it was hashed.
 */
export async function putFile(
  path: string,
  size: number,
  target: { url: string; headers: Record<string, string> },
  onBytes: (delta: number) => void,
  retries = 4,
): Promise<void> {
  await pRetry(
    async () => {
      let sent = 0;
      try {
        await putOnce(path, size, target, (n) => {
          sent += n;
          onBytes(n);
        });
      } catch (err) {
        onBytes(-sent);
        if (err instanceof UploadRefusedError && err.status < 500) throw new AbortError(err);
        throw err;
      }
    },
    { retries, minTimeout: 500, maxTimeout: 15_000, randomize: true },
  );
}

function putOnce(
  path: string,
  size: number,
  target: { url: string; headers: Record<string, string> },
  onBytes: (n: number) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const url = new URL(target.url);
    const send = url.protocol === "https:" ? httpsRequest : httpRequest;
    const req = send(url, {
      method: "PUT",
      headers: { ...target.headers, "content-length": String(size) },
      timeout: 120_000,
    });
    req.on("timeout", () => req.destroy(new Error("upload timed out")));
    req.on("error", reject);
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        if (res.statusCode === 200) return resolve();
        const code = /<Code>([^<]+)<\/Code>/.exec(Buffer.concat(chunks).toString("utf8"))?.[1] ?? "Error";
        reject(new UploadRefusedError(res.statusCode ?? 0, code));
      });
    });
    const stream = createReadStream(path);
    stream.on("data", (chunk) => onBytes((chunk as Buffer).length));
    stream.on("error", (err) => req.destroy(err));
    stream.pipe(req);
  });
}
