import { Duration, RemovalPolicy, Validations } from "aws-cdk-lib";
import * as kms from "aws-cdk-lib/aws-kms";
import * as s3 from "aws-cdk-lib/aws-s3";
import { Construct } from "constructs";
import type { OcrResultsLifecycle } from "../config";
import { phiBucketProps, tieringRule } from "./phi-bucket-props";

export interface ResultsBucketProps {
  /** The ocr-output data-class key. */
  readonly encryptionKey: kms.IKey;
  readonly accessLogsBucket: s3.IBucket;
  readonly removalPolicy: RemovalPolicy;
  /** Raw Textract JSON expires after this many days; the extracted record in DynamoDB is the source of truth. */
  readonly retentionDays: number;
  /** Storage-class transitions (all before the expiry) and how long replaced versions are kept. */
  readonly lifecycle: OcrResultsLifecycle;
}

/**
 * Raw Amazon Textract output (the `OutputConfig` of StartDocument… jobs): SSE-KMS, TLS only, no public
 * access, versioned, with server access logs, colder storage classes as it ages and an expiry so large
 * intermediate JSON does not pile up.
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
          noncurrentVersionExpiration: Duration.days(props.lifecycle.noncurrentExpirationDays),
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
        ...[tieringRule("tier-raw-ocr-results", props.lifecycle)].filter((r) => r !== undefined),
      ],
    });
    Validations.of(this.bucket).acknowledge({
      id: "HIPAA.Security-S3BucketReplicationEnabled",
      reason:
        "Raw OCR output can be regenerated from the scans (which get replication in the production-hardening issue) and expires by lifecycle; a replica would only be a second copy of intermediate PHI.",
    });
  }
}
