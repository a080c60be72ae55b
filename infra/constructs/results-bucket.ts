import { Duration, RemovalPolicy, Validations } from "aws-cdk-lib";
import * as kms from "aws-cdk-lib/aws-kms";
import * as s3 from "aws-cdk-lib/aws-s3";
import { Construct } from "constructs";
import { phiBucketProps } from "./phi-bucket-props";

export interface ResultsBucketProps {
  readonly encryptionKey: kms.IKey;
  readonly accessLogsBucket: s3.IBucket;
  readonly removalPolicy: RemovalPolicy;
  /** Raw Textract JSON expires after this many days; the extracted record in DynamoDB is the source of truth. */
  readonly retentionDays: number;
}

/**
 * Raw Amazon Textract output (the `OutputConfig` of StartDocument… jobs): SSE-KMS, TLS only, no public
 * access, versioned, with server access logs and an expiry so large intermediate JSON does not pile up.
 */
export class ResultsBucket extends Construct {
  readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: ResultsBucketProps) {
    super(scope, id);

    this.bucket = new s3.Bucket(this, "Bucket", {
      ...phiBucketProps({ ...props, accessLogsPrefix: "results/" }),
      lifecycleRules: [
        {
          id: "expire-raw-ocr-results",
          expiration: Duration.days(props.retentionDays),
          noncurrentVersionExpiration: Duration.days(1),
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
      ],
    });
    Validations.of(this.bucket).acknowledge({
      id: "HIPAA.Security-S3BucketReplicationEnabled",
      reason:
        "Raw OCR output can be regenerated from the scans (which get replication in the production-hardening issue) and expires by lifecycle; a replica would only be a second copy of intermediate PHI.",
    });
  }
}
