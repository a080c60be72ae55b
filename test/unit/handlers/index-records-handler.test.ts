import { GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, PutCommand } from "@aws-sdk/lib-dynamodb";
import { marshall } from "@aws-sdk/util-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import type { DynamoDBStreamEvent } from "aws-lambda";
import { beforeEach, describe, expect, it } from "vitest";
import { createIndexRecordsHandler } from "../../../functions/index-records/handler";
import type { ChartRecord } from "../../../shared/domain/chart-record";
import type { SearchDocument, SearchIndex } from "../../../shared/search/search-index";
import { context, RECORD_ID, recordItem as baseRecordItem, s3Body, testDeps } from "./fakes";
import { countFacets } from "../../../shared/search/facets";

const s3 = mockClient(S3Client);
const ddb = mockClient(DynamoDBDocumentClient);

const ID = RECORD_ID;
const recordItem = (status: string, version: number) =>
  baseRecordItem({
    status,
    version,
    fields: {
      patientName: {
        value: "Maria Lopez",
        confidence: 0.97,
        page: 1,
        bbox: { left: 0.1, top: 0.1, width: 0.2, height: 0.02 },
      },
    },
    ocr: {
      engine: "textract",
      jobId: "j",
      resultBucket: "results",
      resultKey: `ocr/${ID}/textract.json`,
      textKey: `ocr/${ID}/text.txt`,
    },
  });

function streamEvent(
  ...records: { name: "INSERT" | "MODIFY" | "REMOVE"; newImage?: object; oldImage?: object }[]
): DynamoDBStreamEvent {
  return {
    Records: records.map((r, i) => ({
      eventName: r.name,
      eventSource: "aws:dynamodb",
      dynamodb: {
        SequenceNumber: String(100 + i),
        NewImage: r.newImage ? (marshall(r.newImage) as never) : undefined,
        OldImage: r.oldImage ? (marshall(r.oldImage) as never) : undefined,
      },
    })),
  };
}

class FakeSearch implements SearchIndex {
  readonly name = "fake";
  upserts: SearchDocument[] = [];
  removals: [string, number][] = [];
  async upsert(doc: SearchDocument) {
    this.upserts.push(doc);
    return "applied" as const;
  }
  async remove(id: string, version: number) {
    this.removals.push([id, version]);
    return "applied" as const;
  }
  async search() {
    return { total: 0, hits: [], facets: countFacets([]) };
  }
}

describe("index-records handler", () => {
  let search: FakeSearch;
  beforeEach(() => {
    s3.reset();
    ddb.reset();
    search = new FakeSearch();
    s3.on(GetObjectCommand).resolves({ Body: s3Body(Buffer.from("Patient Name: Maria Lopez\nchest pain")) });
    ddb.on(PutCommand).resolves({});
  });
  const handler = () => createIndexRecordsHandler(() => testDeps({ search }));

  it("indexes an EXTRACTED record with its OCR text, then moves it to INDEXED", async () => {
    const result = await handler()(
      streamEvent({ name: "MODIFY", newImage: recordItem("EXTRACTED", 3) }),
      context,
    );
    expect(result.batchItemFailures).toEqual([]);
    expect(search.upserts[0]).toMatchObject({
      id: ID,
      version: 3,
      status: "EXTRACTED",
      patientName: "Maria Lopez",
    });
    expect(search.upserts[0]!.text).toContain("chest pain");
    const put = ddb.commandCalls(PutCommand)[0]!.args[0].input;
    expect((put.Item as unknown as ChartRecord).status).toBe("INDEXED");
    expect(put.ExpressionAttributeValues).toEqual({ ":expected": 3 });
  });

  it("indexes an INDEXED record without writing to the table again (no loop)", async () => {
    await handler()(streamEvent({ name: "MODIFY", newImage: recordItem("INDEXED", 4) }), context);
    expect(search.upserts).toHaveLength(1);
    expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
  });

  it("removes the search document when the record is deleted", async () => {
    await handler()(streamEvent({ name: "REMOVE", oldImage: recordItem("INDEXED", 4) }), context);
    expect(search.removals).toEqual([[ID, 5]]);
  });

  it("ignores content-claim items", async () => {
    await handler()(
      streamEvent({
        name: "INSERT",
        newImage: { pk: "SHA256#ab", sk: "CONTENT", entity: "ContentClaim", originalId: ID },
      }),
      context,
    );
    expect(search.upserts).toHaveLength(0);
  });

  it("accepts that a newer version won the race to update the record", async () => {
    ddb.on(PutCommand).rejects(new ConditionalCheckFailedException({ message: "x", $metadata: {} }));
    const result = await handler()(
      streamEvent({ name: "MODIFY", newImage: recordItem("EXTRACTED", 3) }),
      context,
    );
    expect(result.batchItemFailures).toEqual([]);
  });

  it("reports the failing stream record so Lambda retries from it", async () => {
    s3.on(GetObjectCommand).rejects(Object.assign(new Error("boom"), { name: "InternalError" }));
    const result = await handler()(
      streamEvent(
        { name: "MODIFY", newImage: recordItem("INDEXED", 4) },
        { name: "MODIFY", newImage: recordItem("INDEXED", 5) },
      ),
      context,
    );
    expect(result.batchItemFailures[0]).toEqual({ itemIdentifier: "100" });
  });
});
