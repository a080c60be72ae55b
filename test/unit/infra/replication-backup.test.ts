import { Stack } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import type { IConstruct } from "constructs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildChartbridgeApp } from "../../../infra/chartbridge-app";
import { cdkJsonContext, synthChartbridge, type SynthesizedChartbridge } from "./synth-chartbridge";
import {
  actionsOf,
  deniesInsecureTransport,
  flat,
  getAttArn,
  logicalId,
  ofType,
  type Resources,
  type Statement,
  appFunctions,
  deployTimeFunctions,
} from "./template";

/**
 * Issue 4: cross-region replication of the PHI buckets into the replica stack, and the AWS Backup plan of
 * the records table with copies in the replica region.
 */

const SYNTH_TIMEOUT_MS = 60_000;

describe("cross-region replication and backup (prod)", () => {
  let synth: SynthesizedChartbridge;
  let main: Resources;
  let replica: Resources;
  let replicaTemplate: Record<string, unknown>;
  let region: string;

  beforeAll(() => {
    synth = synthChartbridge("prod");
    if (synth.synthError) throw synth.synthError;
    if (!synth.replicaStack || !synth.config.replication) throw new Error("prod has no replica stack");
    region = synth.config.replication.region;
    main = Template.fromStack(synth.stack).toJSON().Resources as Resources;
    replicaTemplate = Template.fromStack(synth.replicaStack).toJSON();
    replica = replicaTemplate.Resources as Resources;
  }, SYNTH_TIMEOUT_MS);
  afterAll(() => synth?.cleanup());

  const replicaStack = () => synth.replicaStack as NonNullable<SynthesizedChartbridge["replicaStack"]>;
  const mainProps = (c: IConstruct): Record<string, unknown> => main[logicalId(c)]?.Properties ?? {};
  const replicaProps = (c: IConstruct): Record<string, unknown> => replica[logicalId(c)]?.Properties ?? {};

  it("puts the replica stack in the configured region, deployed first, with no cross-stack reference", () => {
    expect(replicaStack().region).toBe(region);
    expect(replicaStack().stackName).toBe("Chartbridge-prod-replica");
    expect(synth.stack.dependencies).toContain(replicaStack());
    // Names, not references: no exports/imports, and no custom resources (crossRegionReferences would add them).
    expect(JSON.stringify(Template.fromStack(synth.stack).toJSON())).not.toContain("Fn::ImportValue");
    expect(JSON.stringify(replicaTemplate.Outputs ?? {})).not.toContain("Export");
    expect(
      Object.values(replica).filter((r) => r.Type.startsWith("Custom::") || r.Type.includes("Lambda")),
    ).toEqual([]);
    expect(appFunctions(main)).toHaveLength(7);
    expect(deployTimeFunctions(main)).toHaveLength(2);
  });

  it("replicates uploads, OCR results and access logs to their replicas, re-encrypting with the replica region's keys", () => {
    const { storage, results } = synth.stack;
    const replicaStorage = replicaStack().storage;
    const cases = [
      {
        source: storage.uploadsBucket,
        replication: storage.uploadsReplication,
        target: replicaStorage.scansBucket,
        alias: "alias/chartbridge/prod/scans",
      },
      {
        source: results.bucket,
        replication: results.replication,
        target: replicaStorage.ocrResultsBucket,
        alias: "alias/chartbridge/prod/ocr-output",
      },
      {
        source: storage.accessLogsBucket,
        replication: storage.accessLogsReplication,
        target: replicaStorage.accessLogsBucket,
        alias: undefined,
      },
    ];
    for (const { source, replication, target, alias } of cases) {
      expect(replication, source.node.path).toBeDefined();
      const config = mainProps(source).ReplicationConfiguration as {
        Role: unknown;
        Rules: Record<string, unknown>[];
      };
      expect(config.Rules, source.node.path).toHaveLength(1);
      const [rule] = config.Rules as [Record<string, unknown>];
      expect(rule).toMatchObject({
        Status: "Enabled",
        Filter: { Prefix: "" },
        DeleteMarkerReplication: { Status: "Disabled" },
      });
      const destination = rule.Destination as { Bucket: unknown; EncryptionConfiguration?: unknown };
      // The destination is the replica bucket's fixed name.
      expect(flat(destination.Bucket)).toBe(`arn:aws:s3:::${flat(replicaProps(target).BucketName)}`);
      expect(flat(replicaProps(target).BucketName)).toMatch(
        new RegExp(`^chartbridge-prod-<AWS::AccountId>-${region}-[a-z-]+$`),
      );
      expect(config.Role).toEqual(getAttArn(logicalId(replication?.role as IConstruct)));

      if (alias === undefined) {
        expect(destination.EncryptionConfiguration, source.node.path).toBeUndefined();
        continue;
      }
      expect(rule.SourceSelectionCriteria).toEqual({ SseKmsEncryptedObjects: { Status: "Enabled" } });
      const replicaKeyId = flat(
        (destination.EncryptionConfiguration as { ReplicaKmsKeyID: unknown }).ReplicaKmsKeyID,
      );
      expect(replicaKeyId).toBe(`arn:aws:kms:${region}:<AWS::AccountId>:${alias}`);
      // That alias names the key that encrypts the replica bucket.
      const keyOfReplica = (
        replicaProps(target).BucketEncryption as {
          ServerSideEncryptionConfiguration: { ServerSideEncryptionByDefault: { KMSMasterKeyID: unknown } }[];
        }
      ).ServerSideEncryptionConfiguration[0]?.ServerSideEncryptionByDefault.KMSMasterKeyID;
      const aliasTarget = ofType(replica, "AWS::KMS::Alias").find(([, p]) => p.AliasName === alias)?.[1];
      expect(aliasTarget?.TargetKeyId).toEqual(keyOfReplica);
    }
  });

  it("gives each replication role read on its source, write on its replica, and Object Lock reads for scans", () => {
    const { storage, results, keys } = synth.stack;
    const policyOf = (roleConstruct: IConstruct): Statement[] => {
      const roleId = logicalId(roleConstruct);
      expect(main[roleId]?.Properties?.AssumeRolePolicyDocument).toMatchObject({
        Statement: [{ Principal: { Service: "s3.amazonaws.com" }, Action: "sts:AssumeRole" }],
      });
      return ofType(main, "AWS::IAM::Policy")
        .filter(([, p]) => JSON.stringify(p.Roles) === JSON.stringify([{ Ref: roleId }]))
        .flatMap(([, p]) => (p.PolicyDocument as { Statement: Statement[] }).Statement);
    };
    const uploads = storage.uploadsReplication;
    const ocr = results.replication;
    expect(uploads && ocr && storage.accessLogsReplication).toBeTruthy();

    const scans = policyOf(uploads?.role as IConstruct);
    const uploadsId = logicalId(storage.uploadsBucket);
    expect(scans).toContainEqual(
      expect.objectContaining({
        Action: ["s3:GetObjectLegalHold", "s3:GetObjectRetention"],
        Resource: { "Fn::Join": ["", [getAttArn(uploadsId), "/*"]] },
      }),
    );
    expect(scans).toContainEqual(
      expect.objectContaining({ Action: "kms:Decrypt", Resource: getAttArn(logicalId(keys.scans)) }),
    );
    const encrypt = scans.find((s) => actionsOf(s).includes("kms:GenerateDataKey*"));
    expect(flat(encrypt?.Resource)).toBe(`arn:aws:kms:${region}:<AWS::AccountId>:key/*`);
    expect(encrypt?.Condition).toEqual({
      "ForAnyValue:StringEquals": { "kms:ResourceAliases": "alias/chartbridge/prod/scans" },
    });
    const replicate = scans.find((s) => actionsOf(s).includes("s3:ReplicateObject"));
    expect(flat(replicate?.Resource)).toBe(
      `arn:aws:s3:::${flat(replicaProps(replicaStack().storage.scansBucket).BucketName)}/*`,
    );
    // Results have no Object Lock: no retention reads.
    const ocrStatements = policyOf(ocr?.role as IConstruct);
    expect(ocrStatements.flatMap(actionsOf)).not.toContain("s3:GetObjectRetention");
    expect(ocrStatements).toContainEqual(
      expect.objectContaining({ Action: "kms:Decrypt", Resource: getAttArn(logicalId(keys.ocrOutput)) }),
    );
  });

  it("gives the replica buckets the originals' controls: KMS keys of the region, versioning, TLS only, no public access, Object Lock on scans", () => {
    const { storage: replicaStorage, keys } = replicaStack();
    const buckets = ofType(replica, "AWS::S3::Bucket");
    expect(buckets).toHaveLength(3);
    const tlsOnly = new Set(
      ofType(replica, "AWS::S3::BucketPolicy")
        .filter(([, p]) => deniesInsecureTransport(p.PolicyDocument))
        .map(([, p]) => flat(p.Bucket)),
    );
    for (const [id, p] of buckets) {
      expect(p.PublicAccessBlockConfiguration, id).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      expect(p.VersioningConfiguration, id).toEqual({ Status: "Enabled" });
      expect(tlsOnly.has(`<${id}>`), `${id} is TLS-only`).toBe(true);
      expect(replica[id]?.DeletionPolicy, id).toBe("Retain");
    }

    const encryption = (bucket: IConstruct): unknown =>
      (replicaProps(bucket).BucketEncryption as { ServerSideEncryptionConfiguration: unknown[] })
        .ServerSideEncryptionConfiguration[0];
    expect(encryption(replicaStorage.scansBucket)).toEqual({
      BucketKeyEnabled: true,
      ServerSideEncryptionByDefault: {
        SSEAlgorithm: "aws:kms",
        KMSMasterKeyID: getAttArn(logicalId(keys.scans.key)),
      },
    });
    expect(encryption(replicaStorage.ocrResultsBucket)).toEqual({
      BucketKeyEnabled: true,
      ServerSideEncryptionByDefault: {
        SSEAlgorithm: "aws:kms",
        KMSMasterKeyID: getAttArn(logicalId(keys.ocrOutput.key)),
      },
    });
    // S3 log delivery needs SSE-S3, as in the main region.
    expect(encryption(replicaStorage.accessLogsBucket)).toEqual({
      ServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" },
    });
    for (const [id, key] of ofType(replica, "AWS::KMS::Key")) {
      expect(key.EnableKeyRotation, id).toBe(true);
      expect(key.PendingWindowInDays, id).toBe(30);
    }

    // Object Lock and the originals' lifecycle (S3 does not replicate lifecycle expirations).
    const scans = replicaProps(replicaStorage.scansBucket);
    expect(scans.ObjectLockConfiguration).toEqual({
      ObjectLockEnabled: "Enabled",
      Rule: { DefaultRetention: { Mode: "GOVERNANCE", Days: synth.config.objectLockDays } },
    });
    expect(scans.LifecycleConfiguration).toEqual(
      mainProps(synth.stack.storage.uploadsBucket).LifecycleConfiguration,
    );
    expect(replicaProps(replicaStorage.ocrResultsBucket).LifecycleConfiguration).toEqual(
      mainProps(synth.stack.results.bucket).LifecycleConfiguration,
    );
    expect(replicaProps(replicaStorage.accessLogsBucket).LifecycleConfiguration).toEqual(
      mainProps(synth.stack.storage.accessLogsBucket).LifecycleConfiguration,
    );
    // Server access logs of the replicas go to the region's access-log bucket.
    for (const bucket of [replicaStorage.scansBucket, replicaStorage.ocrResultsBucket]) {
      expect(replicaProps(bucket).LoggingConfiguration).toMatchObject({
        DestinationBucketName: { Ref: logicalId(replicaStorage.accessLogsBucket) },
      });
    }
  });

  it("backs up the records table daily, weekly and monthly into a locked vault encrypted with the records key", () => {
    const { recordsBackup, records, keys } = synth.stack;
    const backupSettings = synth.config.backup;
    expect(mainProps(recordsBackup.vault)).toMatchObject({
      BackupVaultName: "chartbridge-prod-records",
      EncryptionKeyArn: getAttArn(logicalId(keys.records)),
      LockConfiguration: { MinRetentionDays: backupSettings.vaultLockMinRetentionDays },
    });
    expect(main[logicalId(recordsBackup.vault)]?.DeletionPolicy).toBe("Retain");

    const plan = (mainProps(recordsBackup.plan).BackupPlan as { BackupPlanRule: Record<string, unknown>[] })
      .BackupPlanRule;
    const replicaVaultArn = `arn:aws:backup:${region}:<AWS::AccountId>:backup-vault:chartbridge-prod-records`;
    const expected = {
      daily: ["cron(0 5 * * ? *)", backupSettings.dailyRetentionDays],
      weekly: ["cron(0 5 ? * SUN *)", backupSettings.weeklyRetentionDays],
      monthly: ["cron(0 5 1 * ? *)", backupSettings.monthlyRetentionDays],
    } as const;
    expect(plan.map((r) => r.RuleName).sort()).toEqual(Object.keys(expected).sort());
    for (const rule of plan) {
      const [schedule, days] = expected[rule.RuleName as keyof typeof expected];
      expect(rule).toMatchObject({
        ScheduleExpression: schedule,
        Lifecycle: { DeleteAfterDays: days },
        TargetBackupVault: { "Fn::GetAtt": [logicalId(recordsBackup.vault), "BackupVaultName"] },
      });
      const copies = rule.CopyActions as { DestinationBackupVaultArn: unknown; Lifecycle: unknown }[];
      expect(copies).toHaveLength(1);
      expect(flat(copies[0]?.DestinationBackupVaultArn)).toBe(replicaVaultArn);
      expect(copies[0]?.Lifecycle).toEqual({ DeleteAfterDays: days });
    }

    const selection = mainProps(recordsBackup.selection).BackupSelection as { Resources: unknown[] };
    // The audit trail is backed up with the records, on the same schedule.
    expect(selection.Resources).toEqual([
      getAttArn(logicalId(records.table)),
      getAttArn(logicalId(synth.stack.audit.table)),
    ]);

    // The copy target: same name in the replica region, that region's records key, locked as well.
    const replicaVault = replicaProps(replicaStack().recordsBackupVault);
    expect(replicaVault).toMatchObject({
      BackupVaultName: "chartbridge-prod-records",
      EncryptionKeyArn: getAttArn(logicalId(replicaStack().keys.records.key)),
      LockConfiguration: { MinRetentionDays: backupSettings.vaultLockMinRetentionDays },
    });
  });
});

