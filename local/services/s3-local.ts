import { mkdirSync } from "node:fs";
import { CreateBucketCommand, HeadBucketCommand, type S3Client } from "@aws-sdk/client-s3";
import { LocalS3Server } from "./local-s3/server";

export { LOCAL_S3_CREDENTIALS, LOCAL_S3_REGION } from "./local-s3/credentials";
export { encodeKeyLikeS3, type ObjectCreatedEvent } from "./local-s3/events";

export interface S3Local {
  endpoint: string;
  /** Emits `"event"` with an S3 notification (`ObjectCreated:*`) for each object created. */
  server: LocalS3Server;
  stop(): Promise<void>;
}

/**
 * The local S3: versioned buckets, opaque keys, SigV4 with the documented local key pair, objects persisted
 * under `directory` so that they survive a crash or a restart.
 */
export async function startS3Local(opts: {
  directory: string;
  port: number;
  host?: string;
  onInternalError?: (errorName: string) => void;
}): Promise<S3Local> {
  mkdirSync(opts.directory, { recursive: true });
  const server = await LocalS3Server.start(opts);
  return { endpoint: server.endpoint, server, stop: () => server.close() };
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
