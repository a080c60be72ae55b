import {
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  PutObjectCommand,
  type ListObjectVersionsCommandOutput,
} from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestS3, type TestS3 } from "./harness";

const BUCKET = "chartbridge-uploads";
/** 1,200 keys over three vendor prefixes, in S3's (UTF-8 byte) order. */
const KEYS = Array.from(
  { length: 1200 },
  (_, i) => `vendor-${i % 3}/batch/${String(i).padStart(4, "0")}.pdf`,
).sort();

async function inParallel<T>(items: T[], limit: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  const queue = [...items];
  await Promise.all(
    Array.from({ length: limit }, async () => {
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) await fn(item);
    }),
  );
}

const TWICE = KEYS.slice(0, 100);

let t: TestS3;
beforeAll(async () => {
  t = await startTestS3([BUCKET]);
  await inParallel(KEYS, 16, (Key) => t.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body: Key })));
  // A second version of the first 100 keys.
  await inParallel(TWICE, 16, (Key) =>
    t.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body: `${Key} v2` })),
  );
}, 120_000);
afterAll(() => t.stop());

describe("ListObjectsV2 paging", () => {
  it("returns every key once, in order, over continuation tokens", async () => {
    const seen: string[] = [];
    let ContinuationToken: string | undefined;
    let pages = 0;
    do {
      const page = await t.s3.send(
        new ListObjectsV2Command({ Bucket: BUCKET, MaxKeys: 500, ContinuationToken }),
      );
      seen.push(...(page.Contents ?? []).map((c) => c.Key!));
      expect(page.KeyCount).toBe(page.Contents?.length ?? 0);
      ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
      pages++;
    } while (ContinuationToken);
    expect(pages).toBe(3);
    expect(seen).toEqual(KEYS);
  });

  it("defaults to 1,000 keys a page and honours prefix and start-after", async () => {
    const first = await t.s3.send(new ListObjectsV2Command({ Bucket: BUCKET }));
    expect([first.Contents?.length, first.IsTruncated, first.MaxKeys]).toEqual([1000, true, 1000]);
    const vendor1 = KEYS.filter((k) => k.startsWith("vendor-1/"));
    const prefixed = await t.s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: "vendor-1/" }));
    expect(prefixed.Contents?.map((c) => c.Key)).toEqual(vendor1);
    const after = await t.s3.send(
      new ListObjectsV2Command({ Bucket: BUCKET, Prefix: "vendor-1/", StartAfter: vendor1[99] }),
    );
    expect(after.Contents?.map((c) => c.Key)).toEqual(vendor1.slice(100));
  });

  it("rolls keys up into common prefixes under a delimiter, one page entry each", async () => {
    const top = await t.s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Delimiter: "/" }));
    expect(top.CommonPrefixes?.map((p) => p.Prefix)).toEqual(["vendor-0/", "vendor-1/", "vendor-2/"]);
    expect(top.Contents ?? []).toEqual([]);
    const paged = await t.s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Delimiter: "/", MaxKeys: 2 }));
    expect(paged.CommonPrefixes?.map((p) => p.Prefix)).toEqual(["vendor-0/", "vendor-1/"]);
    const rest = await t.s3.send(
      new ListObjectsV2Command({
        Bucket: BUCKET,
        Delimiter: "/",
        MaxKeys: 2,
        ContinuationToken: paged.NextContinuationToken,
      }),
    );
    expect([rest.CommonPrefixes?.map((p) => p.Prefix), rest.IsTruncated]).toEqual([["vendor-2/"], false]);
  });
});

describe("ListObjectVersions paging", () => {
  it("returns every version once, newest first within a key, over key and version-id markers", async () => {
    const seen: [string, string, boolean][] = [];
    let KeyMarker: string | undefined;
    let VersionIdMarker: string | undefined;
    let page: ListObjectVersionsCommandOutput;
    do {
      page = await t.s3.send(
        new ListObjectVersionsCommand({ Bucket: BUCKET, MaxKeys: 333, KeyMarker, VersionIdMarker }),
      );
      seen.push(
        ...(page.Versions ?? []).map((v) => [v.Key!, v.VersionId!, v.IsLatest!] as [string, string, boolean]),
      );
      KeyMarker = page.NextKeyMarker;
      VersionIdMarker = page.NextVersionIdMarker;
    } while (page.IsTruncated);

    expect(seen).toHaveLength(1300);
    expect(new Set(seen.map(([, id]) => id)).size).toBe(1300);
    expect([...new Set(seen.map(([k]) => k))]).toEqual(KEYS);
    for (const key of TWICE) {
      expect(seen.filter(([k]) => k === key).map(([, , latest]) => latest)).toEqual([true, false]);
    }
  });
});
