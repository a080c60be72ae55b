import { ArnFormat, Duration, Size, Stack, Validations } from "aws-cdk-lib";
import type * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import * as events from "aws-cdk-lib/aws-events";
import * as targets from "aws-cdk-lib/aws-events-targets";
import * as iam from "aws-cdk-lib/aws-iam";
import * as kms from "aws-cdk-lib/aws-kms";
import * as lambda from "aws-cdk-lib/aws-lambda";
import { DynamoEventSource, SqsDlq, SqsEventSource } from "aws-cdk-lib/aws-lambda-event-sources";
import * as s3 from "aws-cdk-lib/aws-s3";
import * as sns from "aws-cdk-lib/aws-sns";
import * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import type { OcrFeatureSet } from "../../shared/ocr/ocr-engine";
import { ChartbridgeFunction } from "./chartbridge-function";
import type { FunctionDefaults } from "./function-defaults";
import { FUNCTION_RUNTIME_FILES, functionEntry } from "./function-defaults";
import {
  acknowledge,
  KMS_GRANT_FINDINGS,
  S3_PUT_FINDINGS,
  S3_READ_FINDINGS,
  TABLE_GRANT_INDEX_REASON,
  wildcardResourceFinding,
} from "./nag";
import type { SearchDomain } from "./search-domain";
import { textractOperationsOf } from "./textract-operations";
import type { TextractThroughputSettings } from "../config";
import { governorEnvironment, grantMessageVisibility } from "./throughput-governor";
import { INGEST_MAX_RECEIVE_COUNT, ocrCompleteMaxConcurrency } from "../pipeline-sizing";

export interface ProcessingPipelineProps {
  /** Names the Textract completion topic (`chartbridge-<env>-textract-completion`). */
  readonly envName: string;
  readonly uploadsBucket: s3.IBucket;
  readonly resultsBucket: s3.IBucket;
  readonly table: dynamodb.ITable;
  readonly search: SearchDomain;
  /** Encrypts the queues carrying upload events (ingest queue and its DLQ). */
  readonly scansKey: kms.IKey;
  /** Encrypts the Textract completion topic and the queues carrying OCR notifications. */
  readonly ocrOutputKey: kms.IKey;
  /** Encrypts the index-records failure queue (pointers to records in the table stream). */
  readonly recordsKey: kms.IKey;
  readonly ocrFeatures: OcrFeatureSet;
  /** The throughput governor's share of Textract's quotas (Start…/Get… TPS, jobs in progress). */
  readonly textractThroughput: TextractThroughputSettings;
  /** SQS maxConcurrency and reserved concurrency of the ingest function (from the Textract TPS budget). */
  readonly ingestConcurrency: number;
  readonly ocrCompleteConcurrency: number;
  readonly indexRecordsConcurrency: number;
  readonly functionDefaults: FunctionDefaults;
}

const DLQ_RETENTION = Duration.days(14);
const MAX_RECEIVE_COUNT = 5;

/**
 * The document flow:
 *
 *   uploads bucket ──Object Created──▶ EventBridge rule ──▶ ingest queue (DLQ) ──▶ ingest λ
 *   ingest λ ──StartDocument…──▶ Textract ──publishes (assumed role)──▶ completion topic (KMS)
 *   completion topic ──raw message──▶ ocr-complete queue (DLQ) ──▶ ocr-complete λ ──▶ records table
 *   records table stream ──▶ index-records λ (bisect, retries, on-failure queue) ──▶ search domain
 *
 * Every function runs in the VPC. Queues and the topic are encrypted with the key of the data class they
 * carry (upload events: scans; Textract notifications: ocr-output; stream failures: records) and refuse
 * non-TLS requests. SQS event sources
 * report partial batch failures; message bodies on the ocr-complete queue are Textract's raw notification
 * JSON (raw message delivery, no SNS envelope).
 */
export class ProcessingPipeline extends Construct {
  readonly ingestQueue: sqs.Queue;
  readonly ingestDeadLetterQueue: sqs.Queue;
  readonly ocrCompleteQueue: sqs.Queue;
  readonly ocrCompleteDeadLetterQueue: sqs.Queue;
  /** Stream batches index-records could not process after retries and bisection. */
  readonly indexFailureQueue: sqs.Queue;
  readonly textractTopic: sns.Topic;
  /** The role Textract assumes to publish job completion to the topic. */
  readonly textractPublishRole: iam.Role;
  readonly ingestFunction: ChartbridgeFunction;
  readonly ocrCompleteFunction: ChartbridgeFunction;
  readonly indexRecordsFunction: ChartbridgeFunction;

