import { Validations } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import type * as kms from "aws-cdk-lib/aws-kms";
import type * as s3 from "aws-cdk-lib/aws-s3";
import { Construct } from "constructs";
import { acknowledge, KMS_GRANT_FINDINGS, wildcardArnFinding, wildcardResourceFinding } from "./nag";

/**
 * A replica bucket as the source bucket's stack sees it: imported by name, with its key imported by alias,
 * so the stacks in the two regions never reference each other (CDK's `crossRegionReferences` would do that
 * with a custom-resource Lambda and SSM parameters).
 */
export interface ReplicaTarget {
  readonly bucket: s3.IBucket;
  /**
   * The replica bucket's customer-managed key, by alias.
   * @default none: the replica bucket is SSE-S3 (access logs)
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * What IAM grants on `encryptionKey` name: `arn:…:kms:<replica region>:<account>:key/*`, narrowed by a
   * kms:ResourceAliases condition (a grant cannot name a key by its alias ARN).
   * @default none (no `encryptionKey`)
   */
  readonly encryptionKeyGrantArn?: string;
}

export interface BucketReplicationProps {
  readonly target: ReplicaTarget;
  /**
   * The source bucket uses Object Lock: replicas carry each version's retention and legal hold.
   * @default false
   */
  readonly objectLock?: boolean;
}

/**
 * Cross-region replication of one bucket: the role S3 assumes and the replication rule, for `s3.Bucket`'s
 * `replicationRole` / `replicationRules` (`bucketProps`). Every new object version is replicated; SSE-KMS
 * objects are re-encrypted with the replica's key. Delete markers are not replicated, so a delete in the
 * source never hides the replica (and Object Lock replicas keep their own retention). Call
 * `grantReplicationFrom(source)` once the source bucket exists.
 */
export class BucketReplication extends Construct {
  readonly role: iam.Role;
  readonly rule: s3.ReplicationRule;
  private readonly target: ReplicaTarget;
  private readonly objectLock: boolean;

  constructor(scope: Construct, id: string, props: BucketReplicationProps) {
    super(scope, id);
    this.target = props.target;
    this.objectLock = props.objectLock ?? false;
    const region = props.target.bucket.env.region;

    this.role = new iam.Role(this, "Role", {
      assumedBy: new iam.ServicePrincipal("s3.amazonaws.com"),
      description: `S3 replication to ${region}: ${this.node.path}`,
    });
    const kmsReplica = props.target.encryptionKey !== undefined;
    this.rule = {
      id: `replicate-to-${region}`,
      destination: props.target.bucket,
      // Without SseKmsEncryptedObjects S3 skips SSE-KMS objects; with it, it needs ReplicaKmsKeyID.
      sseKmsEncryptedObjects: kmsReplica ? true : undefined,
      kmsKey: props.target.encryptionKey,
      deleteMarkerReplication: false,
    };
  }

  /** `replicationRole` and `replicationRules` for the source bucket's props. */
  get bucketProps(): Pick<s3.BucketProps, "replicationRole" | "replicationRules"> {
    return { replicationRole: this.role, replicationRules: [this.rule] };
  }

  /**
   * What S3 needs to replicate `source`: read its versions (decrypting with the source's key), write
   * replicas (encrypting with the replica's key) and, for Object Lock, read retention and legal holds.
   */
  grantReplicationFrom(source: s3.IBucket): iam.Grant {
    const { target } = this;
    let grant = source.grantReplicationPermission(this.role, {
      sourceDecryptionKey: source.encryptionKey,
      destinations: [{ bucket: target.bucket, encryptionKey: target.encryptionKey }],
    });
    if (this.objectLock) {
      grant = grant.combine(
        iam.Grant.addToPrincipal({
          grantee: this.role,
          actions: ["s3:GetObjectRetention", "s3:GetObjectLegalHold"],
          resourceArns: [source.arnForObjects("*")],
        }),
      );
    }

    acknowledge(this, {
      "HIPAA.Security-IAMNoInlinePolicy":
        "The replication role's only policy is CDK's replication grant for this bucket and its replica, owned by the role and not attachable elsewhere.",
      [wildcardResourceFinding(source, "/*")]:
        "S3 replicates every object version of this bucket (keys chosen by uploaders and Textract); this bucket only.",
      [wildcardArnFinding(this, target.bucket.arnForObjects("*"))]:
        "Replicas are written under the source objects' keys, in this bucket's replica only.",
      // Encrypting replicas: kms:GenerateDataKey* / kms:ReEncrypt* on the replica key only.
      ...(target.encryptionKey !== undefined ? KMS_GRANT_FINDINGS : {}),
      ...(target.encryptionKeyGrantArn !== undefined
        ? {
            [wildcardArnFinding(this, target.encryptionKeyGrantArn)]:
              "The replica key belongs to the replica region's stack and its key id cannot be referenced from here; the grant is limited by a kms:ResourceAliases condition to the replica key's alias in that region.",
          }
        : {}),
    });
    return grant;
  }
}

/** Why a bucket has no replication (acknowledged HIPAA.Security-S3BucketReplicationEnabled). */
export const NO_REPLICA_REGION_REASON =
  "This environment configures no replica region (cdk.json `replication`), which only a non-production environment may do (production refuses to synthesize without one); it must not hold real charts.";

/** Acknowledge the missing replication of `bucket` in an environment without a replica region. */
export function acknowledgeNoReplication(bucket: s3.IBucket): void {
  Validations.of(bucket).acknowledge({
    id: "HIPAA.Security-S3BucketReplicationEnabled",
    reason: NO_REPLICA_REGION_REASON,
  });
}
