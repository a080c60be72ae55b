import * as z from "zod/mini";
import { OCR_FEATURE_SETS } from "./ocr/ocr-engine";

/**
 * Runtime configuration from the environment. The same handlers run in Lambda and locally; only these
 * values differ (local endpoints point at DynamoDB Local and the local S3). zod/mini (zod's tree-shakable API):
 * every handler loads this at cold start.
 */
const ConfigSchema = z.object({
  AWS_REGION: z._default(z.string(), "us-east-1"),
  TABLE_NAME: z._default(z.string(), "chartbridge-records"),
  UPLOAD_BUCKET: z._default(z.string(), "chartbridge-uploads"),
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
  /** Identity fields below this confidence send a record to NEEDS_REVIEW. */
  REVIEW_THRESHOLD: z._default(z.coerce.number().check(z.gte(0), z.lte(1)), 0.8),
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
