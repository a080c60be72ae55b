/**
 * Lambda: DynamoDB stream batch → batch files follow their records' states, and completed batches are
 * announced (batch.completed on the EventBridge bus). The second consumer of the records table's stream,
 * beside index-records; both are idempotent, so a redelivered stream batch changes nothing twice.
 */
import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import type { Context, DynamoDBRecord, DynamoDBStreamEvent } from "aws-lambda";
import { toBatchRelevantChange } from "../../shared/adapters/dynamodb/stream-records";
import { onBatchRelevantChange } from "../../shared/batches/batch-changes";
import { loadConfig } from "../../shared/config";
import { loggedRecordHandler } from "../../shared/observability/batch";
import { createLogger } from "../../shared/observability/logger";
import type { WithLambdaLogger } from "../wiring/lambda-deps";
import { createRecordEventsDeps, type RecordEventsDeps } from "./deps";

export function createRecordEventsHandler(getDeps: () => WithLambdaLogger<RecordEventsDeps>) {
  const processor = new BatchProcessor(EventType.DynamoDBStreams);
  return middy(async (event: DynamoDBStreamEvent, context: Context) => {
    const deps = getDeps();
    const handleRecord = loggedRecordHandler(deps.logger, "Record event", async (record: DynamoDBRecord) => {
      const change = toBatchRelevantChange(record);
      if (change) await onBatchRelevantChange(change, deps);
    });
    return processPartialResponse(event, handleRecord, processor, {
      context,
      processInParallel: false,
      throwOnFullBatchFailure: false,
    });
  }).use(injectLambdaContext(getDeps().logger));
}

let deps: WithLambdaLogger<RecordEventsDeps> | undefined;
export const handler = createRecordEventsHandler(
  () => (deps ??= createRecordEventsDeps(loadConfig(), createLogger("chartbridge-record-events"))),
);
