/** Lambda: DynamoDB stream batch → upsert or remove search documents, then mark records INDEXED. */
import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import type { Context, DynamoDBRecord, DynamoDBStreamEvent } from "aws-lambda";
import { fromItem, isRecordItem } from "../../shared/adapters/dynamodb/record-repository";
import { loadConfig } from "../../shared/config";
import { loggedRecordHandler } from "../../shared/observability/batch";
import { createLogger } from "../../shared/observability/logger";
import { createIndexerDeps } from "../../shared/pipeline/create-indexer-deps";
import { indexRecordChange, type RecordChange } from "../../shared/pipeline/index-record";
import type { IndexerDeps } from "../../shared/pipeline/pipeline-deps";

/** Turns a stream record into a record change; other item kinds (content claims) are not indexed. */
export function toRecordChange(streamRecord: DynamoDBRecord): RecordChange | undefined {
  const image = (which: "NewImage" | "OldImage") => {
    const raw = streamRecord.dynamodb?.[which];
    return raw ? unmarshall(raw as Record<string, AttributeValue>) : undefined;
  };
  if (streamRecord.eventName === "REMOVE") {
    const old = image("OldImage");
    if (!old || !isRecordItem(old)) return undefined;
    const record = fromItem(old);
    return { kind: "remove", id: record.id, lastVersion: record.version };
  }
  const item = image("NewImage");
  if (!item || !isRecordItem(item)) return undefined;
  return { kind: "upsert", record: fromItem(item) };
}

export function createIndexRecordsHandler(getDeps: () => IndexerDeps) {
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

let deps: IndexerDeps | undefined;
export const handler = createIndexRecordsHandler(
  () => (deps ??= createIndexerDeps(loadConfig(), createLogger("chartbridge-index-records"))),
);
