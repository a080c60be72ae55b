import * as z from "zod";

/**
 * Runtime configuration from the environment. The same handlers run in Lambda and locally; only these
 * values differ (local endpoints point at DynamoDB Local and s3rver).
 */
const ConfigSchema = z.object({
  AWS_REGION: z.string().default("us-east-1"),
  TABLE_NAME: z.string().default("chartbridge-records"),
  UPLOAD_BUCKET: z.string().default("chartbridge-uploads"),
  RESULTS_BUCKET: z.string().default("chartbridge-results"),
  /** Set locally: DynamoDB Local and s3rver. Unset in AWS. */
  DYNAMODB_ENDPOINT: z.string().url().optional(),
  S3_ENDPOINT: z.string().url().optional(),
  OCR_ENGINE: z.enum(["textract", "local"]).default("textract"),
  OCR_FEATURES: z.enum(["text", "forms", "queries"]).default("text"),
  TEXTRACT_SNS_TOPIC_ARN: z.string().optional(),
  TEXTRACT_ROLE_ARN: z.string().optional(),
  SEARCH_ENGINE: z.enum(["opensearch", "embedded"]).default("opensearch"),
  SEARCH_ENDPOINT: z.string().optional(),
  SEARCH_INDEX: z.string().default("chart-records"),
  /** Identity fields below this confidence send a record to NEEDS_REVIEW. */
  REVIEW_THRESHOLD: z.coerce.number().min(0).max(1).default(0.8),
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
