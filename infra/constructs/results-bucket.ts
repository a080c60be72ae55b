import { RemovalPolicy } from "aws-cdk-lib";
import * as kms from "aws-cdk-lib/aws-kms";
import * as s3 from "aws-cdk-lib/aws-s3";
import { Construct } from "constructs";
import type { OcrResultsLifecycle } from "../config";
import { acknowledgeNoReplication, BucketReplication, type ReplicaTarget } from "./bucket-replication";
import { ocrResultsLifecycleRules, phiBucketProps } from "./phi-bucket-props";

export interface ResultsBucketProps {
  /** The ocr-output data-class key. */
  readonly encryptionKey: kms.IKey;
  readonly accessLogsBucket: s3.IBucket;
  readonly removalPolicy: RemovalPolicy;
  /** Raw Textract JSON expires after this many days; the extracted record in DynamoDB is the source of truth. */
  readonly retentionDays: number;
  /** Storage-class transitions (all before the expiry) and how long replaced versions are kept. */
  readonly lifecycle: OcrResultsLifecycle;
  /**
   * The replica in the second region (every production environment has one).
   * @default no replication
   */
  readonly replication?: ReplicaTarget;
}

/**
 * Raw Amazon Textract output (the `OutputConfig` of StartDocument… jobs): SSE-KMS, TLS only, no public
 * access, versioned, with server access logs, colder storage classes as it ages and an expiry so large
 * intermediate JSON does not pile up. With `replication`, replicated to the second region (the replica has
 * the same expiry).
 */
export class ResultsBucket extends Construct {
  readonly bucket: s3.Bucket;
  readonly replication?: BucketReplication;

  constructor(scope: Construct, id: string, props: ResultsBucketProps) {
    super(scope, id);

    this.replication =
      props.replication && new BucketReplication(this, "Replication", { target: props.replication });
    this.bucket = new s3.Bucket(this, "Bucket", {
      ...phiBucketProps({ ...props, accessLogsPrefix: "results/" }),
      lifecycleRules: ocrResultsLifecycleRules(props),
      ...this.replication?.bucketProps,
    });
    this.replication?.grantReplicationFrom(this.bucket);
    if (!props.replication) acknowledgeNoReplication(this.bucket);
  }
}
