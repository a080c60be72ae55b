import * as z from "zod/mini";
import { OCR_FEATURE_SETS } from "./ocr/ocr-engine";
import { budgetOf, defaultTextractQuotas, type ThroughputBudget } from "./throughput/textract-quotas";

/**
 * Runtime configuration from the environment. The same handlers run in Lambda and locally; only these
 * values differ (local endpoints point at DynamoDB Local and the local S3). zod/mini (zod's tree-shakable API):
 * every handler loads this at cold start.
 */
const ConfigSchema = z.object({
  AWS_REGION: z._default(z.string(), "us-east-1"),
  TABLE_NAME: z._default(z.string(), "chartbridge-records"),
  /** The audit trail's own table (append-only). */
  AUDIT_TABLE_NAME: z._default(z.string(), "chartbridge-audit"),
  UPLOAD_BUCKET: z._default(z.string(), "chartbridge-uploads"),
  /** The scans bucket's KMS key (AWS): vendors' presigned PUTs must name it. Unset locally. */
  UPLOAD_KMS_KEY_ID: z.optional(z.string()),
  /** The stack's EventBridge bus for domain events (AWS; the local stack keeps an event log instead). */
  EVENT_BUS_NAME: z.optional(z.string()),
  RESULTS_BUCKET: z._default(z.string(), "chartbridge-results"),
  /** Set locally: DynamoDB Local and the local S3. Unset in AWS. */
  DYNAMODB_ENDPOINT: z.optional(z.url()),
  S3_ENDPOINT: z.optional(z.url()),
  OCR_ENGINE: z._default(z.enum(["textract", "local"]), "textract"),
  OCR_FEATURES: z._default(z.enum(OCR_FEATURE_SETS), "text"),
  TEXTRACT_SNS_TOPIC_ARN: z.optional(z.string()),
  TEXTRACT_ROLE_ARN: z.optional(z.string()),
  SEARCH_ENGINE: z._default(z.enum(["opensearch", "embedded"]), "opensearch"),
  SEARCH_ENDPOINT: z.optional(z.string()),
  SEARCH_INDEX: z._default(z.string(), "chart-records"),
  /** The queue of bulk reprocess chunks (the api sends, the reprocess worker consumes). Unset locally. */
  REPROCESS_QUEUE_URL: z.optional(z.string()),
  /** Identity fields below this confidence send a record to NEEDS_REVIEW. */
  REVIEW_THRESHOLD: z._default(z.coerce.number().check(z.gte(0), z.lte(1)), 0.8),
  /** The sweeper: a record left this long in RECEIVED, OCR_PENDING or EXTRACTED is stuck. */
  SWEEP_STUCK_AFTER_MINUTES: z._default(z.coerce.number().check(z.int(), z.gte(1)), 30),
  /** Retries of a stuck record's step before it is failed (STUCK_TIMEOUT / OCR_TIMEOUT). */
  SWEEP_MAX_ATTEMPTS: z._default(z.coerce.number().check(z.int(), z.gte(0)), 3),
  /** Records per state per sweep; the rest wait for the next sweep. */
  SWEEP_BATCH_SIZE: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(1000)), 100),
  /** How often the local runtime sweeps (in AWS the schedule comes from cdk.json `sweeper.intervalMinutes`). */
  SWEEP_INTERVAL_MINUTES: z._default(z.coerce.number().check(z.int(), z.gte(1)), 10),
  /**
   * Admission control of Textract calls (shared/throughput): paces Start… and Get… calls to the TPS budget
   * and keeps jobs in progress within the job budget, parking ingest messages that must wait. "off": every
   * start goes straight to Textract (tests, `extract`). The CDK app and the local runtime turn it on.
   */
  TEXTRACT_GOVERNOR: z._default(z.enum(["on", "off"]), "off"),
  /** The ingest queue, whose messages the governor parks and wakes (AWS; the local runtime has its own). */
  INGEST_QUEUE_URL: z.optional(z.string()),
  /**
   * The Textract quotas this deployment may use (per account and region, shared with every other caller).
   * Unset: the region's AWS defaults for the feature set (shared/throughput/textract-quotas.ts).
   */
  TEXTRACT_START_TPS: z.optional(z.coerce.number().check(z.gt(0))),
  TEXTRACT_GET_TPS: z.optional(z.coerce.number().check(z.gt(0))),
  TEXTRACT_MAX_JOBS: z.optional(z.coerce.number().check(z.int(), z.gte(1))),
  /** The share of each quota the governor leaves unused: clock skew between Lambdas, late calls, other callers. */
  TEXTRACT_QUOTA_MARGIN: z._default(z.coerce.number().check(z.gte(0), z.lte(0.5)), 0.1),
  /**
   * A started job keeps its slot this long without a completion (a lost notification) before the slot is
   * reclaimed; the sweeper renews it while Textract still runs the job.
   */
  /** The identifier system of the facility's medical record numbers in FHIR (e.g. its `urn:oid:`). */
  FHIR_MRN_SYSTEM: z._default(z.string().check(z.minLength(1)), "urn:chartbridge:mrn"),
  /** The FHIR base URL clients use (a custom domain); unset: made from the request's host and stage. */
  FHIR_BASE_URL: z.optional(z.url()),
  TEXTRACT_JOB_LEASE_MINUTES: z._default(z.coerce.number().check(z.int(), z.gte(1)), 120),
});

export type Config = z.infer<typeof ConfigSchema>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`Invalid configuration: ${problems}`);
  }
  return parsed.data;
}

/** The sweeper's settings (shared/pipeline/sweep-stuck-records.ts SweepSettings) from the configuration. */
export function sweepSettings(config: Config): {
  stuckAfterMs: number;
  maxAttempts: number;
  batchSize: number;
} {
  return {
    stuckAfterMs: config.SWEEP_STUCK_AFTER_MINUTES * 60_000,
    maxAttempts: config.SWEEP_MAX_ATTEMPTS,
    batchSize: config.SWEEP_BATCH_SIZE,
  };
}

/** What the throughput governor may use: the configured (or the region's default) quotas, less the margin. */
export function throughputBudget(config: Config): ThroughputBudget {
  const defaults = defaultTextractQuotas(config.AWS_REGION, config.OCR_FEATURES);
  return budgetOf(
    {
      startTps: config.TEXTRACT_START_TPS ?? defaults.startTps,
      getTps: config.TEXTRACT_GET_TPS ?? defaults.getTps,
      maxJobs: config.TEXTRACT_MAX_JOBS ?? defaults.maxJobs,
    },
    config.TEXTRACT_QUOTA_MARGIN,
  );
}
