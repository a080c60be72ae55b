import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { S3Client } from "@aws-sdk/client-s3";
import { createS3Client } from "../../../../shared/adapters/s3/s3-client";
import { startS3Local, type S3Local } from "../../../../local/services/s3-local";

export interface TestS3 {
  /** A scratch folder holding only the data dir, to prove nothing is written beside it. */
  parent: string;
  directory: string;
  local: S3Local;
  s3: S3Client;
  internalErrors: string[];
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** The local S3 on a free port over a fresh data dir, and the SDK client chartbridge itself uses. */
export async function startTestS3(): Promise<TestS3> {
  const parent = mkdtempSync(join(tmpdir(), "local-s3-"));
  const directory = join(parent, "data");
  const internalErrors: string[] = [];
  const start = () => startS3Local({ directory, port: 0, onInternalError: (n) => internalErrors.push(n) });
  const harness: TestS3 = {
    parent,
    directory,
    local: await start(),
    s3: undefined as unknown as S3Client,
    internalErrors,
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
  return harness;
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
