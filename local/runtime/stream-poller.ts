import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record,
  type ShardIteratorType,
} from "@aws-sdk/client-dynamodb-streams";
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from "aws-lambda";

export type StreamHandler = (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse | void>;

export interface StreamPollerOptions {
  streamArn: string;
  handler: StreamHandler;
  /** Where existing shards start: LATEST after a restart (startup reconciliation covers the gap). */
  startAt?: Extract<ShardIteratorType, "TRIM_HORIZON" | "LATEST">;
  batchSize?: number;
  pollIntervalMs?: number;
  /**
   * Attempts per failing record before it is skipped (Lambda's MaximumRetryAttempts + on-failure destination).
   * Default 10, with exponential backoff between them (RETRY_BASE_MS doubling up to RETRY_MAX_MS): about two
   * minutes, enough to outlive a restart of DynamoDB Local, which a few quick attempts were not.
   */
  maxAttempts?: number;
  onRecordDropped?: (sequenceNumber: string, shardId: string) => void;
  /**
   * Fault injection: the share of batches delivered a second time, after the next batch (older records after
   * newer ones), as an at-least-once stream may. Default 0.
   */
  redeliverRate?: number;
  random?: () => number;
}

interface ShardState {
  iterator?: string;
  /** The iterator must be fetched again (the last read failed: DynamoDB Local may have restarted). */
  stale?: boolean;
  /** The last record read from the shard, where a fresh iterator resumes. */
  lastSequenceNumber?: string;
  /** Records to retry, starting at the first one the handler reported as failed. */
  pending: _Record[];
  attempts: number;
  /** After a failed attempt: not before this time (ms epoch). */
  retryAt?: number;
}

const RETRY_BASE_MS = 250;
const RETRY_MAX_MS = 30_000;

/**
 * Reads the table's stream through the DynamoDB Streams API, the way Lambda's event source mapping does,
 * and invokes the handler with Lambda-shaped stream events, in order per shard, with batch item failures.
 */
export class StreamPoller {
  private readonly shards = new Map<string, ShardState>();
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private busy = false;
  /** The poll in progress, if any. */
  private ticking?: Promise<void>;
  private lastDescribe = 0;
  private idleWaiters: (() => void)[] = [];
  /** A delivered batch held back to be delivered again (fault injection). */
  private replay?: _Record[];
  /** Batches delivered a second time so far. */
  redelivered = 0;

  constructor(
    private readonly streams: DynamoDBStreamsClient,
    private readonly options: StreamPollerOptions,
  ) {}

  async start(): Promise<void> {
    await this.discoverShards(this.options.startAt ?? "LATEST");
    this.schedule();
  }

  /** Stops polling; resolves once a batch being handled is done (so nothing runs on after the services stop). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.ticking;
  }

  /** Resolves after a full poll found nothing new and nothing pending. */
  async idle(): Promise<void> {
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.ticking = this.tick();
    }, this.options.pollIntervalMs ?? 200);
  }

  private async tick(): Promise<void> {
    if (this.busy || this.stopped) return;
    this.busy = true;
    try {
      if (Date.now() - this.lastDescribe > 5000) await this.discoverShards("TRIM_HORIZON");
      let sawRecords = false;
      for (const [shardId, state] of this.shards)
        sawRecords = (await this.pollShard(shardId, state)) || sawRecords;
      if (!sawRecords) this.idleWaiters.splice(0).forEach((r) => r());
    } catch {
      // Transient (e.g. DynamoDB Local restarting): try again next tick.
    } finally {
      this.busy = false;
      this.schedule();
    }
  }

  private async discoverShards(startAt: ShardIteratorType): Promise<void> {
    this.lastDescribe = Date.now();
    let exclusiveStartShardId: string | undefined;
    do {
      const out = await this.streams.send(
        new DescribeStreamCommand({
          StreamArn: this.options.streamArn,
          ExclusiveStartShardId: exclusiveStartShardId,
        }),
      );
      for (const shard of out.StreamDescription?.Shards ?? []) {
        if (!shard.ShardId || this.shards.has(shard.ShardId)) continue;
        // A shard that closed before we saw it at all has nothing for us after a restart.
        if (startAt === "LATEST" && shard.SequenceNumberRange?.EndingSequenceNumber) continue;
        const it = await this.streams.send(
          new GetShardIteratorCommand({
            StreamArn: this.options.streamArn,
            ShardId: shard.ShardId,
            ShardIteratorType: startAt,
          }),
        );
        this.shards.set(shard.ShardId, { iterator: it.ShardIterator, pending: [], attempts: 0 });
      }
      exclusiveStartShardId = out.StreamDescription?.LastEvaluatedShardId;
    } while (exclusiveStartShardId);
  }

  private async pollShard(shardId: string, state: ShardState): Promise<boolean> {
    if (state.retryAt !== undefined && Date.now() < state.retryAt) return true;
    let records = state.pending;
    if (records.length === 0) {
      if (!state.iterator) {
        // Closed shard, fully read: keep the entry so discovery does not re-add it.
        return false;
      }
      if (state.stale) {
        state.iterator = await this.freshIterator(shardId, state.lastSequenceNumber);
        state.stale = false;
      }
      let out;
      try {
        out = await this.streams.send(
          new GetRecordsCommand({ ShardIterator: state.iterator, Limit: this.options.batchSize ?? 100 }),
        );
      } catch (err) {
        // Iterators do not survive a restart of DynamoDB Local; the stream itself does (it is on disk).
        state.stale = true;
        throw err;
      }
      state.iterator = out.NextShardIterator;
      records = out.Records ?? [];
      if (records.length === 0) return false;
      state.lastSequenceNumber = records.at(-1)?.dynamodb?.SequenceNumber ?? state.lastSequenceNumber;
    }
    const response = await this.invoke(records);
    const failures = response?.batchItemFailures ?? [];
    if (failures.length === 0) {
      state.pending = [];
      state.attempts = 0;
      state.retryAt = undefined;
      await this.maybeRedeliver(records);
      return true;
    }
    // As Lambda does: resume from the earliest failed record; an identifier matching no record fails the
    // whole batch.
    const indexes = failures.map((f) =>
      records.findIndex((r) => r.dynamodb?.SequenceNumber === f.itemIdentifier),
    );
    const from = indexes.includes(-1) ? 0 : Math.min(...indexes);
    const wholeBatch = indexes.includes(-1);
    state.attempts += 1;
    state.retryAt = Date.now() + Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** (state.attempts - 1));
    if (state.attempts >= (this.options.maxAttempts ?? 10)) {
      const dropped = wholeBatch ? records : records.slice(from, from + 1);
      for (const r of dropped) this.options.onRecordDropped?.(r.dynamodb?.SequenceNumber ?? "", shardId);
      state.pending = wholeBatch ? [] : records.slice(from + 1);
      state.attempts = 0;
      state.retryAt = undefined;
    } else {
      state.pending = records.slice(from);
    }
    return true;
  }

  /** Delivers the batch held back before (now behind newer records), and maybe holds this one back. */
  private async maybeRedeliver(records: _Record[]): Promise<void> {
    const rate = this.options.redeliverRate ?? 0;
    if (rate <= 0) return;
    if (this.replay) {
      const again = this.replay;
      this.replay = undefined;
      this.redelivered += 1;
      await this.invoke(again);
    }
    if ((this.options.random ?? Math.random)() < rate) this.replay = records;
  }

  private async freshIterator(shardId: string, after: string | undefined): Promise<string | undefined> {
    const out = await this.streams.send(
      new GetShardIteratorCommand({
        StreamArn: this.options.streamArn,
        ShardId: shardId,
        ...(after
          ? { ShardIteratorType: "AFTER_SEQUENCE_NUMBER", SequenceNumber: after }
          : { ShardIteratorType: "TRIM_HORIZON" }),
      }),
    );
    return out.ShardIterator;
  }

  private async invoke(records: _Record[]): Promise<DynamoDBBatchResponse | void> {
    const event: DynamoDBStreamEvent = { Records: records.map((r) => this.toLambdaRecord(r)) };
    try {
      return await this.options.handler(event);
    } catch {
      const first = records[0]?.dynamodb?.SequenceNumber ?? "";
      return { batchItemFailures: [{ itemIdentifier: first }] };
    }
  }

  private toLambdaRecord(r: _Record): DynamoDBRecord {
    const created = r.dynamodb?.ApproximateCreationDateTime;
    return {
      eventID: r.eventID,
      eventName: r.eventName as DynamoDBRecord["eventName"],
      eventVersion: r.eventVersion,
      eventSource: "aws:dynamodb",
      awsRegion: r.awsRegion,
      eventSourceARN: this.options.streamArn,
      dynamodb: {
        ApproximateCreationDateTime: created ? Math.floor(new Date(created).getTime() / 1000) : undefined,
        Keys: repairEmptyMaps(r.dynamodb?.Keys) as never,
        NewImage: repairEmptyMaps(r.dynamodb?.NewImage) as never,
        OldImage: repairEmptyMaps(r.dynamodb?.OldImage) as never,
        SequenceNumber: r.dynamodb?.SequenceNumber,
        SizeBytes: r.dynamodb?.SizeBytes,
        StreamViewType: r.dynamodb?.StreamViewType,
      },
    };
  }
}

/**
 * The Streams client deserializes an empty map attribute (`{"M":{}}`) to `{}`, which unmarshall rejects
 * and Lambda never sends. Put the `M` back, recursively, so handlers see what Lambda would give them.
 */
export function repairEmptyMaps(
  image: Record<string, unknown> | undefined,
): Record<string, unknown> | undefined {
  if (!image) return image;
  const fix = (value: unknown): unknown => {
    if (!value || typeof value !== "object") return value;
    const av = value as Record<string, unknown>;
    const keys = Object.keys(av);
    if (keys.length === 0) return { M: {} };
    if (av.M && typeof av.M === "object") return { M: repairEmptyMaps(av.M as Record<string, unknown>) };
    if (Array.isArray(av.L)) return { L: av.L.map(fix) };
    return av;
  };
  return Object.fromEntries(Object.entries(image).map(([k, v]) => [k, fix(v)]));
}

export function createStreamsClient(endpoint: string, region: string): DynamoDBStreamsClient {
  return new DynamoDBStreamsClient({
    endpoint,
    region,
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
}
