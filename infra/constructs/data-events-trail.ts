import { Duration, type RemovalPolicy } from "aws-cdk-lib";
import * as cloudtrail from "aws-cdk-lib/aws-cloudtrail";
import type * as kms from "aws-cdk-lib/aws-kms";
import * as logs from "aws-cdk-lib/aws-logs";
import * as s3 from "aws-cdk-lib/aws-s3";
import { Construct } from "constructs";
import { acknowledge } from "./nag";
import { phiBucketProps } from "./phi-bucket-props";

export interface DataEventsTrailProps {
  /** Every read and write of their objects is recorded. */
  readonly buckets: s3.IBucket[];
  /** The audit data class's key: encrypts the log files and their bucket. */
  readonly encryptionKey: kms.IKey;
  readonly accessLogsBucket: s3.IBucket;
  /** Encrypts the CloudWatch Logs copy. */
  readonly logsKey: kms.IKey;
  readonly logRetention: logs.RetentionDays;
  /** How long log files are kept in their bucket (HIPAA: six years). */
  readonly retentionDays: number;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * A CloudTrail trail recording S3 data events (every GetObject, PutObject, …) on the PHI buckets, next to
 * the management events: who read which scan or OCR output, outside the API too. Log files are
 * KMS-encrypted with the audit key, validated (digest files), kept in a versioned bucket for
 * `retentionDays`, and copied to CloudWatch Logs for alarms and queries.
 */
export class DataEventsTrail extends Construct {
  readonly trail: cloudtrail.Trail;
  readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: DataEventsTrailProps) {
    super(scope, id);
    this.bucket = new s3.Bucket(this, "Bucket", {
      ...phiBucketProps({
        encryptionKey: props.encryptionKey,
        accessLogsBucket: props.accessLogsBucket,
        accessLogsPrefix: "cloudtrail-bucket/",
        removalPolicy: props.removalPolicy,
      }),
      lifecycleRules: [
        {
          id: "keep-audit-logs",
          expiration: Duration.days(props.retentionDays),
          noncurrentVersionExpiration: Duration.days(30),
        },
      ],
    });
    const logGroup = new logs.LogGroup(this, "Logs", {
      encryptionKey: props.logsKey,
      retention: props.logRetention,
      removalPolicy: props.removalPolicy,
    });
    this.trail = new cloudtrail.Trail(this, "Trail", {
      bucket: this.bucket,
      encryptionKey: props.encryptionKey,
      enableFileValidation: true,
      isMultiRegionTrail: true,
      includeGlobalServiceEvents: true,
      sendToCloudWatchLogs: true,
      cloudWatchLogGroup: logGroup,
    });
    acknowledge(this.bucket, {
      "HIPAA.Security-S3BucketReplicationEnabled":
        "CloudTrail log files: every event is also delivered to the encrypted CloudWatch Logs group, and each hour's digest files let any copy be validated; the scans and records themselves are replicated.",
    });
    acknowledge(this.trail, {
      "HIPAA.Security-IAMNoInlinePolicy":
        "The role CloudTrail assumes to deliver to CloudWatch Logs: CDK's Trail writes its one statement (CreateLogStream/PutLogEvents on this trail's log group) inline.",
    });
    this.trail.addS3EventSelector(
      props.buckets.map((bucket) => ({ bucket })),
      { readWriteType: cloudtrail.ReadWriteType.ALL, includeManagementEvents: true },
    );
  }
}
