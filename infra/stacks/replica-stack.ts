import { Stack, type StackProps } from "aws-cdk-lib";
import * as backup from "aws-cdk-lib/aws-backup";
import * as kms from "aws-cdk-lib/aws-kms";
import * as s3 from "aws-cdk-lib/aws-s3";
import { Construct } from "constructs";
import type { ChartbridgeConfig } from "../config";
import type { ReplicaTarget } from "../constructs/bucket-replication";
import { DataClassKey, type DataClass } from "../constructs/data-class-key";
import { recordsBackupVaultName, recordsBackupVaultProps } from "../constructs/records-backup";
import { ReplicaStorage } from "../constructs/replica-storage";

export interface ChartbridgeReplicaStackProps extends StackProps {
  readonly config: ChartbridgeConfig;
  /** The replica region (cdk.json `replication.region`). */
  readonly region: string;
}

/** What the main stack replicates and copies into, addressed by name and alias (see ReplicaTarget). */
export interface ReplicaTargets {
  readonly scans: ReplicaTarget;
  readonly ocrResults: ReplicaTarget;
  readonly accessLogs: ReplicaTarget;
  /** Receives a copy of every records recovery point. */
  readonly recordsBackupVault: backup.IBackupVault;
}

/**
 * The disaster-recovery copy of chartbridge's PHI in a second region: replicas of the uploads, OCR
 * results and access-log buckets (ReplicaStorage) and the vault receiving copies of the records backups,
 * each encrypted with a customer-managed key of this region (same aliases as in the main region). Nothing
 * runs here. The main stack depends on this one (replication needs its buckets to exist) and never
 * references it: see `targets`.
 */
export class ChartbridgeReplicaStack extends Stack {
  /** This region's keys of the replicated data classes (same aliases as in the main region). */
  readonly keys: {
    readonly scans: DataClassKey;
    readonly ocrOutput: DataClassKey;
    readonly records: DataClassKey;
  };
  readonly storage: ReplicaStorage;
  readonly recordsBackupVault: backup.BackupVault;
  readonly targets: ReplicaTargets;

  constructor(scope: Construct, id: string, props: ChartbridgeReplicaStackProps) {
    super(scope, id, { ...props, env: { ...props.env, region: props.region } });
    const { config } = props;

    const key = (dataClass: DataClass, constructId: string, replicaOf: string): DataClassKey =>
      new DataClassKey(this, constructId, {
        dataClass,
        envName: config.envName,
        removalPolicy: config.removalPolicy,
        purpose: `cross-region replica of ${replicaOf}`,
      });
    this.keys = {
      scans: key("scans", "ScansKey", "the original scans (uploads bucket)"),
      ocrOutput: key("ocr-output", "OcrOutputKey", "the raw OCR output (results bucket)"),
      records: key("records", "RecordsKey", "the records backups (copies in the backup vault)"),
    };

    this.storage = new ReplicaStorage(this, "Storage", {
      envName: config.envName,
      scansKey: this.keys.scans.key,
      ocrOutputKey: this.keys.ocrOutput.key,
      removalPolicy: config.removalPolicy,
      objectLockDays: config.objectLockDays,
      scansLifecycle: config.lifecycle.scans,
      ocrResultsRetentionDays: config.ocrResultsRetentionDays,
      ocrResultsLifecycle: config.lifecycle.ocrResults,
      accessLogRetentionDays: config.accessLogRetentionDays,
    });

    this.recordsBackupVault = new backup.BackupVault(
      this,
      "RecordsBackupVault",
      recordsBackupVaultProps({
        envName: config.envName,
        encryptionKey: this.keys.records.key,
        lockMinRetentionDays: config.backup.vaultLockMinRetentionDays,
      }),
    );

    // Imports by name and alias, made in this stack so their ARNs carry this region; used from the main
    // stack they resolve to strings with account and partition pseudo parameters, not to references.
    // Grants on an alias import name `key/*` with a kms:ResourceAliases condition (cdk.json flag
    // @aws-cdk/aws-kms:applyImportedAliasPermissionsToPrincipal; without it they would grant nothing).
    const keyGrantArn = this.formatArn({ service: "kms", resource: "key", resourceName: "*" });
    const target = (constructId: string, bucketName: string, key?: DataClassKey): ReplicaTarget => ({
      bucket: s3.Bucket.fromBucketAttributes(this, `${constructId}ByName`, {
        bucketName,
        region: this.region,
      }),
      encryptionKey: key && kms.Alias.fromAliasName(this, `${constructId}KeyByAlias`, key.aliasName),
      encryptionKeyGrantArn: key && keyGrantArn,
    });
    const names = this.storage.bucketNames;
    this.targets = {
      scans: target("ScansReplica", names.scans, this.keys.scans),
      ocrResults: target("OcrResultsReplica", names.ocrResults, this.keys.ocrOutput),
      accessLogs: target("AccessLogsReplica", names.accessLogs),
      recordsBackupVault: backup.BackupVault.fromBackupVaultName(
        this,
        "RecordsBackupVaultByName",
        recordsBackupVaultName(config.envName),
      ),
    };
  }
}
