import { describe, expect, it } from "vitest";
import {
  parseUploadEvent,
  UnrecognizedEventError,
  vendorAndBatch,
} from "../../../shared/events/upload-event";

function s3Notification(
  records: { eventName?: string; key: string; versionId?: string; eTag?: string; size?: number }[],
): string {
  return JSON.stringify({
    Records: records.map((r) => ({
      eventVersion: "2.1",
      eventSource: "aws:s3",
      awsRegion: "us-east-1",
      eventTime: "2024-05-01T10:00:00.000Z",
      eventName: r.eventName ?? "ObjectCreated:Put",
      s3: {
        s3SchemaVersion: "1.0",
        bucket: { name: "chart-scans", arn: "arn:aws:s3:::chart-scans" },
        object: {
          key: r.key,
          size: r.size,
          versionId: r.versionId,
          eTag: r.eTag,
          sequencer: "0055AED6DCD90281E5",
        },
      },
    })),
  });
}

function eventBridgeObjectCreated(object: Record<string, unknown>): string {
  return JSON.stringify({
    version: "0",
    id: "17793124-05d4-b198-2fde-7ededc63b103",
    "detail-type": "Object Created",
    source: "aws.s3",
    account: "111122223333",
    time: "2024-05-01T10:00:00Z",
    region: "us-east-1",
    resources: ["arn:aws:s3:::chart-scans"],
    detail: { version: "0", bucket: { name: "chart-scans" }, object, reason: "PutObject" },
  });
}

describe("parseUploadEvent: S3 event notifications", () => {
  it("returns the bucket, decoded key, size, version and ETag of each created object", () => {
    const body = s3Notification([
      {
        key: "acme/batch+7/John+Smith%2C+chart.pdf",
        size: 2048,
        versionId: "v1",
        eTag: "d41d8cd98f00b204e9800998ecf8427e",
      },
    ]);
    expect(parseUploadEvent(body)).toEqual([
      {
        bucket: "chart-scans",
        key: "acme/batch 7/John Smith, chart.pdf",
        size: 2048,
        versionId: "v1",
        etag: "d41d8cd98f00b204e9800998ecf8427e",
      },
    ]);
  });

  it("decodes an encoded plus sign and non-ASCII characters without turning them into spaces", () => {
    const body = s3Notification([{ key: "acme/b1/a%2Bb+%C3%A9t%C3%A9%26more%3D.pdf" }]);
    expect(parseUploadEvent(body)[0]?.key).toBe("acme/b1/a+b été&more=.pdf");
  });

  it("keeps every created object of a multi-record notification, in order", () => {
    const body = s3Notification([
      { key: "v/b/one.pdf", eventName: "ObjectCreated:Put" },
      { key: "v/b/two.pdf", eventName: "ObjectCreated:CompleteMultipartUpload" },
      { key: "v/b/three.pdf", eventName: "ObjectCreated:Copy" },
    ]);
    expect(parseUploadEvent(body).map((o) => o.key)).toEqual(["v/b/one.pdf", "v/b/two.pdf", "v/b/three.pdf"]);
  });

  it("ignores ObjectRemoved records", () => {
    const body = s3Notification([
      { key: "v/b/gone.pdf", eventName: "ObjectRemoved:Delete" },
      { key: "v/b/kept.pdf", eventName: "ObjectCreated:Put" },
      { key: "v/b/marker.pdf", eventName: "ObjectRemoved:DeleteMarkerCreated" },
    ]);
    expect(parseUploadEvent(body).map((o) => o.key)).toEqual(["v/b/kept.pdf"]);
  });

  it("announces nothing for the s3:TestEvent S3 sends when a notification is configured", () => {
    const body = JSON.stringify({
      Service: "Amazon S3",
      Event: "s3:TestEvent",
      Time: "2024-05-01T10:00:00.000Z",
      Bucket: "chart-scans",
      RequestId: "5582815E1AEA5ADF",
      HostId: "8cLeGAmw098X5cv4Zkwcmo8vvZa3eH3eKxsPzbB9wrR+YstdA6Knx4Ip8EXAMPLE",
    });
    expect(parseUploadEvent(body)).toEqual([]);
  });
});

describe("parseUploadEvent: EventBridge Object Created", () => {
  it("returns the object with its key as-is (EventBridge does not URL-encode) and its version-id", () => {
    const body = eventBridgeObjectCreated({
      key: "acme/batch+7/John Smith%2C chart.pdf",
      size: 5,
      etag: "b1946ac92492d2347c6235b4d2611184",
      "version-id": "IYV3p45BT0ac8hjHg1houSdS1a.Mro8e",
      sequencer: "617f08299329d189",
    });
    expect(parseUploadEvent(body)).toEqual([
      {
        bucket: "chart-scans",
        key: "acme/batch+7/John Smith%2C chart.pdf",
        size: 5,
        etag: "b1946ac92492d2347c6235b4d2611184",
        versionId: "IYV3p45BT0ac8hjHg1houSdS1a.Mro8e",
      },
    ]);
  });

  it("does not treat an Object Deleted event as an upload", () => {
    const body = JSON.stringify({
      ...JSON.parse(eventBridgeObjectCreated({ key: "a/b/c.pdf" })),
      "detail-type": "Object Deleted",
    });
    expect(() => parseUploadEvent(body)).toThrow(UnrecognizedEventError);
  });
});

describe("parseUploadEvent: garbage", () => {
  it.each([
    ["not JSON", "this is not json"],
    ["an empty object", "{}"],
    ["a JSON array", "[1,2]"],
    ["null", "null"],
    [
      "an S3 record without an object key",
      JSON.stringify({
        Records: [{ eventName: "ObjectCreated:Put", s3: { bucket: { name: "b" }, object: {} } }],
      }),
    ],
    ["an SNS envelope", JSON.stringify({ Type: "Notification", Message: "{}" })],
  ])("throws UnrecognizedEventError for %s", (_what, body) => {
    expect(() => parseUploadEvent(body)).toThrow(UnrecognizedEventError);
  });
});

describe("vendorAndBatch", () => {
  it("reads vendor and batch from <vendor>/<batch>/<file>", () => {
    expect(vendorAndBatch("acme/2024-05-01/chart.pdf")).toEqual({ vendor: "acme", batch: "2024-05-01" });
  });

  it("keeps nested folders below the vendor as the batch", () => {
    expect(vendorAndBatch("acme/2024/05/box-3/chart.pdf")).toEqual({
      vendor: "acme",
      batch: "2024/05/box-3",
    });
  });

  it("gives only a vendor for <vendor>/<file>", () => {
    expect(vendorAndBatch("acme/chart.pdf")).toEqual({ vendor: "acme" });
  });

  it("gives neither for a flat key", () => {
    expect(vendorAndBatch("chart.pdf")).toEqual({});
  });
});
