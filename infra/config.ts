import { RemovalPolicy } from "aws-cdk-lib";
import { RetentionDays } from "aws-cdk-lib/aws-logs";
import { z } from "zod";
import { OCR_FEATURE_SETS, type OcrFeatureSet } from "../shared/ocr/ocr-engine";
import { ingestMaxConcurrency } from "./pipeline-sizing";

export { ingestMaxConcurrency };

/**
 * Deployment settings per environment, read from the `environments` context in cdk.json and selected with
 * `-c env=dev|prod` (default `dev`). Everything that differs between environments lives here; constructs
 * receive typed values and never read context themselves.
 */

/** Production refuses an Object Lock default shorter than this (originals are the legal record). */
export const PRODUCTION_MIN_OBJECT_LOCK_DAYS = 365;
/** Production refuses log retention shorter than this (logs are the audit trail). */
export const PRODUCTION_MIN_LOG_DAYS = 365;

/** Production refuses keeping CloudTrail data-event logs for less than six years (HIPAA §164.316(b)(2)). */
export const PRODUCTION_MIN_AUDIT_DAYS = 2190;

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

/**
 * S3 storage classes a lifecycle rule may move PHI objects to, warmest first. One Zone-IA is left out on
 * purpose: originals and OCR output must survive the loss of an AZ.
 */
export const LIFECYCLE_STORAGE_CLASSES = ["STANDARD_IA", "GLACIER_IR", "GLACIER", "DEEP_ARCHIVE"] as const;
export type LifecycleStorageClass = (typeof LIFECYCLE_STORAGE_CLASSES)[number];

/** S3 refuses a Standard-IA transition before day 30, and the next transition within 30 days of it. */
const STANDARD_IA_MIN_DAYS = 30;

const transitionSchema = z.strictObject({
  storageClass: z.enum(LIFECYCLE_STORAGE_CLASSES),
  /** Days after the object was created (current) or became noncurrent (noncurrent). */
  days: positiveInt,
});
export type LifecycleTransition = z.infer<typeof transitionSchema>;

/** Transitions in the order S3 applies them: each colder and later than the one before. */
const transitionListSchema = z.array(transitionSchema).superRefine((list, ctx) => {
  list.forEach((t, i) => {
    if (t.storageClass === "STANDARD_IA" && t.days < STANDARD_IA_MIN_DAYS) {
      ctx.addIssue({
        code: "custom",
        path: [i, "days"],
        message: `S3 moves objects to STANDARD_IA after ${STANDARD_IA_MIN_DAYS} days at the earliest`,
      });
    }
    const prev = list[i - 1];
    if (prev === undefined) return;
    const rank = (c: LifecycleStorageClass): number => LIFECYCLE_STORAGE_CLASSES.indexOf(c);
    if (rank(t.storageClass) <= rank(prev.storageClass) || t.days <= prev.days) {
      ctx.addIssue({
        code: "custom",
        path: [i],
        message: `must move to a colder class than ${prev.storageClass} and later than day ${prev.days}`,
      });
    } else if (prev.storageClass === "STANDARD_IA" && t.days - prev.days < STANDARD_IA_MIN_DAYS) {
      ctx.addIssue({
        code: "custom",
        path: [i, "days"],
        message: `objects must stay ${STANDARD_IA_MIN_DAYS} days in STANDARD_IA before the next transition`,
      });
    }
  });
});

const bucketLifecycleSchema = z.strictObject({
  /** Current versions. */
  transitions: transitionListSchema,
  /** Versions replaced by a newer upload of the same key. */
  noncurrentTransitions: transitionListSchema,
});

/**
 * Cross-region replication: the PHI buckets replicate to buckets in `region` (stack
 * `Chartbridge-<env>-replica`), and records backups are copied to a vault there.
 */
const replicationSchema = z.strictObject({
  /** The second region; the main stack must be deployed to a different one. */
  region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, { message: "must be an AWS region such as us-west-2" }),
});

