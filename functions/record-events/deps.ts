import type { Logger as PowertoolsLogger } from "@aws-lambda-powertools/logger";
import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { BatchRepository } from "../../shared/adapters/dynamodb/batch-repository";
import { ChangeFeedRepository } from "../../shared/adapters/dynamodb/change-feed-repository";
import type { ChangeFeedStore } from "../../shared/events/change-feed";
import { createDocumentClient, createDynamoDbClient } from "../../shared/adapters/dynamodb/dynamodb-client";
import { EventBridgePublisher } from "../../shared/adapters/eventbridge/eventbridge-publisher";
import type { BatchStore } from "../../shared/batches/batch-store";
import type { Config } from "../../shared/config";
import type { EventPublisher } from "../../shared/events/domain-events";
import type { Logger } from "../../shared/pipeline/ports";
import type { WithLambdaLogger } from "../wiring/lambda-deps";
import { lazy } from "../wiring/lazy";

export interface RecordEventsDeps {
  logger: Logger;
  batches: BatchStore;
  changes: ChangeFeedStore;
  events: EventPublisher;
  now(): string;
}

/** The production wiring of the record-events Lambda: the records table (batches) and the event bus. */
export function createRecordEventsDeps(
  config: Config,
  logger: PowertoolsLogger,
): WithLambdaLogger<RecordEventsDeps> {
  const db = createDocumentClient(createDynamoDbClient(config));
  return {
    batches: new BatchRepository(db, config.TABLE_NAME),
    changes: new ChangeFeedRepository(db, config.TABLE_NAME),
    events: lazy(() => {
      if (!config.EVENT_BUS_NAME) throw new Error("EVENT_BUS_NAME is required to publish events");
      return new EventBridgePublisher(
        new EventBridgeClient({ region: config.AWS_REGION }),
        config.EVENT_BUS_NAME,
      );
    }),
    logger,
    now: () => new Date().toISOString(),
  };
}