  constructor(scope: Construct, id: string, props: ProcessingPipelineProps) {
    super(scope, id);
    const defaults = props.functionDefaults;
    // Ingest starts Textract jobs, ocr-complete reads their results.
    const textractOperations = textractOperationsOf(props.ocrFeatures);

    const queue = (
      name: string,
      key: kms.IKey,
      visibilityTimeout?: Duration,
      deadLetterQueue?: sqs.IQueue,
      maxReceiveCount = MAX_RECEIVE_COUNT,
    ): sqs.Queue =>
      new sqs.Queue(this, name, {
        encryption: sqs.QueueEncryption.KMS,
        encryptionMasterKey: key,
        dataKeyReuse: Duration.hours(1),
        enforceSSL: true,
        ...(visibilityTimeout ? { visibilityTimeout } : {}),
        ...(deadLetterQueue
          ? { deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount } }
          : { retentionPeriod: DLQ_RETENTION }),
      });

    const commonEnv = {
      TABLE_NAME: props.table.tableName,
      UPLOAD_BUCKET: props.uploadsBucket.bucketName,
      RESULTS_BUCKET: props.resultsBucket.bucketName,
      OCR_FEATURES: props.ocrFeatures,
      OCR_ENGINE: "textract",
    };

    // ── Textract completion: topic, publish role ────────────────────────────────────────────────────
    // Named, so the ocr-output key's policy can refer to the topic by ARN (see the subscription below).
    const textractTopicName = `chartbridge-${props.envName}-textract-completion`;
    this.textractTopic = new sns.Topic(this, "TextractCompletionTopic", {
      topicName: textractTopicName,
      displayName: "chartbridge Textract job completion",
      masterKey: props.ocrOutputKey,
      enforceSSL: true,
    });
    this.textractPublishRole = new iam.Role(this, "TextractPublishRole", {
      description:
        "Assumed by Amazon Textract to publish job-completion notifications to the chartbridge topic",
      assumedBy: new iam.ServicePrincipal("textract.amazonaws.com", {
        conditions: { StringEquals: { "aws:SourceAccount": Stack.of(this).account } },
      }),
    });
    this.textractTopic.grantPublish(this.textractPublishRole);
    Validations.of(this.textractPublishRole).acknowledge({
      id: "AwsSolutions-IAM5[Action::kms:GenerateDataKey*]",
      reason:
        "Topic.grantPublish on a KMS-encrypted topic: Textract needs the GenerateDataKey family to publish; the statement is limited to the ocr-output key's ARN.",
    });
    Validations.of(this.textractPublishRole).acknowledge({
      id: "HIPAA.Security-IAMNoInlinePolicy",
      reason:
        "The only permission (publish to this topic, with its key) comes from Topic.grantPublish as the role's own policy; it cannot be attached to another principal.",
    });

    // ── Ingest: S3 Object Created → EventBridge → SQS → ingest λ ────────────────────────────────────
    const ingestTimeout = Duration.minutes(2);
    this.ingestDeadLetterQueue = queue("IngestDeadLetterQueue", props.scansKey);
    // The throughput governor parks messages that wait for Textract capacity (ChangeMessageVisibility) and
    // every receive counts: see INGEST_MAX_RECEIVE_COUNT. The visibility timeout is only for failures.
    this.ingestQueue = queue(
      "IngestQueue",
      props.scansKey,
      Duration.seconds(ingestTimeout.toSeconds() * 6),
      this.ingestDeadLetterQueue,
      INGEST_MAX_RECEIVE_COUNT,
    );
    const governor = governorEnvironment(props.textractThroughput, this.ingestQueue);

    new events.Rule(this, "UploadCreatedRule", {
      description: "Scans created in the uploads bucket → ingest queue",
      eventPattern: {
        source: ["aws.s3"],
        detailType: ["Object Created"],
        detail: { bucket: { name: [props.uploadsBucket.bucketName] } },
      },
      targets: [
        new targets.SqsQueue(this.ingestQueue, {
          deadLetterQueue: this.ingestDeadLetterQueue,
          retryAttempts: 185,
          maxEventAge: Duration.hours(24),
        }),
      ],
    });