/** AWS Backup of the records table (on top of point-in-time recovery): retention of each rule, in days. */
const backupSchema = z
  .strictObject({
    dailyRetentionDays: positiveInt,
    weeklyRetentionDays: positiveInt,
    monthlyRetentionDays: positiveInt,
    /**
     * Vault Lock (governance mode): no recovery point can be deleted, nor its retention shortened, before
     * this many days. At most the shortest rule retention, or backup jobs into the vault fail.
     */
    vaultLockMinRetentionDays: positiveInt.optional(),
  })
  .superRefine((b, ctx) => {
    if (b.weeklyRetentionDays < b.dailyRetentionDays || b.monthlyRetentionDays < b.weeklyRetentionDays) {
      ctx.addIssue({
        code: "custom",
        message: "retention must not shrink from daily to weekly to monthly backups",
      });
    }
    if (b.vaultLockMinRetentionDays !== undefined && b.vaultLockMinRetentionDays > b.dailyRetentionDays) {
      ctx.addIssue({
        code: "custom",
        path: ["vaultLockMinRetentionDays"],
        message: `must be at most dailyRetentionDays (${b.dailyRetentionDays}): the vault refuses shorter-lived recovery points`,
      });
    }
  });

/**
 * The stuck-record sweeper (functions/sweeper): how often it runs, when a record in RECEIVED, OCR_PENDING or
 * EXTRACTED counts as stuck, and how many retries it gets before it is FAILED (STUCK_TIMEOUT / OCR_TIMEOUT).
 */
const sweeperSchema = z
  .strictObject({
    intervalMinutes: z.number().int().min(1).max(1440),
    stuckAfterMinutes: positiveInt,
    maxAttempts: z.number().int().min(0).max(20),
  })
  .default({ intervalMinutes: 15, stuckAfterMinutes: 30, maxAttempts: 3 });
