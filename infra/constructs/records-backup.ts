import { Duration, RemovalPolicy } from "aws-cdk-lib";
import * as backup from "aws-cdk-lib/aws-backup";
import type * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import * as events from "aws-cdk-lib/aws-events";
import type * as kms from "aws-cdk-lib/aws-kms";
import { Construct } from "constructs";
import type { BackupSettings } from "../config";
import { acknowledge } from "./nag";

/** The records vault's name, the same in both regions so the main stack can name the replica's vault. */
export function recordsBackupVaultName(envName: string): string {
  return `chartbridge-${envName}-records`;
}

export interface RecordsBackupVaultProps {
  readonly envName: string;
  /** A records data-class key of the vault's region. */
  readonly encryptionKey: kms.IKey;
  /**
   * Vault Lock (governance mode) minimum retention.
   * @default no Vault Lock
   */
  readonly lockMinRetentionDays?: number;
}

/**
 * Props of a vault holding records recovery points: encrypted with a records key, Vault Lock when
 * configured. Always retained: CloudFormation cannot delete a vault that still holds recovery points (they
 * expire by their own lifecycle), and a locked one must not be deletable at all.
 */
export function recordsBackupVaultProps(props: RecordsBackupVaultProps): backup.BackupVaultProps {
  return {
    backupVaultName: recordsBackupVaultName(props.envName),
    encryptionKey: props.encryptionKey,
    lockConfiguration:
      props.lockMinRetentionDays === undefined
        ? undefined
        : { minRetention: Duration.days(props.lockMinRetentionDays) },
    removalPolicy: RemovalPolicy.RETAIN,
  };
}

export interface RecordsBackupProps {
  readonly envName: string;
  readonly table: dynamodb.ITable;
  /**
   * Other tables backed up on the same schedule and retention (the audit trail).
   * @default none
   */
  readonly alsoTables?: dynamodb.ITable[];
  /** The records data-class key: AWS Backup encrypts recovery points with the vault's key. */
  readonly encryptionKey: kms.IKey;
  /** Rule retention and the Vault Lock minimum (cdk.json `backup`). */
  readonly settings: BackupSettings;
  /**
   * The vault in the replica region that receives a copy of every recovery point.
   * @default no copy
   */
  readonly copyTo?: backup.IBackupVault;
}

/**
 * AWS Backup of the records table, on top of its 35 days of point-in-time recovery: daily, weekly (Sunday)
 * and monthly (1st) recovery points at 05:00 UTC, each kept as long as cdk.json `backup` says (when rules
 * coincide, AWS Backup keeps the one with the longest retention), in a vault encrypted with the records
 * key and, with `copyTo`, copied to the replica region with the same retention.
 *
 * DynamoDB recovery points are encrypted with the vault's key and can be copied to another region only with
 * AWS Backup's advanced DynamoDB features turned on in the account (infra/README.md).
 */
export class RecordsBackup extends Construct {
  readonly vault: backup.BackupVault;
  readonly plan: backup.BackupPlan;
  readonly selection: backup.BackupSelection;

  constructor(scope: Construct, id: string, props: RecordsBackupProps) {
    super(scope, id);
    const { settings } = props;

    this.vault = new backup.BackupVault(
      this,
      "Vault",
      recordsBackupVaultProps({
        envName: props.envName,
        encryptionKey: props.encryptionKey,
        lockMinRetentionDays: settings.vaultLockMinRetentionDays,
      }),
    );

    const rule = (
      ruleName: string,
      schedule: events.CronOptions,
      retentionDays: number,
    ): backup.BackupPlanRule =>
      new backup.BackupPlanRule({
        ruleName,
        scheduleExpression: events.Schedule.cron({ minute: "0", hour: "5", ...schedule }),
        deleteAfter: Duration.days(retentionDays),
        copyActions: props.copyTo
          ? [{ destinationBackupVault: props.copyTo, deleteAfter: Duration.days(retentionDays) }]
          : undefined,
      });
    this.plan = new backup.BackupPlan(this, "Plan", {
      backupPlanName: `chartbridge-${props.envName}-records`,
      backupVault: this.vault,
      backupPlanRules: [
        rule("daily", {}, settings.dailyRetentionDays),
        rule("weekly", { weekDay: "SUN" }, settings.weeklyRetentionDays),
        rule("monthly", { day: "1" }, settings.monthlyRetentionDays),
      ],
    });
    this.selection = this.plan.addSelection("Table", {
      resources: [props.table, ...(props.alsoTables ?? [])].map((t) =>
        backup.BackupResource.fromDynamoDbTable(t),
      ),
    });
    acknowledge(this.selection, {
      "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup]":
        "The AWS-managed policy AWS Backup documents for its backup role: DynamoDB backup, copy into vaults and KMS grants for AWS resources only.",
    });
  }
}
