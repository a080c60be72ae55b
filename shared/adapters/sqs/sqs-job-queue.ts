import { SendMessageBatchCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { ChartbridgeError } from "../../errors/chartbridge-error";
import type { JobQueue, ReprocessChunk } from "../../jobs/reprocess-job";

/** SQS refused some messages of a batch (ids only in the message: bodies hold record ids, not PHI, but stay out). */
export class QueueSendError extends ChartbridgeError {
  constructor(failed: number) {
    super(
      { name: "QueueSendError", code: "QUEUE_UNAVAILABLE", retryable: true },
      `${failed} message(s) were not queued`,
    );
  }
}

/** Reprocess chunks on an SQS queue: one message per chunk, up to 10 per SendMessageBatch. */
export class SqsJobQueue implements JobQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async send(chunks: readonly ReprocessChunk[]): Promise<void> {
    for (let i = 0; i < chunks.length; i += 10) {
      const batch = chunks.slice(i, i + 10);
      const out = await this.sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: this.queueUrl,
          Entries: batch.map((chunk) => ({ Id: String(chunk.chunk), MessageBody: JSON.stringify(chunk) })),
        }),
      );
      if (out.Failed && out.Failed.length > 0) throw new QueueSendError(out.Failed.length);
    }
  }
}
