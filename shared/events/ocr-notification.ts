import * as z from "zod/mini";
// zod/mini (zod's tree-shakable API): this runs in every ingest / ocr-complete cold start.
import type { OcrCompletionNotification } from "../ocr/ocr-engine";

const NotificationSchema = z.object({
  JobId: z.string().check(z.minLength(1)),
  Status: z.enum(["SUCCEEDED", "FAILED", "ERROR", "PARTIAL_SUCCESS"]),
  API: z.string(),
  JobTag: z.optional(z.string()),
  Timestamp: z.number(),
  DocumentLocation: z.object({ S3ObjectName: z.string(), S3Bucket: z.string() }),
});

const SnsEnvelopeSchema = z.object({ Type: z.literal("Notification"), Message: z.string() });

/** Parses an SQS body holding a Textract completion notification, wrapped in SNS or delivered raw. */
export function parseOcrNotification(body: string): OcrCompletionNotification {
  let json: unknown = JSON.parse(body);
  const envelope = SnsEnvelopeSchema.safeParse(json);
  if (envelope.success) json = JSON.parse(envelope.data.Message);
  return NotificationSchema.parse(json);
}