describe("replication and backup (dev: no replica region)", () => {
  let synth: SynthesizedChartbridge;
  let main: Resources;

  beforeAll(() => {
    synth = synthChartbridge("dev");
    if (synth.synthError) throw synth.synthError;
    main = Template.fromStack(synth.stack).toJSON().Resources as Resources;
  }, SYNTH_TIMEOUT_MS);
  afterAll(() => synth?.cleanup());

  it("has no replica stack, no bucket replication, and an unlocked vault without copies", () => {
    expect(synth.config.replication).toBeUndefined();
    expect(synth.replicaStack).toBeUndefined();
    expect(synth.app.node.children.filter((c) => c instanceof Stack)).toEqual([synth.edgeStack, synth.stack]);
    for (const [id, p] of ofType(main, "AWS::S3::Bucket"))
      expect(p.ReplicationConfiguration, id).toBeUndefined();

    const vault = main[logicalId(synth.stack.recordsBackup.vault)]?.Properties ?? {};
    expect(vault.LockConfiguration).toBeUndefined();
    expect(vault.EncryptionKeyArn).toEqual(getAttArn(logicalId(synth.stack.keys.records)));
    const rules = (
      (main[logicalId(synth.stack.recordsBackup.plan)]?.Properties?.BackupPlan ?? {}) as {
        BackupPlanRule: Record<string, unknown>[];
      }
    ).BackupPlanRule;
    expect(rules).toHaveLength(3);
    for (const rule of rules) expect(rule.CopyActions, String(rule.RuleName)).toBeUndefined();
  });
});

describe("production without replication", () => {
  it("refuses to build the app", () => {
    const context = cdkJsonContext();
    const environments = context.environments as Record<string, Record<string, unknown>>;
    const prodWithoutReplication = { ...environments.prod };
    delete prodWithoutReplication.replication;
    expect(() =>
      buildChartbridgeApp({
        context: {
          ...context,
          env: "prod",
          environments: { ...environments, prod: prodWithoutReplication },
          "aws:cdk:bundling-stacks": [],
        },
      }),
    ).toThrow(/replication: production: needs cross-region replication/);
  });
});
