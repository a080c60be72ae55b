import type { RemovalPolicy } from "aws-cdk-lib";
import type * as kms from "aws-cdk-lib/aws-kms";
import type * as logs from "aws-cdk-lib/aws-logs";
import { fileURLToPath } from "node:url";
import type { IsolatedNetwork } from "./isolated-network";

/** Settings every chartbridge function shares, from the environment config. */
export interface FunctionDefaults {
  readonly logLevel: string;
  readonly logRetention: logs.RetentionDays;
  /** The logs data-class key (log groups and environment variables). */
  readonly logsKey: kms.IKey;
  readonly removalPolicy: RemovalPolicy;
  /** The VPC every function runs in. */
  readonly network: IsolatedNetwork;
}

export type FunctionName = "ingest" | "ocr-complete" | "index-records" | "api" | "sweeper";

/** Absolute path of `functions/<name>/handler.ts`. */
export function functionEntry(name: FunctionName): string {
  return fileURLToPath(new URL(`../../functions/${name}/handler.ts`, import.meta.url));
}
