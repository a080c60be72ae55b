import { RemovalPolicy } from "aws-cdk-lib";
import { RetentionDays } from "aws-cdk-lib/aws-logs";
import { z } from "zod";

/**
 * Deployment settings per environment, read from the `environments` context in cdk.json and selected with
 * `-c env=dev|prod` (default `dev`). Everything that differs between environments lives here; constructs
 * receive typed values and never read context themselves.
 */

/** The values CloudWatch Logs accepts for a retention period (RetentionDays), in days. */
const LOG_RETENTION_DAYS = new Set<number>(
  Object.values(RetentionDays).filter((v): v is number => typeof v === "number" && v > 0),
);

const logRetentionDays = z
  .number()
  .int()
  .refine((d) => LOG_RETENTION_DAYS.has(d), {
    message: `must be a CloudWatch Logs retention period: ${[...LOG_RETENTION_DAYS].sort((a, b) => a - b).join(", ")}`,
  });

const positiveInt = z.number().int().positive();

const EnvironmentSchema = z
  .object({
    /** Production data rules: no DESTROY removal policy, deletion protection on stateful resources. */
    production: z.boolean(),
    /** What happens to buckets, the table, the search domain, keys and logs when the stack is deleted. */
    removalPolicy: z.enum(["destroy", "retain"]),
    retention: z.strictObject({
      /** Raw Textract JSON in the results bucket expires after this many days (the record is the source). */
      ocrResultsDays: positiveInt,
      /** Lambda, API Gateway, VPC flow and OpenSearch log groups. */
      logDays: logRetentionDays,
      /** S3 server access logs in the access-log bucket. */
      accessLogDays: positiveInt,
    }),
    /** Default Object Lock retention (GOVERNANCE mode) on uploaded scans. */
    objectLockDays: positiveInt,
    textract: z.strictObject({
      /**
       * The share of the account's StartDocument… TPS quota this stack may use. Sizes the ingest Lambda's
       * SQS maxConcurrency (see `ingestMaxConcurrency`).
       */
      tpsBudget: positiveInt,
      /** `text` = DetectDocumentText; `forms`/`queries` = AnalyzeDocument with that feature. */
      features: z.enum(["text", "forms", "queries"]),
    }),
    network: z.strictObject({
      /**
       * Availability zones for the isolated VPC. The stack is environment-agnostic, so CDK can resolve at
       * most 2 AZs (Fn::GetAZs) whatever is asked here; a value above 2 takes effect once the stack gets
       * an explicit account/region.
       */
      maxAzs: z.number().int().min(1).max(3),
    }),
    search: z.strictObject({
      dataNodeInstanceType: z.string().endsWith(".search"),
      dataNodes: positiveInt,
      volumeGb: positiveInt,
      dedicatedMasterInstanceType: z.string().endsWith(".search").optional(),
      dedicatedMasters: z.union([z.literal(3), z.literal(5)]).optional(),
    }),
    /** Reserved concurrency per function (ingest is derived from the Textract budget). */
    concurrency: z.strictObject({
      ocrComplete: positiveInt,
      indexRecords: positiveInt,
      api: positiveInt,
    }),
    api: z.strictObject({
      /** Stage-wide steady-state requests per second. */
      rateLimit: positiveInt,
      burstLimit: positiveInt,
    }),
    logLevel: z.enum(["DEBUG", "INFO", "WARN", "ERROR"]),
  })
  .strict()
  .superRefine((env, ctx) => {
    if (env.production && env.removalPolicy === "destroy") {
      ctx.addIssue({
        code: "custom",
        path: ["removalPolicy"],
        message: "a production environment must not use removalPolicy 'destroy' on PHI data",
      });
    }
    if (
      (env.search.dedicatedMasterInstanceType === undefined) !==
      (env.search.dedicatedMasters === undefined)
    ) {
      ctx.addIssue({
        code: "custom",
        path: ["search"],
        message: "set both dedicatedMasterInstanceType and dedicatedMasters, or neither",
      });
    }
  });

export type EnvironmentSettings = z.infer<typeof EnvironmentSchema>;
export type OcrFeatureSet = EnvironmentSettings["textract"]["features"];

/** Parsed settings for one environment, with CDK types resolved. */
export interface ChartbridgeConfig {
  readonly envName: string;
  readonly production: boolean;
  readonly removalPolicy: RemovalPolicy;
  readonly deletionProtection: boolean;
  readonly ocrResultsRetentionDays: number;
  readonly logRetention: RetentionDays;
  readonly accessLogRetentionDays: number;
  readonly objectLockDays: number;
  readonly textractTpsBudget: number;
  readonly ocrFeatures: OcrFeatureSet;
  readonly maxAzs: number;
  readonly search: EnvironmentSettings["search"];
  readonly concurrency: EnvironmentSettings["concurrency"] & { readonly ingest: number };
  readonly api: EnvironmentSettings["api"];
  readonly logLevel: EnvironmentSettings["logLevel"];
}

export const DEFAULT_ENV = "dev";

/**
 * The ingest Lambda calls StartDocument… about once per message and handles one message at a time, so a
 * concurrent invocation issues at most ~1 call per second (each call also reads and hashes the object).
 * Capping concurrency at the TPS budget keeps the steady state inside the budget; the handler still backs
 * off on ThrottlingException. SQS event sources require maxConcurrency between 2 and 1000.
 */
export function ingestMaxConcurrency(tpsBudget: number): number {
  return Math.min(1000, Math.max(2, tpsBudget));
}

/**
 * Parse the settings for `envName` from the `environments` context object.
 * Throws with every problem listed when the settings are missing or invalid.
 */
export function parseConfig(environments: unknown, envName: string = DEFAULT_ENV): ChartbridgeConfig {
  if (typeof environments !== "object" || environments === null) {
    throw new Error("cdk.json context 'environments' is missing or not an object");
  }
  const raw = (environments as Record<string, unknown>)[envName];
  if (raw === undefined) {
    const known = Object.keys(environments).join(", ");
    throw new Error(`Unknown environment '${envName}' (-c env=…); cdk.json defines: ${known}`);
  }
  const parsed = EnvironmentSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`)
      .join("; ");
    throw new Error(`Invalid settings for environment '${envName}': ${problems}`);
  }
  const env = parsed.data;
  return {
    envName,
    production: env.production,
    removalPolicy: env.removalPolicy === "destroy" ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    deletionProtection: env.production,
    ocrResultsRetentionDays: env.retention.ocrResultsDays,
    logRetention: env.retention.logDays as RetentionDays,
    accessLogRetentionDays: env.retention.accessLogDays,
    objectLockDays: env.objectLockDays,
    textractTpsBudget: env.textract.tpsBudget,
    ocrFeatures: env.textract.features,
    maxAzs: env.network.maxAzs,
    search: env.search,
    concurrency: { ...env.concurrency, ingest: ingestMaxConcurrency(env.textract.tpsBudget) },
    api: env.api,
    logLevel: env.logLevel,
  };
}
