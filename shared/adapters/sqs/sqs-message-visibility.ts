import { ChangeMessageVisibilityCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { MessageVisibility } from "../../throughput/ports";

/**
 * Parks and wakes messages of one queue (the ingest queue) with ChangeMessageVisibility. SQS counts the
 * message's next receive as usual (ApproximateReceiveCount), which the queue's maxReceiveCount allows for.
 */
export class SqsMessageVisibility implements MessageVisibility {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async change(receiptHandle: string, visibleInSeconds: number): Promise<void> {
    await this.sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: this.queueUrl,
        ReceiptHandle: receiptHandle,
        VisibilityTimeout: visibleInSeconds,
      }),
    );
  }
}
