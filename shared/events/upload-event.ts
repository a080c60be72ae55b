import * as z from "zod/mini";
// zod/mini (zod's tree-shakable API): this runs in every ingest / ocr-complete cold start.
import { ChartbridgeError } from "../errors/chartbridge-error";

/** One uploaded object, from either an S3 event notification or an EventBridge "Object Created" event. */
export interface UploadedObject {
  bucket: string;
  key: string;
  size?: number;
  versionId?: string;
  etag?: string;
}

const S3NotificationSchema = z.object({
  Records: z.array(
    z.object({
      eventName: z.string(),
      s3: z.object({
        bucket: z.object({ name: z.string() }),
        object: z.object({
          key: z.string(),
          size: z.optional(z.number()),
          versionId: z.optional(z.string()),
          eTag: z.optional(z.string()),
        }),
      }),
    }),
  ),
});

const EventBridgeObjectCreatedSchema = z.object({
  source: z.literal("aws.s3"),
  "detail-type": z.literal("Object Created"),
  detail: z.object({
    bucket: z.object({ name: z.string() }),
    object: z.object({
      key: z.string(),
      size: z.optional(z.number()),
      etag: z.optional(z.string()),
      "version-id": z.optional(z.string()),
    }),
  }),
});

const S3TestEventSchema = z.object({ Event: z.literal("s3:TestEvent") });

/** A queue message that announces no upload we understand: the same on every delivery. */
export class UnrecognizedEventError extends ChartbridgeError {
  constructor(
    what: "body is not JSON" | "neither an S3 notification nor an EventBridge Object Created event",
  ) {
    super(
      { name: "UnrecognizedEventError", code: "UNRECOGNIZED_EVENT", retryable: false },
      `Unrecognized upload event: ${what}`,
    );
  }
}

/**
 * Parses an SQS message body into the objects it announces. S3 notifications URL-encode keys (spaces as
 * "+"); EventBridge events do not. S3's test event announces nothing.
 */
export function parseUploadEvent(body: string): UploadedObject[] {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new UnrecognizedEventError("body is not JSON");
  }
  if (S3TestEventSchema.safeParse(json).success) return [];
  const eventBridge = EventBridgeObjectCreatedSchema.safeParse(json);
  if (eventBridge.success) {
    const { bucket, object } = eventBridge.data.detail;
    return [
      {
        bucket: bucket.name,
        key: object.key,
        size: object.size,
        etag: object.etag,
        versionId: object["version-id"],
      },
    ];
  }
  const s3 = S3NotificationSchema.safeParse(json);
  if (s3.success) {
    return s3.data.Records.filter((r) => r.eventName.startsWith("ObjectCreated")).map((r) => ({
      bucket: r.s3.bucket.name,
      key: decodeURIComponent(r.s3.object.key.replace(/\+/g, " ")),
      size: r.s3.object.size,
      versionId: r.s3.object.versionId,
      etag: r.s3.object.eTag,
    }));
  }
  throw new UnrecognizedEventError("neither an S3 notification nor an EventBridge Object Created event");
}

/** `<vendor>/<batch>/<file>` → vendor and batch; flat keys have neither. */
export function vendorAndBatch(key: string): { vendor?: string; batch?: string } {
  const parts = key.split("/");
  if (parts.length >= 3) return { vendor: parts[0], batch: parts.slice(1, -1).join("/") };
  if (parts.length === 2) return { vendor: parts[0] };
  return {};
}
