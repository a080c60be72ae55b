import { Duration } from "aws-cdk-lib";
import type * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import type * as iam from "aws-cdk-lib/aws-iam";
import type * as kms from "aws-cdk-lib/aws-kms";
import { SqsEventSource } from "aws-cdk-lib/aws-lambda-event-sources";
import type * as s3 from "aws-cdk-lib/aws-s3";
import * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { ChartbridgeFunction } from "./chartbridge-function";
import { functionEntry, type FunctionDefaults } from "./function-defaults";
import type { SearchDomain } from "./search-domain";
import {
  acknowledge,
  KMS_GRANT_FINDINGS,
  S3_PUT_FINDINGS,
  S3_READ_FINDINGS,
  TABLE_GRANT_INDEX_REASON,
  wildcardResourceFinding,
} from "./nag";

/** Where OCR output lives in the results bucket (`ocr/<record id>/…`): what reprocessing reads and rewrites. */
export const OCR_OUTPUT_PREFIX = "ocr/";
/** Where FHIR bulk exports write their NDJSON files and disclosures (`exports/<job id>/…`). */
export const EXPORTS_PREFIX = "exports/";

export interface ReprocessJobsProps {
  /** The records table: records to reprocess, and the job items beside them. */
  readonly table: dynamodb.ITable;
  /** Stored Textract output (read) and the plain text it is indexed from (rewritten). */
  readonly resultsBucket: s3.IBucket;
  /** Encrypts the chunk queue and its dead-letter queue (messages hold record ids only). */
  readonly recordsKey: kms.IKey;
  /** Exports read the filed charts through the search index, as the FHIR API does. */
  readonly search: SearchDomain;
  /** The MRN identifier system exported Patients carry (the FHIR API's). */
  readonly fhirMrnSystem: string;
  /**
   * Worker concurrency: chunks of 10 records each; higher finishes a job sooner, at the cost of more
   * table writes at once (the index-records stream follows every record change).
   * @default 2
   */
  readonly concurrency?: number;
  readonly functionDefaults: FunctionDefaults;
}

const MAX_RECEIVE_COUNT = 5;

/**
 * Background jobs: bulk reprocessing and FHIR bulk exports. The api queues a reprocess job's chunks or an
 * export's id; the worker re-extracts each chunk's records from their stored OCR output and adds the outcome
 * to the job (shared/pipeline/bulk-reprocess.ts), or writes an export's NDJSON files
 * (shared/fhir/bulk-export/run-export.ts).
 *
 *   api λ ──SendMessage(Batch)──▶ job queue ──▶ reprocess-worker λ ──▶ records table (records, jobs)
 *                                   │ 5 receives                   ──▶ results bucket ocr/*, exports/*
 *                                   ▼                              ──▶ search domain (exports: read)
 *                             dead-letter queue
 */
export class ReprocessJobs extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly workerFunction: ChartbridgeFunction;

  constructor(scope: Construct, id: string, props: ReprocessJobsProps) {
    super(scope, id);
    const concurrency = props.concurrency ?? 2;
    const encryption = {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: props.recordsKey,
      dataKeyReuse: Duration.hours(1),
      enforceSSL: true,
    };
    this.deadLetterQueue = new sqs.Queue(this, "DeadLetterQueue", {
      ...encryption,
      retentionPeriod: Duration.days(14),
    });
    // An export reads every filed chart in one run: Lambda's longest. A chunk of ten records takes seconds.
    const timeout = Duration.minutes(15);
    this.queue = new sqs.Queue(this, "ChunkQueue", {
      ...encryption,
      // Six times the function timeout, as AWS advises for SQS event sources.
      visibilityTimeout: Duration.minutes(90),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: MAX_RECEIVE_COUNT },
    });

    this.workerFunction = new ChartbridgeFunction(this, "Worker", {
      ...props.functionDefaults,
      entry: functionEntry("reprocess-worker"),
      serviceName: "reprocess-worker",
      description: "Background jobs: bulk reprocess chunks and FHIR bulk exports",
      timeout,
      memorySize: 1024,
      reservedConcurrentExecutions: concurrency,
      invokedBy: "its SQS event source mapping",
      environment: {
        TABLE_NAME: props.table.tableName,
        RESULTS_BUCKET: props.resultsBucket.bucketName,
        SEARCH_ENGINE: "opensearch",
        SEARCH_ENDPOINT: props.search.endpointUrl,
        FHIR_MRN_SYSTEM: props.fhirMrnSystem,
      },
    });
    const fn = this.workerFunction.function;
    fn.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: 1,
        reportBatchItemFailures: true,
        maxConcurrency: Math.max(2, concurrency),
      }),
    );
    props.table.grantReadWriteData(fn);
    props.resultsBucket.grantRead(fn, `${OCR_OUTPUT_PREFIX}*`);
    props.resultsBucket.grantPut(fn, `${OCR_OUTPUT_PREFIX}*`);
    props.resultsBucket.grantPut(fn, `${EXPORTS_PREFIX}*`);
    props.search.grantRead(fn);
    props.search.connections.allowDefaultPortFrom(fn, `HTTPS from ${fn.node.path}`);
    acknowledge(this.workerFunction, {
      ...KMS_GRANT_FINDINGS,
      ...S3_READ_FINDINGS,
      ...S3_PUT_FINDINGS,
      [wildcardResourceFinding(props.resultsBucket, `/${OCR_OUTPUT_PREFIX}*`)]:
        "Reads the stored OCR output and rewrites the plain text of the records it reprocesses (per-record keys), under the results bucket's ocr/ prefix only.",
      [wildcardResourceFinding(props.resultsBucket, `/${EXPORTS_PREFIX}*`)]:
        "Writes FHIR bulk export files (per-job keys) under the results bucket's exports/ prefix only.",
      [props.search.indexPathFinding]:
        "Exports search the chart-records index (HTTP GET/POST on the domain's index paths), in this domain only.",
      [wildcardResourceFinding(props.table, "/index/*")]: TABLE_GRANT_INDEX_REASON,
    });
  }

  /** Lets `grantee` (the api) queue chunks. */
  grantSendChunks(grantee: iam.IGrantable): iam.Grant {
    return this.queue.grantSendMessages(grantee);
  }
}