export type SweeperSettings = z.infer<typeof sweeperSchema>;

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
      /** CloudTrail data-event log files of the PHI buckets (HIPAA keeps audit records six years). */
      auditLogDays: positiveInt,
    }),
    /** Default Object Lock retention (GOVERNANCE mode) on uploaded scans. */
    objectLockDays: positiveInt,
    /** S3 lifecycle: when objects move to colder (cheaper) storage classes. */
    lifecycle: z.strictObject({
      /** The uploads bucket (original scans; never expired, Object Lock protects them). */
      scans: bucketLifecycleSchema,
      /** The results bucket (raw Textract JSON); expires after `retention.ocrResultsDays`. */
      ocrResults: bucketLifecycleSchema.extend({
        /** Replaced versions of OCR output are deleted after this many days. */
        noncurrentExpirationDays: positiveInt,
      }),
    }),
    textract: z.strictObject({
      /**
       * The share of the account's StartDocument… TPS quota this stack may use: the throughput governor paces
       * Start… calls to it (less TEXTRACT_QUOTA_MARGIN). Also sizes the ingest Lambda's SQS maxConcurrency
       * (see `ingestMaxConcurrency`).
       */
      tpsBudget: positiveInt,
      /** The share of the GetDocument… TPS quota (result pages read per second). Default: `tpsBudget`. */
      getTpsBudget: positiveInt.optional(),
      /**
       * Textract jobs in progress this stack may hold: the account's concurrent-job quota is 600 in us-east-1
       * and us-west-2, 100 in most other regions. Default 100.
       */
      maxJobs: positiveInt.default(100),
      /** `text` = DetectDocumentText; `forms`/`queries` = AnalyzeDocument with that feature. */
      features: z.enum(OCR_FEATURE_SETS),
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
      /**
       * WAF rate-based rule: requests one client IP may make in 5 minutes before it is blocked. Staff
       * behind one hospital NAT share an IP, so size this for the busiest site, not one user.
       */
      wafRequestsPer5MinPerIp: z.number().int().min(10).max(2_000_000_000),
      /** Prefix of the Cognito hosted domain (`<prefix>.auth.<region>.amazoncognito.com`): unique per region. */
      authDomainPrefix: z
        .string()
        .regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, "lower-case letters, digits and hyphens"),
      /** Where the hosted UI may send the web app's users back to after sign-in and sign-out. */
      webCallbackUrls: z.array(z.url()).min(1),
      /** The identifier system of the facility's MRNs in the FHIR API (its `urn:oid:…`). */
      fhirMrnSystem: z.string().regex(/^(urn:|https?:\/\/)\S+$/, "a URI (urn:oid:…, urn:…, https://…)"),
      /** The FHIR base URL clients call, when it is a custom domain (links are made from it). */
      fhirBaseUrl: z.url().optional(),
    }),
    /** The records-staff web app behind CloudFront (infra/constructs/web-app-hosting.ts). */
    web: z.strictObject({
      /** Sign a person out after this many minutes without keyboard or pointer use (workstation policy). */
      idleTimeoutMinutes: z.number().int().min(1).max(240),
      /** The CloudFront WAF's rate-based rule: requests one client IP may make in 5 minutes. */
      wafRequestsPer5MinPerIp: z.number().int().min(10).max(2_000_000_000),
      /**
       * The app's own host name and its ACM certificate (in us-east-1, as CloudFront requires): with them
       * viewers must use TLS 1.2 or later. Without them the app is served on the distribution's
       * cloudfront.net name, whose shared certificate still admits TLS 1.0 (so production requires them).
       */
      domainName: z
        .string()
        .regex(/^[a-z0-9.-]+$/, "a host name")
        .optional(),
      certificateArn: z
        .string()
        .regex(
          /^arn:aws[a-z-]*:acm:us-east-1:\d{12}:certificate\/[\w-]+$/,
          "an ACM certificate ARN in us-east-1",
        )
        .optional(),
    }),
    logLevel: z.enum(["DEBUG", "INFO", "WARN", "ERROR"]),
    sweeper: sweeperSchema,
    /** Cross-region replication of the PHI buckets and backup copies; required in production. */
    replication: replicationSchema.optional(),
    backup: backupSchema,
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
    if (env.production) {
      const refuse = (path: (string | number)[], message: string): void =>
        ctx.addIssue({ code: "custom", path, message: `production: ${message}` });
      if (env.network.maxAzs < 2) {
        refuse(
          ["network", "maxAzs"],
          "needs at least 2 AZs (the search domain and endpoints must survive an AZ loss)",
        );
      }
      if (env.objectLockDays < PRODUCTION_MIN_OBJECT_LOCK_DAYS) {
        refuse(
          ["objectLockDays"],
          `original scans must stay locked at least ${PRODUCTION_MIN_OBJECT_LOCK_DAYS} days (they are the legal record)`,
        );
      }
      if (env.retention.auditLogDays < PRODUCTION_MIN_AUDIT_DAYS) {
        refuse(
          ["retention", "auditLogDays"],
          `audit logs must be kept at least ${PRODUCTION_MIN_AUDIT_DAYS} days (six years)`,
        );
      }
      if (!env.web.domainName || !env.web.certificateArn) {
        refuse(
          ["web"],
          "the web app needs its own domainName and certificateArn (TLS 1.2 or later for viewers)",
        );
      }
      if (env.api.webCallbackUrls.some((u) => !u.startsWith("https://"))) {
        refuse(["api", "webCallbackUrls"], "callback URLs must be https");
      }
      if (env.retention.logDays < PRODUCTION_MIN_LOG_DAYS) {
        refuse(
          ["retention", "logDays"],
          `logs (the audit trail) must be kept at least ${PRODUCTION_MIN_LOG_DAYS} days`,
        );
      }
      if (env.search.dataNodes < 2 || env.search.dedicatedMasters === undefined) {
        refuse(["search"], "needs at least 2 data nodes (zone-aware) and dedicated master nodes");
      }
      if (env.replication === undefined) {
        refuse(
          ["replication"],
          'needs cross-region replication ({ "region": … }): originals and backups must survive the loss of a region',
        );
      }
      if (env.backup.vaultLockMinRetentionDays === undefined) {
        refuse(
          ["backup", "vaultLockMinRetentionDays"],
          "needs a Vault Lock on the records backup vault (recovery points must not be deletable early)",
        );
      }
    }
    const expiry = env.retention.ocrResultsDays;
    env.lifecycle.ocrResults.transitions.forEach((t, i) => {
      if (t.days >= expiry) {
        ctx.addIssue({
          code: "custom",
          path: ["lifecycle", "ocrResults", "transitions", i, "days"],
          message: `must be before the expiry of OCR results (retention.ocrResultsDays = ${expiry})`,
        });
      }
    });
    const noncurrentExpiry = env.lifecycle.ocrResults.noncurrentExpirationDays;
    env.lifecycle.ocrResults.noncurrentTransitions.forEach((t, i) => {
      if (t.days >= noncurrentExpiry) {
        ctx.addIssue({
          code: "custom",
          path: ["lifecycle", "ocrResults", "noncurrentTransitions", i, "days"],
          message: `must be before noncurrentExpirationDays (${noncurrentExpiry})`,
        });
      }
    });
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
export type ScansLifecycle = EnvironmentSettings["lifecycle"]["scans"];
export type OcrResultsLifecycle = EnvironmentSettings["lifecycle"]["ocrResults"];
export type BackupSettings = EnvironmentSettings["backup"];

