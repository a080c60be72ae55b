import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { SignatureV4 } from "@smithy/signature-v4";
import { NodeSha256 } from "../../../../local/services/local-s3/auth";
import { createS3Client } from "../../../../shared/adapters/s3/s3-client";
import {
  LOCAL_S3_CREDENTIALS,
  startS3Local,
  type ObjectCreatedEvent,
  type S3Local,
} from "../../../../local/services/s3-local";

export interface TestS3 {
  /** A scratch folder holding only the data dir, to prove nothing is written beside it. */
  parent: string;
  directory: string;
  local: S3Local;
  s3: S3Client;
  internalErrors: string[];
  /** Every ObjectCreated notification the server emitted, across restarts. */
  events: ObjectCreatedEvent[];
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The local S3 on a free port over a fresh data dir with `buckets` created, and the SDK client chartbridge
 * itself uses.
 */
export async function startTestS3(buckets: string[] = []): Promise<TestS3> {
  const parent = mkdtempSync(join(tmpdir(), "local-s3-"));
  const directory = join(parent, "data");
  const internalErrors: string[] = [];
  const events: ObjectCreatedEvent[] = [];
  const start = async () => {
    const local = await startS3Local({ directory, port: 0, onInternalError: (n) => internalErrors.push(n) });
    local.server.on("event", (e) => events.push(e));
    return local;
  };
  const harness: TestS3 = {
    parent,
    directory,
    local: await start(),
    s3: undefined as unknown as S3Client,
    internalErrors,
    events,
    async restart() {
      await harness.local.stop();
      harness.s3.destroy();
      harness.local = await start();
      harness.s3 = clientFor(harness.local.endpoint);
    },
    async stop() {
      harness.s3.destroy();
      await harness.local.stop();
      rmSync(parent, { recursive: true, force: true });
    },
  };
  harness.s3 = clientFor(harness.local.endpoint);
  for (const Bucket of buckets) await harness.s3.send(new CreateBucketCommand({ Bucket }));
  return harness;
}

/** A SigV4 signer with the documented local key pair, for requests the SDK would not send by itself. */
export function localSigner(): SignatureV4 {
  return new SignatureV4({
    credentials: LOCAL_S3_CREDENTIALS,
    region: "us-east-1",
    service: "s3",
    sha256: NodeSha256,
    uriEscapePath: false,
  });
}

export function clientFor(endpoint: string): S3Client {
  return createS3Client({ AWS_REGION: "us-east-1", S3_ENDPOINT: endpoint });
}

/** Every file under `dir`, relative to it. */
export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else out.push(relative(dir, path));
    }
  };
  walk(dir);
  return out.sort();
}
