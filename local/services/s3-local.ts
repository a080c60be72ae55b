import { mkdirSync } from "node:fs";
import { CreateBucketCommand, HeadBucketCommand, type S3Client } from "@aws-sdk/client-s3";
import S3rver from "s3rver";

export interface S3Local {
  endpoint: string;
  server: S3rver;
  stop(): Promise<void>;
}

/** An S3-compatible server (s3rver) persisting objects under `directory`. */
export async function startS3Local(opts: {
  directory: string;
  port: number;
  host?: string;
}): Promise<S3Local> {
  mkdirSync(opts.directory, { recursive: true });
  const host = opts.host ?? "127.0.0.1";
  const server = new S3rver({ address: host, port: opts.port, silent: true, directory: opts.directory });
  const { port } = await server.run();
  return { endpoint: `http://${host}:${port}`, server, stop: () => server.close() };
}

export async function ensureBuckets(s3: S3Client, names: string[]): Promise<void> {
  for (const Bucket of names) {
    try {
      await s3.send(new HeadBucketCommand({ Bucket }));
    } catch {
      await s3.send(new CreateBucketCommand({ Bucket }));
    }
  }
}

/** S3 notifications carry URL-encoded keys (spaces as "+"); s3rver's carry raw keys. Make them alike. */
export function encodeKeyLikeS3(key: string): string {
  return encodeURIComponent(key).replace(/%20/g, "+").replace(/%2F/g, "/");
}
