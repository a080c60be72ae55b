import { Duration } from "aws-cdk-lib";
import type * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import * as events from "aws-cdk-lib/aws-events";
import * as targets from "aws-cdk-lib/aws-events-targets";
import * as iam from "aws-cdk-lib/aws-iam";
import type * as kms from "aws-cdk-lib/aws-kms";
import type * as s3 from "aws-cdk-lib/aws-s3";
import type * as sns from "aws-cdk-lib/aws-sns";
import type * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import type { OcrFeatureSet } from "../../shared/ocr/ocr-engine";
import type { SweeperSettings, TextractThroughputSettings } from "../config";
import { governorEnvironment, grantGovernorItems, grantMessageVisibility } from "./throughput-governor";
import { textractOperationsFor } from "./textract-operations";
import { ChartbridgeFunction } from "./chartbridge-function";
import { functionEntry, type FunctionDefaults } from "./function-defaults";
import {
  acknowledge,
  KMS_GRANT_FINDINGS,
  S3_PUT_FINDINGS,
  S3_READ_FINDINGS,
  wildcardResourceFinding,
} from "./nag";

export interface StuckRecordSweeperProps {
  readonly table: dynamodb.ITable;
  /** The table's sparse by-status index (RecordsTable.STATUS_INDEX): the only index the sweeper queries. */
  readonly statusIndexName: string;
  /** The key the table is encrypted with. */
  readonly recordsKey: kms.IKey;
  /** Textract reads the scan with the caller's permissions when the sweeper starts a job. */
  readonly uploadsBucket: s3.IBucket;
  /** Completing an OCR job whose notification was lost stores its output here. */
  readonly resultsBucket: s3.IBucket;
  /** Textract's completion channel, for jobs the sweeper starts. */
  readonly textractTopic: sns.ITopic;
  readonly textractPublishRole: iam.IRole;
  readonly ocrFeatures: OcrFeatureSet;
  /** The throughput governor: the sweeper starts jobs through it, releases and reclaims their slots. */
  readonly textractThroughput: TextractThroughputSettings;
  /** Releasing a slot wakes the ingest message it is handed to. */
  readonly ingestQueue: sqs.IQueue;
  readonly settings: SweeperSettings;
  readonly functionDefaults: FunctionDefaults;
}

/**
 * The stuck-record sweeper: an EventBridge schedule runs the sweeper function every `intervalMinutes`; it
 * finds records left in RECEIVED, OCR_PENDING or EXTRACTED beyond `stuckAfterMinutes` through the table's
 * sparse by-status index, retries their step, and fails them with a reason once `maxAttempts` retries did
 * not help (shared/pipeline/sweep-stuck-records.ts). One run at a time (reserved concurrency 1).
 *
 *   schedule ──▶ sweeper λ ──Query byStatus / GetItem / PutItem──▶ records table
 *                         ──StartDocument… / GetDocument…──▶ Textract ──▶ results bucket
 */
export class StuckRecordSweeper extends Construct {
  readonly sweeperFunction: ChartbridgeFunction;
  readonly schedule: events.Rule;

  constructor(scope: Construct, id: string, props: StuckRecordSweeperProps) {
    super(scope, id);
    const { settings } = props;
    const interval = Duration.minutes(settings.intervalMinutes);

    this.sweeperFunction = new ChartbridgeFunction(this, "Sweeper", {
      ...props.functionDefaults,
      entry: functionEntry("sweeper"),
      serviceName: "sweeper",
      description: "Retries or fails chart records stuck in RECEIVED, OCR_PENDING or EXTRACTED",
      // Completing a lost OCR job is ocr-complete's work (5 min, 2 GB); the handler stops taking up
      // records 5.5 min before its timeout.
      timeout: Duration.minutes(10),
      memorySize: 2048,
      reservedConcurrentExecutions: 1,
      invokedBy: "an EventBridge schedule",
      noDeadLetterQueueReason:
        "Invoked asynchronously by an EventBridge schedule whose events carry nothing: a failed run needs no redrive, the next scheduled run queries every stuck record again from the table, and failed runs raise the function error alarm.",
      environment: {
        TABLE_NAME: props.table.tableName,
        UPLOAD_BUCKET: props.uploadsBucket.bucketName,
        RESULTS_BUCKET: props.resultsBucket.bucketName,
        OCR_FEATURES: props.ocrFeatures,
        OCR_ENGINE: "textract",
        TEXTRACT_SNS_TOPIC_ARN: props.textractTopic.topicArn,
        TEXTRACT_ROLE_ARN: props.textractPublishRole.roleArn,
        ...governorEnvironment(props.textractThroughput, props.ingestQueue),
        SWEEP_STUCK_AFTER_MINUTES: String(settings.stuckAfterMinutes),
        SWEEP_MAX_ATTEMPTS: String(settings.maxAttempts),
        SWEEP_INTERVAL_MINUTES: String(settings.intervalMinutes),
      },
    });
    const fn = this.sweeperFunction.function;
    // A failed run is not retried: the next scheduled one does the same work.
    fn.configureAsyncInvoke({ retryAttempts: 0, maxEventAge: interval });

    this.schedule = new events.Rule(this, "Schedule", {
      description: "Runs the stuck-record sweeper",
      schedule: events.Schedule.rate(interval),
      targets: [new targets.LambdaFunction(fn, { retryAttempts: 2, maxEventAge: interval })],
    });

    // The table: read and conditionally write single records, query the by-status index (ids only).
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: "RecordsReadWrite",
        actions: ["dynamodb:GetItem", "dynamodb:PutItem"],
        resources: [props.table.tableArn],
      }),
    );
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: "StuckRecordsQuery",
        actions: ["dynamodb:Query"],
        resources: [`${props.table.tableArn}/index/${props.statusIndexName}`],
      }),
    );
    // Vendor batches past their deadline: the open-batch pointers and batch files (queries of their own
    // partitions), the close transaction (update the batch, delete its pointer, mark arrived files), and a
    // listing of the batch's prefix in the uploads bucket.
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: "DueBatchesClose",
        actions: ["dynamodb:Query", "dynamodb:UpdateItem", "dynamodb:DeleteItem"],
        resources: [props.table.tableArn],
      }),
    );
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: "BatchPrefixListing",
        actions: ["s3:ListBucket"],
        resources: [props.uploadsBucket.bucketArn],
      }),
    );
    // The throughput governor's items (its partition only), and waking the messages it hands slots to.
    grantGovernorItems(fn, props.table);
    grantMessageVisibility(fn, props.ingestQueue);
    props.recordsKey.grantEncryptDecrypt(fn);
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: textractOperationsFor(props.ocrFeatures).map((op) => `textract:${op}`),
        resources: ["*"],
      }),
    );
    props.textractPublishRole.grantPassRole(fn.grantPrincipal);
    props.uploadsBucket.grantRead(fn);
    props.resultsBucket.grantRead(fn);
    props.resultsBucket.grantPut(fn);

    acknowledge(this.sweeperFunction, {
      ...KMS_GRANT_FINDINGS,
      ...S3_READ_FINDINGS,
      ...S3_PUT_FINDINGS,
      [wildcardResourceFinding(props.uploadsBucket, "/*")]:
        "Textract reads the scan of a record the sweeper restarts OCR for with the caller's permissions (keys chosen by uploaders), in the uploads bucket only.",
      [wildcardResourceFinding(props.resultsBucket, "/*")]:
        "Completing an OCR job whose notification was lost writes its output under per-document keys, in the results bucket only.",
    });
  }
}
