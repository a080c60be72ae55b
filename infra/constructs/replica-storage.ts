import { RemovalPolicy, Stack, Validations } from "aws-cdk-lib";
import type * as kms from "aws-cdk-lib/aws-kms";
import * as s3 from "aws-cdk-lib/aws-s3";
import { Construct } from "constructs";
import type { OcrResultsLifecycle, ScansLifecycle } from "../config";
import {
  ACCESS_LOGS_SSE_S3_REASON,
  accessLogsBucketProps,
  ocrResultsLifecycleRules,
  phiBucketProps,
  scansRetentionProps,
} from "./phi-bucket-props";

/** S3 bucket names are at most 63 characters; the account id in them has 12. */
const MAX_BUCKET_NAME = 63;
const ACCOUNT_ID_LENGTH = 12;

export interface ReplicaStorageProps {
  readonly envName: string;
  /** Replica-region keys of the scans and ocr-output data classes. */
  readonly scansKey: kms.IKey;
  readonly ocrOutputKey: kms.IKey;
  readonly removalPolicy: RemovalPolicy;
  /** The same settings as the originals: Object Lock, tiers, expiry, log retention. */
  readonly objectLockDays: number;
  readonly scansLifecycle: ScansLifecycle;
  readonly ocrResultsRetentionDays: number;
  readonly ocrResultsLifecycle: OcrResultsLifecycle;
  readonly accessLogRetentionDays: number;
}

/**
 * The replicas of the main stack's buckets, in the replica region, with the controls of the originals
 * (phi-bucket-props): SSE-KMS with this region's data-class keys, TLS only, no public access, versioning,
 * Object Lock on the scans replica, the same lifecycle (S3 does not replicate lifecycle expirations, so each
 * replica expires on its own), and server access logs to this region's access-log bucket, which is also the
 * replica of the main region's access logs.
 *
 * Buckets have fixed names (`chartbridge-<env>-<account>-<region>-<purpose>`) so the main stack can name them
 * without a cross-region reference.
 */
export class ReplicaStorage extends Construct {
  readonly scansBucket: s3.Bucket;
  readonly ocrResultsBucket: s3.Bucket;
  /** Replica of the main region's access logs and target of this region's server access logs. */
  readonly accessLogsBucket: s3.Bucket;
  /** The fixed names of the three buckets. */
  readonly bucketNames: { readonly scans: string; readonly ocrResults: string; readonly accessLogs: string };

  constructor(scope: Construct, id: string, props: ReplicaStorageProps) {
    super(scope, id);
    const name = (purpose: string): string => replicaBucketName(this, props.envName, purpose);
    this.bucketNames = {
      scans: name("scans"),
      ocrResults: name("ocr-results"),
      accessLogs: name("access-logs"),
    };
    const phiProps = (encryptionKey: kms.IKey, accessLogsPrefix: string): s3.BucketProps =>
      phiBucketProps({
        encryptionKey,
        accessLogsBucket: this.accessLogsBucket,
        accessLogsPrefix,
        removalPolicy: props.removalPolicy,
      });

    this.accessLogsBucket = new s3.Bucket(this, "AccessLogsBucket", {
      ...accessLogsBucketProps({
        retentionDays: props.accessLogRetentionDays,
        removalPolicy: props.removalPolicy,
      }),
      bucketName: this.bucketNames.accessLogs,
    });
    Validations.of(this.accessLogsBucket).acknowledge({
      id: "HIPAA.Security-S3DefaultEncryptionKMS",
      reason: ACCESS_LOGS_SSE_S3_REASON,
    });

    this.scansBucket = new s3.Bucket(this, "ScansBucket", {
      ...phiProps(props.scansKey, "replica-scans/"),
      ...scansRetentionProps({ objectLockDays: props.objectLockDays, lifecycle: props.scansLifecycle }),
      bucketName: this.bucketNames.scans,
    });
    this.ocrResultsBucket = new s3.Bucket(this, "OcrResultsBucket", {
      ...phiProps(props.ocrOutputKey, "replica-results/"),
      lifecycleRules: ocrResultsLifecycleRules({
        retentionDays: props.ocrResultsRetentionDays,
        lifecycle: props.ocrResultsLifecycle,
      }),
      bucketName: this.bucketNames.ocrResults,
    });

    for (const bucket of [this.accessLogsBucket, this.scansBucket, this.ocrResultsBucket]) {
      Validations.of(bucket).acknowledge({
        id: "HIPAA.Security-S3BucketReplicationEnabled",
        reason:
          "This bucket is the cross-region replica (disaster-recovery copy) of a main-region bucket; replicating the replica again would add a third copy, not a second region.",
      });
    }
  }
}

/** `chartbridge-<env>-<account>-<region>-<purpose>`: globally unique, and derivable in the other region. */
function replicaBucketName(scope: Construct, envName: string, purpose: string): string {
  const { account, region } = Stack.of(scope);
  const literal = `chartbridge-${envName}--${region}-${purpose}`;
  if (literal.length + ACCOUNT_ID_LENGTH > MAX_BUCKET_NAME) {
    throw new Error(`Replica bucket name for '${purpose}' would exceed ${MAX_BUCKET_NAME} characters`);
  }
  return `chartbridge-${envName}-${account}-${region}-${purpose}`;
}
