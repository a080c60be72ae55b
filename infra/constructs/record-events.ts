import { Duration, Validations } from "aws-cdk-lib";
import type * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import * as events from "aws-cdk-lib/aws-events";
import * as eventschemas from "aws-cdk-lib/aws-eventschemas";
import type * as kms from "aws-cdk-lib/aws-kms";
import * as lambda from "aws-cdk-lib/aws-lambda";
import { DynamoEventSource, SqsDlq } from "aws-cdk-lib/aws-lambda-event-sources";
import * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { EVENT_SOURCE } from "../../shared/events/domain-events";
import { EVENT_SCHEMAS, eventBridgeJsonSchema, type EventType } from "../../shared/events/event-schemas";
import { ChartbridgeFunction } from "./chartbridge-function";
import { functionEntry, type FunctionDefaults } from "./function-defaults";
import { acknowledge, KMS_GRANT_FINDINGS, TABLE_GRANT_INDEX_REASON, wildcardResourceFinding } from "./nag";

export interface RecordEventsProps {
  /** Names the bus: `chartbridge-<env>-events`. */
  readonly envName: string;
  readonly table: dynamodb.ITable;
  /** Encrypts the stream's on-failure queue (pointers to table stream records). */
  readonly recordsKey: kms.IKey;
  readonly functionDefaults: FunctionDefaults;
}

/**
 * The records table stream's second consumer (beside index-records): batch files follow their records'
 * states, batches complete, and state changes are announced on the stack's event bus (record.indexed,
 * record.needs-review, record.rejected, record.corrected, batch.completed; source `chartbridge`) for
 * downstream systems to subscribe to, each type's schema in the bus's schema registry. Events carry ids,
 * states and counts, never PHI.
 *
 *   records table stream ──▶ record-events λ (bisect, retries, on-failure queue) ──▶ batch items, event bus
 */
export class RecordEvents extends Construct {
  readonly bus: events.EventBus;
  /** One JSON Schema per event type (EventBridge schema registry). */
  readonly schemaRegistry: eventschemas.CfnRegistry;
  readonly function: ChartbridgeFunction;
  /** Stream batches the function could not process after retries and bisection. */
  readonly failureQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: RecordEventsProps) {
    super(scope, id);
    this.bus = new events.EventBus(this, "Bus", {
      eventBusName: `chartbridge-${props.envName}-events`,
      description: "chartbridge domain events (record.*, batch.completed): ids, states and counts, no PHI",
    });
    // Each event type's schema, for subscribers to discover and generate code bindings from.
    this.schemaRegistry = new eventschemas.CfnRegistry(this, "Schemas", {
      registryName: `chartbridge-${props.envName}-events`,
      description: "chartbridge domain events as they arrive on the bus (docs/events has the same contracts)",
    });
    for (const type of Object.keys(EVENT_SCHEMAS) as EventType[]) {
      const schema = new eventschemas.CfnSchema(this, `Schema-${type}`, {
        registryName: this.schemaRegistry.attrRegistryName,
        schemaName: `${EVENT_SOURCE}@${type}`,
        type: "JSONSchemaDraft4",
        description: EVENT_SCHEMAS[type].description,
        content: JSON.stringify(eventBridgeJsonSchema(type)),
      });
      schema.addDependency(this.schemaRegistry);
    }

    this.failureQueue = new sqs.Queue(this, "FailureQueue", {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: props.recordsKey,
      dataKeyReuse: Duration.hours(1),
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.failureQueue).acknowledge({
      id: "AwsSolutions-SQS3",
      reason:
        "This queue is the record-events stream's on-failure destination, i.e. itself a dead-letter queue (stream-record pointers for redrive), not a work queue.",
    });

    this.function = new ChartbridgeFunction(this, "Function", {
      ...props.functionDefaults,
      entry: functionEntry("record-events"),
      serviceName: "record-events",
      description: "Tracks vendor batch files from the records stream and announces record and batch changes",
      timeout: Duration.minutes(1),
      memorySize: 256,
      // Batch files are few writes per record; two shards' worth of concurrent batches is plenty.
      reservedConcurrentExecutions: 2,
      invokedBy: "its DynamoDB stream event source mapping",
      environment: { TABLE_NAME: props.table.tableName, EVENT_BUS_NAME: this.bus.eventBusName },
    });
    const fn = this.function.function;
    fn.addEventSource(
      new DynamoEventSource(props.table, {
        startingPosition: lambda.StartingPosition.TRIM_HORIZON,
        batchSize: 100,
        maxBatchingWindow: Duration.seconds(1),
        bisectBatchOnError: true,
        retryAttempts: 10,
        maxRecordAge: Duration.hours(24),
        reportBatchItemFailures: true,
        onFailure: new SqsDlq(this.failureQueue),
        // Only chart records and batches concern it (not content claims, jobs or the other batch items).
        filters: [
          lambda.FilterCriteria.filter({ dynamodb: { NewImage: { sk: { S: ["RECORD", "BATCH"] } } } }),
        ],
      }),
    );
    // Batch and batch-file items: reads, conditional transactions moving a file and the batch's counts.
    props.table.grantReadWriteData(fn);
    this.bus.grantPutEventsTo(fn);
    acknowledge(this.function, {
      ...KMS_GRANT_FINDINGS,
      [wildcardResourceFinding(props.table, "/index/*")]: TABLE_GRANT_INDEX_REASON,
    });
  }
}
