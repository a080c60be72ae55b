import { Duration, type RemovalPolicy } from "aws-cdk-lib";
import type * as kms from "aws-cdk-lib/aws-kms";
import * as s3 from "aws-cdk-lib/aws-s3";
import type {
  LifecycleStorageClass,
  LifecycleTransition,
  OcrResultsLifecycle,
  ScansLifecycle,
} from "../config";

export interface PhiBucketBaseProps {
  readonly encryptionKey: kms.IKey;
  readonly accessLogsBucket: s3.IBucket;
  /** Prefix of this bucket's server access logs in the shared log bucket. */
  readonly accessLogsPrefix: string;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * What every bucket holding PHI has: SSE-KMS with its data class's key, TLS 1.2+ only, no public access,
 * no ACLs, versioning, and server access logs. Buckets add their own lifecycle and locking on top.
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

export interface AccessLogsBucketProps {
  /** How long server access logs are kept. */
  readonly retentionDays: number;
  readonly removalPolicy: RemovalPolicy;
}

/** Why the access-log buckets are SSE-S3 (acknowledged HIPAA.Security-S3DefaultEncryptionKMS). */
export const ACCESS_LOGS_SSE_S3_REASON =
  "S3 server access logging delivers only to buckets with SSE-S3 default encryption; the logs hold object keys and requester metadata, not document content.";

/**
 * A region's server access-log bucket: SSE-S3 (S3 log delivery does not support SSE-KMS targets), no
 * public access, TLS only, versioned, logs expire after `retentionDays`.
 */
export function accessLogsBucketProps(props: AccessLogsBucketProps): s3.BucketProps {
  return {
    encryption: s3.BucketEncryption.S3_MANAGED,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    enforceSSL: true,
    versioned: true,
    removalPolicy: props.removalPolicy,
    lifecycleRules: [
      {
        id: "expire-access-logs",
        expiration: Duration.days(props.retentionDays),
        noncurrentVersionExpiration: Duration.days(1),
      },
    ],
  };
}

/**
 * Original scans: default Object Lock retention (GOVERNANCE) and storage-class tiers; scans never expire.
 * Lifecycle transitions keep the Object Lock retention of each version.
 */
export function scansRetentionProps(props: {
  objectLockDays: number;
  lifecycle: ScansLifecycle;
}): Pick<s3.BucketProps, "objectLockEnabled" | "objectLockDefaultRetention" | "lifecycleRules"> {
  return {
    objectLockEnabled: true,
    objectLockDefaultRetention: s3.ObjectLockRetention.governance(Duration.days(props.objectLockDays)),
    lifecycleRules: [
      { id: "abort-incomplete-multipart", abortIncompleteMultipartUploadAfter: Duration.days(7) },
      ...[tieringRule("tier-scans", props.lifecycle)].filter((r) => r !== undefined),
    ],
  };
}

/** Raw OCR output: expiry after `retentionDays` (the record in DynamoDB is the source) and storage-class tiers. */
export function ocrResultsLifecycleRules(props: {
  retentionDays: number;
  lifecycle: OcrResultsLifecycle;
}): s3.LifecycleRule[] {
  return [
    {
      id: "expire-raw-ocr-results",
      expiration: Duration.days(props.retentionDays),
      noncurrentVersionExpiration: Duration.days(props.lifecycle.noncurrentExpirationDays),
      abortIncompleteMultipartUploadAfter: Duration.days(7),
    },
    ...[tieringRule("tier-raw-ocr-results", props.lifecycle)].filter((r) => r !== undefined),
  ];
}

const STORAGE_CLASSES: Record<LifecycleStorageClass, s3.StorageClass> = {
  STANDARD_IA: s3.StorageClass.INFREQUENT_ACCESS,
  GLACIER_IR: s3.StorageClass.GLACIER_INSTANT_RETRIEVAL,
  GLACIER: s3.StorageClass.GLACIER,
  DEEP_ARCHIVE: s3.StorageClass.DEEP_ARCHIVE,
};

/**
 * The lifecycle rule moving current and noncurrent versions to colder storage classes (validated in
 * infra/config.ts), or undefined when the environment configures no transition.
 */
export function tieringRule(
  id: string,
  lifecycle: { transitions: LifecycleTransition[]; noncurrentTransitions: LifecycleTransition[] },
): s3.LifecycleRule | undefined {
  if (lifecycle.transitions.length === 0 && lifecycle.noncurrentTransitions.length === 0) return undefined;
  const toS3 = (t: LifecycleTransition): s3.Transition & s3.NoncurrentVersionTransition => ({
    storageClass: STORAGE_CLASSES[t.storageClass],
    transitionAfter: Duration.days(t.days),
  });
  return {
    id,
    transitions: lifecycle.transitions.map(toS3),
    noncurrentVersionTransitions: lifecycle.noncurrentTransitions.map(toS3),
  };
}
