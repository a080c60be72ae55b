import { RemovalPolicy, Validations } from "aws-cdk-lib";
import * as kms from "aws-cdk-lib/aws-kms";
import * as s3 from "aws-cdk-lib/aws-s3";
import { Construct } from "constructs";
import type { ScansLifecycle } from "../config";
import { acknowledgeNoReplication, BucketReplication, type ReplicaTarget } from "./bucket-replication";
import {
  ACCESS_LOGS_SSE_S3_REASON,
  accessLogsBucketProps,
  phiBucketProps,
  scansRetentionProps,
} from "./phi-bucket-props";

export interface ScanStorageProps {
  /** The scans data-class key. */
  readonly encryptionKey: kms.IKey;
  readonly removalPolicy: RemovalPolicy;
  /** Default Object Lock retention for uploaded scans (GOVERNANCE mode). */
  readonly objectLockDays: number;
  /** Storage-class transitions of current and noncurrent scans (scans never expire). */
  readonly lifecycle: ScansLifecycle;
  /** How long S3 server access logs are kept. */
  readonly accessLogRetentionDays: number;
  /**
   * Replicas in the second region (every production environment has them).
   * @default no replication
   */
  readonly replication?: {
    readonly uploads: ReplicaTarget;
    readonly accessLogs: ReplicaTarget;
  };
}

/**
 * Where scanned charts land: a versioned, Object-Locked, SSE-KMS bucket that only accepts TLS, blocks all
 * public access, moves older scans to colder storage classes (configured per environment), sends every
 * event to EventBridge (the pipeline listens for Object Created), and writes server access logs to a
 * separate log bucket that other buckets of the stack share. With `replication`, both buckets replicate
 * to the second region (the access logs are the audit trail of PHI access).
 */
export class ScanStorage extends Construct {
  readonly uploadsBucket: s3.Bucket;
  /** S3 server access log target for every bucket of the stack. */
  readonly accessLogsBucket: s3.Bucket;
  readonly uploadsReplication?: BucketReplication;
  readonly accessLogsReplication?: BucketReplication;

  constructor(scope: Construct, id: string, props: ScanStorageProps) {
    super(scope, id);
    const { replication } = props;

    this.accessLogsReplication =
      replication && new BucketReplication(this, "AccessLogsReplication", { target: replication.accessLogs });
    this.accessLogsBucket = new s3.Bucket(this, "AccessLogsBucket", {
      ...accessLogsBucketProps({
        retentionDays: props.accessLogRetentionDays,
        removalPolicy: props.removalPolicy,
      }),
      ...this.accessLogsReplication?.bucketProps,
    });
    this.accessLogsReplication?.grantReplicationFrom(this.accessLogsBucket);
    Validations.of(this.accessLogsBucket).acknowledge({
      id: "HIPAA.Security-S3DefaultEncryptionKMS",
      reason: ACCESS_LOGS_SSE_S3_REASON,
    });

    this.uploadsReplication =
      replication &&
      new BucketReplication(this, "UploadsReplication", { target: replication.uploads, objectLock: true });
    this.uploadsBucket = new s3.Bucket(this, "UploadsBucket", {
      ...phiBucketProps({
        encryptionKey: props.encryptionKey,
        accessLogsBucket: this.accessLogsBucket,
        accessLogsPrefix: "uploads/",
        removalPolicy: props.removalPolicy,
      }),
      ...scansRetentionProps(props),
      ...this.uploadsReplication?.bucketProps,
    });
    this.uploadsReplication?.grantReplicationFrom(this.uploadsBucket);
    // Native EventBridge notifications, set on the L1 resource: `eventBridgeEnabled: true` on the L2 would
    // deploy the BucketNotifications custom-resource Lambda for a setting CloudFormation supports directly.
    const cfnUploads = this.uploadsBucket.node.defaultChild as s3.CfnBucket;
    cfnUploads.notificationConfiguration = { eventBridgeConfiguration: { eventBridgeEnabled: true } };

    if (!replication) {
      acknowledgeNoReplication(this.accessLogsBucket);
      acknowledgeNoReplication(this.uploadsBucket);
    }
  }
}
