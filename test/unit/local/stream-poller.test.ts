import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record,
} from "@aws-sdk/client-dynamodb-streams";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from "aws-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { repairEmptyMaps, StreamPoller, type StreamHandler } from "../../../local/runtime/stream-poller";

/** What the Streams client hands back for an empty map attribute `{"M":{}}`. */
const DESERIALIZED_EMPTY_MAP = {};

describe("repairEmptyMaps", () => {
  it("turns a top-level empty map deserialized as {} back into {M:{}}", () => {
    const image = { id: { S: "doc_1" }, fields: DESERIALIZED_EMPTY_MAP };
    expect(repairEmptyMaps(image)).toEqual({ id: { S: "doc_1" }, fields: { M: {} } });
  });

  it("repairs empty maps nested in maps and in lists", () => {
    const image = {
      source: { M: { tags: {}, bucket: { S: "scans" } } },
      history: { L: [{ M: { from: { NULL: true }, extra: {} } }, {}] },
      deep: { M: { a: { M: { b: { L: [{ L: [{}] }] } } } } },
    };
    expect(repairEmptyMaps(image)).toEqual({
      source: { M: { tags: { M: {} }, bucket: { S: "scans" } } },
      history: { L: [{ M: { from: { NULL: true }, extra: { M: {} } } }, { M: {} }] },
      deep: { M: { a: { M: { b: { L: [{ L: [{ M: {} }] }] } } } } },
    });
  });

  it("leaves every other attribute value as it was", () => {
    const image = {
      s: { S: "Jane Doe" },
      n: { N: "42" },
      b: { BOOL: false },
      nul: { NULL: true },
      ss: { SS: ["a", "b"] },
      ns: { NS: ["1", "2"] },
      emptyList: { L: [] },
      emptyMap: { M: {} },
      bin: { B: new Uint8Array([1, 2, 3]) },
    };
    expect(repairEmptyMaps(structuredClone(image))).toEqual(image);
  });

  it("passes undefined through (no OldImage on an INSERT)", () => {
    expect(repairEmptyMaps(undefined)).toBeUndefined();
  });

  it("makes an image with empty maps unmarshallable, as Lambda's stream records are", () => {
    const image = {
      id: { S: "doc_1" },
      version: { N: "3" },
      fields: {},
      source: { M: { bucket: { S: "scans" }, meta: {} } },
      diagnoses: { L: [] },
      history: { L: [{ M: { to: { S: "RECEIVED" }, extra: {} } }] },
    };
    expect(unmarshall(repairEmptyMaps(image) as never)).toEqual({
      id: "doc_1",
      version: 3,
      fields: {},
      source: { bucket: "scans", meta: {} },
      diagnoses: [],
      history: [{ to: "RECEIVED", extra: {} }],
    });
  });
});

const STREAM_ARN = "arn:aws:dynamodb:local:000000000000:table/records/stream/2024-05-01T00:00:00.000";
const streams = mockClient(DynamoDBStreamsClient);

function streamRecord(seq: string, id: string, eventName: "INSERT" | "MODIFY" = "INSERT"): _Record {
  return {
    eventID: `evt-${seq}`,
    eventName,
    eventVersion: "1.1",
    eventSource: "aws:dynamodb",
    awsRegion: "ddblocal",
    dynamodb: {
      ApproximateCreationDateTime: new Date("2024-05-01T10:00:00Z"),
      Keys: { id: { S: id } },
      NewImage: { id: { S: id }, status: { S: "RECEIVED" }, fields: DESERIALIZED_EMPTY_MAP as never },
      SequenceNumber: seq,
      SizeBytes: 64,
      StreamViewType: "NEW_AND_OLD_IMAGES",
    },
  };
}

