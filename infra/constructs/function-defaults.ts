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

export type FunctionName =
  "ingest" | "ocr-complete" | "index-records" | "api" | "sweeper" | "reprocess-worker" | "record-events";

/**
 * Files from node_modules each function's bundle loads at run time (relative to the project root), copied
 * beside the bundle (ChartbridgeFunction `runtimeFiles`). Intake inspection in ingest runs mupdf, which
 * loads its WebAssembly beside the bundle.
 */
export const FUNCTION_RUNTIME_FILES: Readonly<Partial<Record<FunctionName, readonly string[]>>> = {
  ingest: ["node_modules/mupdf/dist/mupdf-wasm.wasm"],
};

/** Absolute path of `functions/<name>/handler.ts`. */
export function functionEntry(name: FunctionName): string {
  return fileURLToPath(new URL(`../../functions/${name}/handler.ts`, import.meta.url));
}
