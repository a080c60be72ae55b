import { randomUUID } from "node:crypto";
import type { SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { MemoryMessageStore, type DeadLetter, type MessageStore, type StoredMessage } from "./message-store";
import { DEFAULT_RETRY_POLICY, retryDelayMs, type RetryPolicy } from "./retry-policy";

/** Orders messages sent in the same millisecond (see StoredMessage.seq). */
let nextSeq = 0;

export type SqsHandler = (event: SQSEvent) => Promise<SQSBatchResponse | void>;

export interface LocalQueueOptions {
  batchSize?: number;
  /** When failed messages come back, and after how many receives they are dead-lettered. */
  retry?: Partial<RetryPolicy>;
  /** Where messages and dead letters are kept. Default: in memory (lost with the process). */
  store?: MessageStore;
  onDeadLetter?: (message: DeadLetter) => void;
  /** Called with each batch before it is delivered. */
  onReceive?: (bodies: string[]) => void;
  /**
   * Fault injection: the share of messages sent twice, the copy up to `duplicateDelayMs` later (so behind
   * messages sent after it), as SQS's at-least-once delivery may. Default 0.
   */
  duplicateRate?: number;
  duplicateDelayMs?: number;
  random?: () => number;
}

/**
 * An in-process stand-in for an SQS queue with a Lambda event source mapping: delivers batches to the handler,
 * honours `batchItemFailures` (partial batch responses), retries failures with exponential backoff, and
 * dead-letters poison messages. With a file store, messages sent before a crash are delivered after a restart.
 *
 * `changeVisibility` is SQS's ChangeMessageVisibility, by receipt handle: a handler that defers a message
 * (the throughput governor parks an ingest message until its turn) sets when it comes back instead of the
 * backoff, and a parked message can be woken (0 seconds). As in SQS, every receive counts towards
 * `maxReceiveCount`, deferred or not. Parks are not persisted: after a restart every pending message is
 * delivered at once (a parked one parks again).
 */
export class LocalQueue {
  private readonly ready: StoredMessage[] = [];
  private readonly delayed = new Map<string, { timer: NodeJS.Timeout; message: StoredMessage }>();
  /** Messages being delivered, with the delay a visibility change asked for (ms), if any. */
  private readonly delivering = new Map<string, { message: StoredMessage; visibleInMs?: number }>();
  private readonly store: MessageStore;
  private readonly retry: RetryPolicy;
  private inFlight = 0;
  private stopped = false;
  private idleWaiters: (() => void)[] = [];

  constructor(
    readonly name: string,
    private readonly handler: SqsHandler,
    private readonly options: LocalQueueOptions = {},
  ) {
    this.store = options.store ?? new MemoryMessageStore();
    this.retry = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.ready.push(...this.store.pending());
    this.pump();
  }

  /** Messages sent a second time so far (fault injection). */
  duplicated = 0;

  send(body: string): string {
    const message = { id: randomUUID(), body, receiveCount: 0, sentAt: Date.now(), seq: nextSeq++ };
    this.store.put(message);
    this.ready.push(message);
    this.pump();
    const random = this.options.random ?? Math.random;
    if (random() < (this.options.duplicateRate ?? 0)) {
      this.duplicated += 1;
      const copy = { ...message, id: randomUUID(), seq: nextSeq++ };
      this.store.put(copy);
      this.delay(copy, random() * (this.options.duplicateDelayMs ?? 2000));
    }
    return message.id;
  }

  get depth(): number {
    return this.ready.length + this.delayed.size + this.inFlight;
  }

  /** Bodies of the messages not yet handled successfully (queued, waiting for a retry, or in flight). */
  pendingBodies(): string[] {
    return this.store.pending().map((m) => m.body);
  }

  get deadLetters(): DeadLetter[] {
    return this.store.deadLetters();
  }

  /** Resolves once nothing is queued, delayed or being processed. */
  idle(): Promise<void> {
    if (this.depth === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * ChangeMessageVisibility: the message received with `receiptHandle` becomes visible in `seconds` (0: now).
   * A handle from an earlier receive, or a message already visible, changes nothing (SQS would refuse it).
   */
  changeVisibility(receiptHandle: string, seconds: number): void {
    const [id, count] = receiptHandle.split("#");
    const delayMs = Math.max(0, seconds) * 1000;
    const inFlight = this.delivering.get(id!);
    if (inFlight && String(inFlight.message.receiveCount) === count) {
      inFlight.visibleInMs = delayMs;
      return;
    }
    const parked = this.delayed.get(id!);
    if (!parked || String(parked.message.receiveCount) !== count) return;
    clearTimeout(parked.timer);
    this.delayed.delete(id!);
    this.delay(parked.message, delayMs);
  }

  /** Stops delivering. Messages not yet handled stay in the store for the next start. */
  stop(): void {
    this.stopped = true;
    for (const { timer } of this.delayed.values()) clearTimeout(timer);
    this.delayed.clear();
    this.idleWaiters.splice(0).forEach((resolve) => resolve());
  }

  private pump(): void {
    if (this.inFlight > 0 || this.stopped) return;
    if (this.ready.length === 0) {
      if (this.delayed.size === 0) this.idleWaiters.splice(0).forEach((resolve) => resolve());
      return;
    }
    const batch = this.ready.splice(0, this.options.batchSize ?? 10);
    this.inFlight = batch.length;
    void this.deliver(batch).finally(() => {
      this.inFlight = 0;
      this.pump();
    });
  }

  private async deliver(batch: StoredMessage[]): Promise<void> {
    for (const m of batch) {
      m.receiveCount += 1;
      // The count survives a crash mid-delivery, as SQS's ApproximateReceiveCount does.
      this.store.put(m);
      this.delivering.set(m.id, { message: m });
    }
    let failedIds: Set<string>;
    try {
      this.options.onReceive?.(batch.map((m) => m.body));
      const response = await this.handler({ Records: batch.map((m) => this.toRecord(m)) });
      failedIds = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
    } catch {
      failedIds = new Set(batch.map((m) => m.id));
    }
    for (const m of batch) {
      const visibleInMs = this.delivering.get(m.id)?.visibleInMs;
      this.delivering.delete(m.id);
      if (!failedIds.has(m.id)) this.store.remove(m.id);
      else if (!this.stopped) this.retryOrDeadLetter(m, visibleInMs);
    }
  }

  /** A failed message comes back after its visibility change (a deferral) or the backoff, unless dead-lettered. */
  private retryOrDeadLetter(message: StoredMessage, visibleInMs?: number): void {
    if (message.receiveCount >= this.retry.maxReceiveCount) {
      const dead = { ...message, deadLetteredAt: Date.now() };
      this.store.deadLetter(dead);
      try {
        this.options.onDeadLetter?.(dead);
      } catch {
        // Reporting a dead letter must not lose the rest of the batch.
      }
      return;
    }
    this.delay(message, visibleInMs ?? retryDelayMs(message.receiveCount, this.retry));
  }

  private delay(message: StoredMessage, ms: number): void {
    const timer = setTimeout(() => {
      this.delayed.delete(message.id);
      this.ready.push(message);
      this.pump();
    }, ms);
    this.delayed.set(message.id, { timer, message });
  }

  private toRecord(m: StoredMessage): SQSRecord {
    return {
      messageId: m.id,
      receiptHandle: `${m.id}#${m.receiveCount}`,
      body: m.body,
      attributes: {
        ApproximateReceiveCount: String(m.receiveCount),
        SentTimestamp: String(m.sentAt),
        SenderId: "chartbridge-local",
        ApproximateFirstReceiveTimestamp: String(Date.now()),
      },
      messageAttributes: {},
      md5OfBody: "",
      eventSource: "aws:sqs",
      eventSourceARN: `arn:aws:sqs:local:000000000000:${this.name}`,
      awsRegion: "local",
    };
  }
}
