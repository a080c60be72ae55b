import { setTimeout as sleep } from "node:timers/promises";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { DynamoDbThroughputStore } from "../../shared/adapters/dynamodb/throughput-store";
import { throughputBudget, type Config } from "../../shared/config";
import type { Logger } from "../../shared/pipeline/ports";
import type { Clock, MessageVisibility } from "../../shared/throughput/ports";
import { DEFAULT_GOVERNOR_SETTINGS, ThroughputGovernor } from "../../shared/throughput/throughput-governor";

/** The system clock; waits are timers. */
export const systemClock: Clock = { nowMs: () => Date.now(), sleep: (ms) => sleep(Math.max(0, ms)) };

/**
 * The throughput governor over the records table, parking and waking messages of the ingest queue. Every
 * function that starts, completes or sweeps OCR jobs builds one: they share the state in the table.
 */
export function createThroughputGovernor(
  config: Config,
  db: DynamoDBDocumentClient,
  logger: Logger,
  visibility: MessageVisibility = ingestQueueVisibility(config),
): ThroughputGovernor {
  return new ThroughputGovernor(
    { store: new DynamoDbThroughputStore(db, config.TABLE_NAME), clock: systemClock, visibility, logger },
    {
      ...DEFAULT_GOVERNOR_SETTINGS,
      budget: throughputBudget(config),
      jobLeaseMs: config.TEXTRACT_JOB_LEASE_MINUTES * 60_000,
    },
  );
}

/** ChangeMessageVisibility on the ingest queue; the SQS client is imported on first use, not at cold start. */
function ingestQueueVisibility(config: Config): MessageVisibility {
  const queueUrl = config.INGEST_QUEUE_URL;
  if (!queueUrl)
    throw new Error("TEXTRACT_GOVERNOR=on needs INGEST_QUEUE_URL (the queue it parks messages in)");
  let adapter: Promise<MessageVisibility> | undefined;
  const load = async (): Promise<MessageVisibility> => {
    const [{ SQSClient }, { SqsMessageVisibility }] = await Promise.all([
      import("@aws-sdk/client-sqs"),
      import("../../shared/adapters/sqs/sqs-message-visibility"),
    ]);
    return new SqsMessageVisibility(new SQSClient({ region: config.AWS_REGION }), queueUrl);
  };
  return {
    change: async (receiptHandle, seconds) => {
      adapter ??= load().catch((err: unknown) => {
        adapter = undefined;
        throw err;
      });
      return (await adapter).change(receiptHandle, seconds);
    },
  };
}
