/**
 * SQS and Lambda's SQS event source, in virtual time, as far as the throughput governor depends on them:
 * - a standard queue: a received message is invisible for the visibility timeout, then visible again; every
 *   receive counts (ApproximateReceiveCount); a message received maxReceiveCount times goes to the
 *   dead-letter queue instead of being received once more; ChangeMessageVisibility by the latest receipt
 *   handle of a message in flight; receives take visible messages in no particular order (a standard queue
 *   keeps none: a message whose visibility ended has no priority over a backlog of new ones);
 * - the event source mapping: at most maxConcurrency invocations, each with up to batchSize messages,
 *   picked up a little after they become visible; messages of a batch the handler did not report as failed
 *   are deleted, unless the invocation "crashes" (its response is lost: nothing is deleted).
 */
import type { SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import type { MessageVisibility } from "../../shared/throughput/ports";
import type { VirtualClock } from "./virtual-clock";

interface Message {
  id: string;
  body: string;
  sentAt: number;
  receiveCount: number;
  /** Bumped on every receive and visibility change: a pending "becomes visible" event of an older one is void. */
  generation: number;
  inFlight: boolean;
  visibleIndex: number;
}

export interface QueueSettings {
  name: string;
  visibilityTimeoutMs: number;
  maxReceiveCount: number;
}

export class SimQueue implements MessageVisibility {
  readonly deadLetters: Message[] = [];
  /** Receives per message id (for the report). */
  readonly receives = new Map<string, number>();
  private readonly messages = new Map<string, Message>();
  private readonly visible: Message[] = [];
  private nextId = 0;
  onVisible?: () => void;

  constructor(
    private readonly clock: VirtualClock,
    readonly settings: QueueSettings,
    private readonly random: () => number,
  ) {}

  send(body: string, delayMs = 0): void {
    const message: Message = {
      id: `${this.settings.name}-${this.nextId++}`,
      body,
      sentAt: this.clock.nowMs(),
      receiveCount: 0,
      generation: 0,
      inFlight: true,
      visibleIndex: -1,
    };
    this.messages.set(message.id, message);
    this.becomeVisibleIn(message, delayMs);
  }

  get visibleCount(): number {
    return this.visible.length;
  }

  /** Messages not deleted nor dead-lettered. */
  get depth(): number {
    return this.messages.size;
  }

  /** ReceiveMessage: up to `max` visible messages, in no particular order. */
  receive(max: number): SQSRecord[] {
    const records: SQSRecord[] = [];
    while (records.length < max && this.visible.length > 0) {
      const message = this.takeVisible(Math.floor(this.random() * this.visible.length));
      if (message.receiveCount >= this.settings.maxReceiveCount) {
        this.messages.delete(message.id);
        this.deadLetters.push(message);
        continue;
      }
      message.receiveCount++;
      this.receives.set(message.id, message.receiveCount);
      this.becomeVisibleIn(message, this.settings.visibilityTimeoutMs);
      records.push(this.toRecord(message));
    }
    return records;
  }

  /** DeleteMessage: only the latest receipt handle of a message deletes it. */
  delete(receiptHandle: string): void {
    const message = this.byReceipt(receiptHandle);
    if (message) this.messages.delete(message.id);
  }

  /** ChangeMessageVisibility, as the governor parks and wakes messages. */
  async change(receiptHandle: string, visibleInSeconds: number): Promise<void> {
    const message = this.byReceipt(receiptHandle);
    if (!message || !message.inFlight) {
      throw Object.assign(new Error("The receipt handle is not that of a message in flight"), {
        name: "MessageNotInflight",
      });
    }
    this.becomeVisibleIn(message, visibleInSeconds * 1000);
  }

  private becomeVisibleIn(message: Message, ms: number): void {
    const generation = ++message.generation;
    if (message.visibleIndex >= 0) this.takeVisible(message.visibleIndex);
    message.inFlight = true;
    this.clock.schedule(this.clock.nowMs() + ms, () => {
      if (message.generation !== generation || !this.messages.has(message.id)) return;
      message.inFlight = false;
      message.visibleIndex = this.visible.length;
      this.visible.push(message);
      this.onVisible?.();
    });
  }

  private takeVisible(index: number): Message {
    const message = this.visible[index]!;
    const last = this.visible.pop()!;
    if (last !== message) {
      this.visible[index] = last;
      last.visibleIndex = index;
    }
    message.visibleIndex = -1;
    return message;
  }

  private byReceipt(receiptHandle: string): Message | undefined {
    const [id, count] = receiptHandle.split("#");
    const message = this.messages.get(id!);
    return message && String(message.receiveCount) === count ? message : undefined;
  }

  private toRecord(m: Message): SQSRecord {
    return {
      messageId: m.id,
      receiptHandle: `${m.id}#${m.receiveCount}`,
      body: m.body,
      attributes: {
        ApproximateReceiveCount: String(m.receiveCount),
        SentTimestamp: String(m.sentAt),
        SenderId: "bench",
        ApproximateFirstReceiveTimestamp: String(m.sentAt),
      },
      messageAttributes: {},
      md5OfBody: "",
      eventSource: "aws:sqs",
      eventSourceARN: `arn:aws:sqs:bench:000000000000:${this.settings.name}`,
      awsRegion: "bench",
    };
  }
}

export interface EventSourceSettings {
  maxConcurrency: number;
  batchSize: number;
  /** Time from a message becoming visible (or a poller freeing up) to the invocation. */
  pollLatencyMs: () => number;
  /** Share of invocations whose response is lost (the Lambda crashed or timed out after doing its work). */
  crashRate: number;
}

type Handler = (event: SQSEvent) => Promise<SQSBatchResponse>;

/**
 * Lambda's SQS event source mapping over a SimQueue. Each concurrent invocation runs in an execution
 * environment of its own (`createHandler` builds one), which handles one invocation at a time, as in Lambda:
 * a handler's module state (Powertools' batch processor) is never shared by two invocations at once.
 */
export class SimEventSource {
  invocations = 0;
  crashes = 0;
  private running = 0;
  private readonly environments: Handler[] = [];

  constructor(
    private readonly clock: VirtualClock,
    private readonly queue: SimQueue,
    private readonly createHandler: () => Handler,
    private readonly settings: EventSourceSettings,
    private readonly random: () => number,
  ) {
    queue.onVisible = () => this.poll();
  }

  get busy(): number {
    return this.running;
  }

  private poll(): void {
    while (this.running < this.settings.maxConcurrency && this.queue.visibleCount > 0) {
      const records = this.queue.receive(this.settings.batchSize);
      if (records.length === 0) return;
      this.running++;
      this.clock.schedule(this.clock.nowMs() + this.settings.pollLatencyMs(), () =>
        this.clock.spawn(() => this.invoke(records)),
      );
    }
  }

  private async invoke(records: SQSRecord[]): Promise<void> {
    this.invocations++;
    const handler = this.environments.pop() ?? this.createHandler();
    let failed = new Set(records.map((r) => r.messageId));
    try {
      const response = await handler({ Records: records });
      failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
    } catch {
      // The whole batch failed: every message comes back after its visibility timeout.
    }
    if (this.random() < this.settings.crashRate) this.crashes++;
    else for (const r of records) if (!failed.has(r.messageId)) this.queue.delete(r.receiptHandle);
    this.environments.push(handler);
    this.running--;
    this.poll();
  }
}