/** Parsed settings for one environment, with CDK types resolved. */
export interface ChartbridgeConfig {
  readonly envName: string;
  readonly production: boolean;
  readonly removalPolicy: RemovalPolicy;
  readonly deletionProtection: boolean;
  readonly ocrResultsRetentionDays: number;
  readonly logRetention: RetentionDays;
  readonly accessLogRetentionDays: number;
  readonly auditLogRetentionDays: number;
  readonly objectLockDays: number;
  readonly lifecycle: EnvironmentSettings["lifecycle"];
  readonly textractTpsBudget: number;
  /** What the throughput governor may use of Textract's quotas (before its safety margin). */
  readonly textractThroughput: TextractThroughputSettings;
  readonly ocrFeatures: OcrFeatureSet;
  readonly maxAzs: number;
  readonly search: EnvironmentSettings["search"];
  readonly concurrency: EnvironmentSettings["concurrency"] & { readonly ingest: number };
  readonly api: EnvironmentSettings["api"];
  readonly web: EnvironmentSettings["web"];
  readonly logLevel: EnvironmentSettings["logLevel"];
  readonly sweeper: SweeperSettings;
  /** Undefined: no replica region (never in production). */
  readonly replication?: EnvironmentSettings["replication"];
  readonly backup: BackupSettings;
}

/** Start… and Get… calls per second and jobs in progress, as the throughput governor is configured. */
export interface TextractThroughputSettings {
  readonly startTps: number;
  readonly getTps: number;
  readonly maxJobs: number;
}

export const DEFAULT_ENV = "dev";

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
    auditLogRetentionDays: env.retention.auditLogDays,
    objectLockDays: env.objectLockDays,
    lifecycle: env.lifecycle,
    textractTpsBudget: env.textract.tpsBudget,
    textractThroughput: {
      startTps: env.textract.tpsBudget,
      getTps: env.textract.getTpsBudget ?? env.textract.tpsBudget,
      maxJobs: env.textract.maxJobs,
    },
    ocrFeatures: env.textract.features,
    maxAzs: env.network.maxAzs,
    search: env.search,
    concurrency: { ...env.concurrency, ingest: ingestMaxConcurrency(env.textract.tpsBudget) },
    api: env.api,
    web: env.web,
    logLevel: env.logLevel,
    sweeper: env.sweeper,
    replication: env.replication,
    backup: env.backup,
  };
}
