/** Lambda: DynamoDB stream batch → upsert or remove search documents, then mark records INDEXED. */
import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import type { WithLambdaLogger } from "../wiring/lambda-deps";
import type { Context, DynamoDBRecord, DynamoDBStreamEvent } from "aws-lambda";
import { toRecordChange } from "../../shared/adapters/dynamodb/stream-records";
import { loadConfig } from "../../shared/config";
import { loggedRecordHandler } from "../../shared/observability/batch";
import { createLogger } from "../../shared/observability/logger";
import { createIndexerDeps } from "./deps";
import { indexRecordChange } from "../../shared/pipeline/index-record";
import type { IndexerDeps } from "../../shared/pipeline/pipeline-deps";

export function createIndexRecordsHandler(getDeps: () => WithLambdaLogger<IndexerDeps>) {
  const processor = new BatchProcessor(EventType.DynamoDBStreams);
  return middy(async (event: DynamoDBStreamEvent, context: Context) => {
    const deps = getDeps();
    const handleRecord = loggedRecordHandler(deps.logger, "Indexing", async (record: DynamoDBRecord) => {
      const change = toRecordChange(record);
      if (change) await indexRecordChange(change, deps);
    });
    // In order: a record's versions must reach the index oldest first.
    return processPartialResponse(event, handleRecord, processor, {
      context,
      processInParallel: false,
      throwOnFullBatchFailure: false,
    });
  }).use(injectLambdaContext(getDeps().logger));
}

let deps: WithLambdaLogger<IndexerDeps> | undefined;
export const handler = createIndexRecordsHandler(
  () => (deps ??= createIndexerDeps(loadConfig(), createLogger("chartbridge-index-records"))),
);
