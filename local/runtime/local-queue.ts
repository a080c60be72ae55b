import { randomUUID } from "node:crypto";
import type { SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";

export type SqsHandler = (event: SQSEvent) => Promise<SQSBatchResponse | void>;

interface Message {
  id: string;
  body: string;
  receiveCount: number;
  sentAt: number;
}

export interface LocalQueueOptions {
  batchSize?: number;
  /** Like a redrive policy: after this many receives a failing message goes to the dead-letter list. */
  maxReceiveCount?: number;
  /** Delay before a failed message is visible again (SQS visibility timeout). */
  retryDelayMs?: number;
  onDeadLetter?: (message: { id: string; body: string; receiveCount: number }) => void;
}

/**
 * An in-process stand-in for an SQS queue with a Lambda event source mapping: delivers batches to the handler,
 * honours `batchItemFailures` (partial batch responses), retries failures, and dead-letters poison messages.
 */
export class LocalQueue {
  private readonly ready: Message[] = [];
  private readonly delayed = new Set<NodeJS.Timeout>();
  private running = false;
  private stopped = false;
  private idleWaiters: (() => void)[] = [];
  readonly deadLetters: { id: string; body: string; receiveCount: number }[] = [];

  constructor(
    readonly name: string,
    private readonly handler: SqsHandler,
    private readonly options: LocalQueueOptions = {},
  ) {}

  send(body: string): string {
    const message = { id: randomUUID(), body, receiveCount: 0, sentAt: Date.now() };
    this.ready.push(message);
    this.pump();
    return message.id;
  }

  get depth(): number {
    return this.ready.length + this.delayed.size + (this.running ? 1 : 0);
  }

  /** Resolves once nothing is queued, delayed or being processed. */
  idle(): Promise<void> {
    if (this.depth === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.delayed) clearTimeout(t);
    this.delayed.clear();
    this.idleWaiters.splice(0).forEach((resolve) => resolve());
  }

  private pump(): void {
    if (this.running || this.stopped) return;
    if (this.ready.length === 0) {
      if (this.delayed.size === 0) this.idleWaiters.splice(0).forEach((resolve) => resolve());
      return;
    }
    this.running = true;
    const batch = this.ready.splice(0, this.options.batchSize ?? 10);
    void this.deliver(batch).finally(() => {
      this.running = false;
      this.pump();
    });
  }

  private async deliver(batch: Message[]): Promise<void> {
    for (const m of batch) m.receiveCount += 1;
    let failedIds: Set<string>;
    try {
      const response = await this.handler({ Records: batch.map((m) => this.toRecord(m)) });
      failedIds = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
    } catch {
      failedIds = new Set(batch.map((m) => m.id));
    }
    for (const m of batch.filter((b) => failedIds.has(b.id))) this.retryOrDeadLetter(m);
  }

  private retryOrDeadLetter(message: Message): void {
    if (message.receiveCount >= (this.options.maxReceiveCount ?? 3)) {
      const dead = { id: message.id, body: message.body, receiveCount: message.receiveCount };
      this.deadLetters.push(dead);
      try {
        this.options.onDeadLetter?.(dead);
      } catch {
        // Reporting a dead letter must not lose the rest of the batch.
      }
      return;
    }
    const timer = setTimeout(() => {
      this.delayed.delete(timer);
      this.ready.push(message);
      this.pump();
    }, this.options.retryDelayMs ?? 1000);
    this.delayed.add(timer);
  }

  private toRecord(m: Message): SQSRecord {
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
