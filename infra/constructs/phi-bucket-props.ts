import type { RemovalPolicy } from "aws-cdk-lib";
import type * as kms from "aws-cdk-lib/aws-kms";
import * as s3 from "aws-cdk-lib/aws-s3";

export interface PhiBucketBaseProps {
  readonly encryptionKey: kms.IKey;
  readonly accessLogsBucket: s3.IBucket;
  /** Prefix of this bucket's server access logs in the shared log bucket. */
  readonly accessLogsPrefix: string;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * What every bucket holding PHI has: SSE-KMS with the PHI key, TLS 1.2+ only, no public access, no ACLs,
 * versioning, and server access logs. Buckets add their own lifecycle and locking on top.
 */
export function phiBucketProps(props: PhiBucketBaseProps): s3.BucketProps {
  return {
    encryption: s3.BucketEncryption.KMS,
    encryptionKey: props.encryptionKey,
    bucketKeyEnabled: true,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    enforceSSL: true,
    minimumTLSVersion: 1.2,
    versioned: true,
    serverAccessLogsBucket: props.accessLogsBucket,
    serverAccessLogsPrefix: props.accessLogsPrefix,
    removalPolicy: props.removalPolicy,
  };
}
