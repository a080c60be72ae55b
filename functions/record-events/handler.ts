/**
 * Lambda: DynamoDB stream batch → batch files follow their records' states, and state changes are announced
 * on the EventBridge bus (record.indexed, record.needs-review, record.rejected, record.corrected,
 * batch.completed). The second consumer of the records table's stream,
 * beside index-records; both are idempotent, so a redelivered stream batch changes nothing twice.
 */
import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import type { Context, DynamoDBRecord, DynamoDBStreamEvent } from "aws-lambda";
import { toStoredChange } from "../../shared/adapters/dynamodb/stream-records";
import { onStoredChange } from "../../shared/events/stored-changes";
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
      const change = toStoredChange(record);
      if (change) await onStoredChange(change, deps);
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