describe("StreamPoller", () => {
  let poller: StreamPoller | undefined;

  beforeEach(() => {
    streams.reset();
    streams.on(DescribeStreamCommand).resolves({
      StreamDescription: {
        StreamArn: STREAM_ARN,
        Shards: [{ ShardId: "shardId-0001", SequenceNumberRange: { StartingSequenceNumber: "100" } }],
      },
    });
    streams.on(GetShardIteratorCommand).resolves({ ShardIterator: "iter-0" });
    streams
      .on(GetRecordsCommand)
      .resolvesOnce({
        Records: [streamRecord("100", "doc_a"), streamRecord("200", "doc_b", "MODIFY")],
        NextShardIterator: "iter-1",
      })
      .resolves({ Records: [], NextShardIterator: "iter-2" });
  });

  afterEach(async () => {
    await poller?.stop();
    poller = undefined;
  });

  /** Starts a poller whose handler records the sequence numbers of every batch it receives. */
  async function run(
    decide: (event: DynamoDBStreamEvent, call: number) => DynamoDBBatchResponse | void,
    opts: { maxAttempts?: number } = {},
  ) {
    const events: DynamoDBStreamEvent[] = [];
    const handler: StreamHandler = async (event) => {
      events.push(event);
      return decide(event, events.length);
    };
    const onRecordDropped = vi.fn();
    poller = new StreamPoller(new DynamoDBStreamsClient({ region: "local" }), {
      streamArn: STREAM_ARN,
      handler,
      startAt: "TRIM_HORIZON",
      pollIntervalMs: 5,
      maxAttempts: opts.maxAttempts,
      onRecordDropped,
    });
    const idle = poller.idle();
    await poller.start();
    await idle;
    const batches = events.map((e) => e.Records.map((r) => r.dynamodb?.SequenceNumber));
    return { events, batches, onRecordDropped };
  }

  it("reads the shard from TRIM_HORIZON and gives the handler a Lambda-shaped stream event", async () => {
    const { events, batches, onRecordDropped } = await run(() => undefined);

    expect(streams.commandCalls(GetShardIteratorCommand)[0]!.args[0].input).toMatchObject({
      StreamArn: STREAM_ARN,
      ShardId: "shardId-0001",
      ShardIteratorType: "TRIM_HORIZON",
    });
    expect(streams.commandCalls(GetRecordsCommand)[0]!.args[0].input.ShardIterator).toBe("iter-0");
    expect(streams.commandCalls(GetRecordsCommand)[1]?.args[0].input.ShardIterator).toBe("iter-1");

    expect(batches).toEqual([["100", "200"]]);
    const [first, second] = events[0]!.Records;
    expect(first).toMatchObject({
      eventID: "evt-100",
      eventName: "INSERT",
      eventSource: "aws:dynamodb",
      eventSourceARN: STREAM_ARN,
      dynamodb: {
        Keys: { id: { S: "doc_a" } },
        NewImage: { id: { S: "doc_a" }, status: { S: "RECEIVED" }, fields: { M: {} } },
        SequenceNumber: "100",
        ApproximateCreationDateTime: Date.parse("2024-05-01T10:00:00Z") / 1000,
      },
    });
    expect(second?.eventName).toBe("MODIFY");
    expect(second?.eventSourceARN).toBe(STREAM_ARN);
    // Handlers unmarshall the image as they would in Lambda.
    expect(unmarshall(second!.dynamodb!.NewImage as never)).toEqual({
      id: "doc_b",
      status: "RECEIVED",
      fields: {},
    });
    expect(onRecordDropped).not.toHaveBeenCalled();
  });

  it("redelivers from the first failed record on, and only that", async () => {
    const { batches, onRecordDropped } = await run((_event, call) =>
      call === 1 ? { batchItemFailures: [{ itemIdentifier: "200" }] } : undefined,
    );
    expect(batches).toEqual([["100", "200"], ["200"]]);
    expect(onRecordDropped).not.toHaveBeenCalled();
  });

  it("retries the whole batch when the handler throws", async () => {
    const { batches } = await run((_event, call) => {
      if (call === 1) throw new Error("index unavailable");
    });
    expect(batches).toEqual([
      ["100", "200"],
      ["100", "200"],
    ]);
  });

  it("treats a failure naming no record of the batch as a whole-batch failure, then moves past it", async () => {
    const { batches, onRecordDropped } = await run(
      () => ({ batchItemFailures: [{ itemIdentifier: "999" }] }),
      {
        maxAttempts: 2,
      },
    );
    expect(batches).toEqual([
      ["100", "200"],
      ["100", "200"],
    ]);
    expect(onRecordDropped.mock.calls.map((c) => c[0])).toEqual(["100", "200"]);
  });

  it("resumes from the earliest failure when several are reported out of order", async () => {
    const { batches } = await run((_e, call) =>
      call === 1 ? { batchItemFailures: [{ itemIdentifier: "200" }, { itemIdentifier: "100" }] } : undefined,
    );
    expect(batches).toEqual([
      ["100", "200"],
      ["100", "200"],
    ]);
  });

  it("drops a record that keeps failing after maxAttempts and reports it", async () => {
    const { batches, onRecordDropped } = await run(
      () => ({ batchItemFailures: [{ itemIdentifier: "200" }] }),
      { maxAttempts: 3 },
    );
    expect(batches).toEqual([["100", "200"], ["200"], ["200"]]);
    expect(onRecordDropped).toHaveBeenCalledTimes(1);
    expect(onRecordDropped).toHaveBeenCalledWith("200", "shardId-0001");
  });

  it("after dropping a failing first record, still delivers the records behind it", async () => {
    const { batches, onRecordDropped } = await run(
      (event) =>
        event.Records.some((r) => r.dynamodb?.SequenceNumber === "100")
          ? { batchItemFailures: [{ itemIdentifier: "100" }] }
          : undefined,
      { maxAttempts: 2 },
    );
    expect(batches).toEqual([["100", "200"], ["100", "200"], ["200"]]);
    expect(onRecordDropped).toHaveBeenCalledWith("100", "shardId-0001");
  });
});