    this.ingestFunction = new ChartbridgeFunction(this, "Ingest", {
      ...defaults,
      entry: functionEntry("ingest"),
      serviceName: "ingest",
      description: "Validates a new scan, records it, detects duplicates and starts the Textract job",
      runtimeFiles: FUNCTION_RUNTIME_FILES.ingest,
      timeout: ingestTimeout,
      memorySize: 1024,
      // Each upload (up to Textract's 500 MiB) is downloaded to /tmp and inspected there, one at a time.
      ephemeralStorageSize: Size.mebibytes(1024),
      reservedConcurrentExecutions: props.ingestConcurrency,
      invokedBy: "its SQS event source mapping",
      environment: {
        ...commonEnv,
        ...governor,
        TEXTRACT_SNS_TOPIC_ARN: this.textractTopic.topicArn,
        TEXTRACT_ROLE_ARN: this.textractPublishRole.roleArn,
      },
    });
    const ingestFn = this.ingestFunction.function;
    ingestFn.addEventSource(
      new SqsEventSource(this.ingestQueue, {
        batchSize: 5,
        reportBatchItemFailures: true,
        maxConcurrency: props.ingestConcurrency,
      }),
    );
    // Textract reads the scan with the caller's permissions (hence read + KMS decrypt on the uploads bucket).
    props.uploadsBucket.grantRead(ingestFn);
    props.table.grantReadWriteData(ingestFn);
    ingestFn.addToRolePolicy(
      new iam.PolicyStatement({ actions: [`textract:${textractOperations.start}`], resources: ["*"] }),
    );
    this.textractPublishRole.grantPassRole(ingestFn.grantPrincipal);
    acknowledge(this.ingestFunction, {
      ...KMS_GRANT_FINDINGS,
      ...S3_READ_FINDINGS,
      [wildcardResourceFinding(props.uploadsBucket, "/*")]:
        "Reads any newly uploaded scan (object keys are chosen by uploaders), in the uploads bucket only.",
      [wildcardResourceFinding(props.table, "/index/*")]: TABLE_GRANT_INDEX_REASON,
    });

    // ── OCR completion: topic → SQS → ocr-complete λ ────────────────────────────────────────────────
    const ocrCompleteTimeout = Duration.minutes(5);
    this.ocrCompleteDeadLetterQueue = queue("OcrCompleteDeadLetterQueue", props.ocrOutputKey);
    this.ocrCompleteQueue = queue(
      "OcrCompleteQueue",
      props.ocrOutputKey,
      Duration.seconds(ocrCompleteTimeout.toSeconds() * 6),
      this.ocrCompleteDeadLetterQueue,
    );
    // SNS → SQS delivery, without SqsSubscription: it would add to the ocr-output key's policy a statement
    // referring to the topic, while the topic refers to the key (a dependency cycle). The grant instead
    // names the topic by its ARN, built from the fixed name: the queue policy and the key policy let SNS
    // send (and encrypt) for this topic only. The subscription DLQ shares the queue's key; Subscription
    // adds its queue-policy statement itself.
    const textractTopicArn = Stack.of(this).formatArn({
      service: "sns",
      resource: textractTopicName,
      arnFormat: ArnFormat.NO_RESOURCE_NAME,
    });
    const snsDelivery = this.ocrCompleteQueue.grantSendMessages(
      new iam.ServicePrincipal("sns.amazonaws.com", {
        conditions: { ArnEquals: { "aws:SourceArn": textractTopicArn } },
      }),
    );
    const subscription = new sns.Subscription(this, "OcrCompleteSubscription", {
      topic: this.textractTopic,
      protocol: sns.SubscriptionProtocol.SQS,
      endpoint: this.ocrCompleteQueue.queueArn,
      rawMessageDelivery: true,
      deadLetterQueue: this.ocrCompleteDeadLetterQueue,
    });
    snsDelivery.applyBefore(subscription);

