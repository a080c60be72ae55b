import { SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { ExportQueue } from "../../fhir/bulk-export/export-job";

/** The message that tells the background worker to run an export job (the job id only). */
export const exportMessage = (jobId: string) => JSON.stringify({ kind: "export", jobId });

/** Export jobs on the background jobs' SQS queue (beside bulk reprocess chunks). */
export class SqsExportQueue implements ExportQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async send(jobId: string): Promise<void> {
    await this.sqs.send(
      new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: exportMessage(jobId) }),
    );
  }
}
