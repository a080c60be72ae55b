import type { ObjectVersion } from "./storage";

export type ObjectCreatedEventName =
  "ObjectCreated:Put" | "ObjectCreated:Copy" | "ObjectCreated:CompleteMultipartUpload";

/** S3 notifications carry URL-encoded keys with spaces as "+" (decoded with `decodeURIComponent` after "+"→" "). */
export function encodeKeyLikeS3(key: string): string {
  return encodeURIComponent(key).replace(/%20/g, "+").replace(/%2F/g, "/");
}

/** The S3 event notification record AWS delivers for an object created in a bucket. */
export function objectCreatedEvent(
  eventName: ObjectCreatedEventName,
  bucket: string,
  version: ObjectVersion,
  region: string,
) {
  return {
    Records: [
      {
        eventVersion: "2.1",
        eventSource: "aws:s3",
        awsRegion: region,
        eventTime: version.lastModified,
        eventName,
        userIdentity: { principalId: "local" },
        requestParameters: { sourceIPAddress: "127.0.0.1" },
        responseElements: {},
        s3: {
          s3SchemaVersion: "1.0",
          configurationId: "local",
          bucket: { name: bucket, ownerIdentity: { principalId: "local" }, arn: `arn:aws:s3:::${bucket}` },
          object: {
            key: encodeKeyLikeS3(version.key),
            size: version.size,
            eTag: version.etag.replace(/"/g, ""),
            versionId: version.versionId,
            sequencer: version.seq.toString(16).toUpperCase().padStart(16, "0"),
          },
        },
      },
    ],
  };
}

export type ObjectCreatedEvent = ReturnType<typeof objectCreatedEvent>;