    this.ocrCompleteFunction = new ChartbridgeFunction(this, "OcrComplete", {
      ...defaults,
      entry: functionEntry("ocr-complete"),
      serviceName: "ocr-complete",
      description: "Reads a finished Textract job, extracts the chart record and stores it",
      timeout: ocrCompleteTimeout,
      memorySize: 2048,
      reservedConcurrentExecutions: props.ocrCompleteConcurrency,
      invokedBy: "its SQS event source mapping",
      environment: { ...commonEnv, ...governor },
    });
    const ocrCompleteFn = this.ocrCompleteFunction.function;
    ocrCompleteFn.addEventSource(
      new SqsEventSource(this.ocrCompleteQueue, {
        batchSize: 1,
        reportBatchItemFailures: true,
        maxConcurrency: ocrCompleteMaxConcurrency(
          props.ocrCompleteConcurrency,
          props.textractThroughput.getTps,
        ),
      }),
    );
    // Releasing a finished job's slot wakes the ingest message it is handed to.
    grantMessageVisibility(ocrCompleteFn, this.ingestQueue);
    // Stores the raw Textract JSON and the page text in the results bucket.
    props.resultsBucket.grantRead(ocrCompleteFn);
    props.resultsBucket.grantPut(ocrCompleteFn);
    props.table.grantReadWriteData(ocrCompleteFn);
    ocrCompleteFn.addToRolePolicy(
      new iam.PolicyStatement({ actions: [`textract:${textractOperations.get}`], resources: ["*"] }),
    );
    acknowledge(this.ocrCompleteFunction, {
      ...KMS_GRANT_FINDINGS,
      ...S3_READ_FINDINGS,
      ...S3_PUT_FINDINGS,
      [wildcardResourceFinding(props.resultsBucket, "/*")]:
        "Writes and reads OCR output under per-document keys not known in advance, in the results bucket only.",
      [wildcardResourceFinding(props.table, "/index/*")]: TABLE_GRANT_INDEX_REASON,
    });

    // ── Indexing: table stream → index-records λ → search domain ────────────────────────────────────
    this.indexFailureQueue = queue("IndexFailureQueue", props.recordsKey);
    this.indexRecordsFunction = new ChartbridgeFunction(this, "IndexRecords", {
      ...defaults,
      entry: functionEntry("index-records"),
      serviceName: "index-records",
      description: "Projects chart records from the table stream into the search index",
      timeout: Duration.minutes(1),
      memorySize: 512,
      reservedConcurrentExecutions: props.indexRecordsConcurrency,
      invokedBy: "its DynamoDB stream event source mapping",
      environment: {
        ...commonEnv,
        SEARCH_ENGINE: "opensearch",
        SEARCH_ENDPOINT: props.search.endpointUrl,
      },
    });
    const indexFn = this.indexRecordsFunction.function;
    indexFn.addEventSource(
      new DynamoEventSource(props.table, {
        startingPosition: lambda.StartingPosition.TRIM_HORIZON,
        batchSize: 100,
        maxBatchingWindow: Duration.seconds(1),
        bisectBatchOnError: true,
        retryAttempts: 5,
        maxRecordAge: Duration.hours(24),
        reportBatchItemFailures: true,
        onFailure: new SqsDlq(this.indexFailureQueue),
        // Chart records only: the table's other items (the throughput governor's, written on every OCR start
        // and completion, batches, jobs) would invoke the function for nothing.
        filters: [lambda.FilterCriteria.filter({ dynamodb: { Keys: { sk: { S: ["RECORD"] } } } })],
      }),
    );
    // Reads the OCR text to index and marks the record INDEXED.
    props.resultsBucket.grantRead(indexFn);
    props.table.grantReadWriteData(indexFn);
    props.search.grantReadWrite(indexFn);
    props.search.connections.allowDefaultPortFrom(indexFn, `HTTPS from ${indexFn.node.path}`);
    acknowledge(this.indexRecordsFunction, {
      ...KMS_GRANT_FINDINGS,
      ...S3_READ_FINDINGS,
      [wildcardResourceFinding(props.resultsBucket, "/*")]:
        "Reads the OCR text of the record being indexed (per-document keys), in the results bucket only.",
      [wildcardResourceFinding(props.table, "/index/*")]: TABLE_GRANT_INDEX_REASON,
      [props.search.indexPathFinding]:
        "OpenSearch HTTP actions apply to index paths under the domain (documents, _bulk, _search); limited to this one domain.",
    });

    Validations.of(this.indexFailureQueue).acknowledge({
      id: "AwsSolutions-SQS3",
      reason:
        "This queue is the index-records stream's on-failure destination, i.e. it is itself a dead-letter queue (stream-record pointers for redrive), not a work queue.",
    });
  }
}
