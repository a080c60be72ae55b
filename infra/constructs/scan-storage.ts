import { Duration, RemovalPolicy, Validations } from "aws-cdk-lib";
import * as kms from "aws-cdk-lib/aws-kms";
import * as s3 from "aws-cdk-lib/aws-s3";
import { Construct } from "constructs";
import type { ScansLifecycle } from "../config";
import { phiBucketProps, tieringRule } from "./phi-bucket-props";

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
}

/**
 * Where scanned charts land: a versioned, Object-Locked, SSE-KMS bucket that only accepts TLS, blocks all
 * public access, moves older scans to colder storage classes (configured per environment), sends every event to EventBridge (the pipeline listens for Object Created), and writes
 * server access logs to a separate log bucket that other buckets of the stack share.
 */
export class ScanStorage extends Construct {
  readonly uploadsBucket: s3.Bucket;
  /** S3 server access log target for every bucket of the stack. */
  readonly accessLogsBucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: ScanStorageProps) {
    super(scope, id);

    this.accessLogsBucket = new s3.Bucket(this, "AccessLogsBucket", {
      // S3 server access logging only delivers to SSE-S3 buckets, not SSE-KMS.
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      versioned: true,
      removalPolicy: props.removalPolicy,
      lifecycleRules: [
        {
          id: "expire-access-logs",
          expiration: Duration.days(props.accessLogRetentionDays),
          noncurrentVersionExpiration: Duration.days(1),
        },
      ],
    });
    Validations.of(this.accessLogsBucket).acknowledge({
      id: "HIPAA.Security-S3DefaultEncryptionKMS",
      reason:
        "S3 server access logging delivers only to buckets with SSE-S3 default encryption; the logs hold object keys and requester metadata, not document content.",
    });
    Validations.of(this.accessLogsBucket).acknowledge({
      id: "HIPAA.Security-S3BucketReplicationEnabled",
      reason:
        "Cross-region replication needs a second-region bucket and key; it is part of the production-hardening issue (disaster recovery).",
    });

    this.uploadsBucket = new s3.Bucket(this, "UploadsBucket", {
      ...phiBucketProps({
        encryptionKey: props.encryptionKey,
        accessLogsBucket: this.accessLogsBucket,
        accessLogsPrefix: "uploads/",
        removalPolicy: props.removalPolicy,
      }),
      objectLockEnabled: true,
      objectLockDefaultRetention: s3.ObjectLockRetention.governance(Duration.days(props.objectLockDays)),
      lifecycleRules: [
        { id: "abort-incomplete-multipart", abortIncompleteMultipartUploadAfter: Duration.days(7) },
        // Lifecycle transitions keep the Object Lock retention of each version.
        ...[tieringRule("tier-scans", props.lifecycle)].filter((r) => r !== undefined),
      ],
    });
    // Native EventBridge notifications, set on the L1 resource: `eventBridgeEnabled: true` on the L2 would
    // deploy the BucketNotifications custom-resource Lambda for a setting CloudFormation supports directly.
    const cfnUploads = this.uploadsBucket.node.defaultChild as s3.CfnBucket;
    cfnUploads.notificationConfiguration = { eventBridgeConfiguration: { eventBridgeEnabled: true } };
    Validations.of(this.uploadsBucket).acknowledge({
      id: "HIPAA.Security-S3BucketReplicationEnabled",
      reason:
        "Cross-region replication of scans (with a replica key and Object Lock in the second region) is part of the production-hardening issue; versioning and Object Lock protect against deletion meanwhile.",
    });
  }
}
