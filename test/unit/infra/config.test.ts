import { RemovalPolicy } from "aws-cdk-lib";
import { describe, expect, it } from "vitest";
import { ingestMaxConcurrency, parseConfig, PRODUCTION_MIN_OBJECT_LOCK_DAYS } from "../../../infra/config";
import { cdkJsonContext } from "./synth-chartbridge";

const environments = cdkJsonContext().environments as Record<string, Record<string, unknown>>;

describe("infra config", () => {
  it("parses dev and prod from cdk.json", () => {
    const dev = parseConfig(environments, "dev");
    expect(dev.production).toBe(false);
    expect(dev.removalPolicy).toBe(RemovalPolicy.DESTROY);
    expect(dev.deletionProtection).toBe(false);

    const prod = parseConfig(environments, "prod");
    expect(prod.production).toBe(true);
    expect(prod.removalPolicy).toBe(RemovalPolicy.RETAIN);
    expect(prod.deletionProtection).toBe(true);
    expect(prod.concurrency.ingest).toBe(ingestMaxConcurrency(prod.textractTpsBudget));
  });

  it("defaults to dev", () => {
    expect(parseConfig(environments).envName).toBe("dev");
  });

  it("refuses RemovalPolicy.DESTROY in production", () => {
    const prodDestroy = { ...environments, prod: { ...environments.prod, removalPolicy: "destroy" } };
    expect(() => parseConfig(prodDestroy, "prod")).toThrow(
      /production environment must not use removalPolicy 'destroy'/,
    );
  });

  it("refuses unsafe production settings: 1 AZ, short Object Lock, short log retention, a single search node", () => {
    const prod = environments.prod as Record<string, Record<string, unknown>>;
    const withProd = (changes: Record<string, unknown>) => ({
      ...environments,
      prod: { ...prod, ...changes },
    });
    expect(() => parseConfig(withProd({ network: { maxAzs: 1 } }), "prod")).toThrow(
      /network\.maxAzs: production: needs at least 2 AZs/,
    );
    expect(() =>
      parseConfig(withProd({ objectLockDays: PRODUCTION_MIN_OBJECT_LOCK_DAYS - 1 }), "prod"),
    ).toThrow(/objectLockDays: production: original scans must stay locked at least 365 days/);
    expect(() => parseConfig(withProd({ objectLockDays: 0 }), "prod")).toThrow(/objectLockDays/);
    expect(() => parseConfig(withProd({ retention: { ...prod.retention, logDays: 180 } }), "prod")).toThrow(
      /retention\.logDays: production: logs \(the audit trail\) must be kept at least 365 days/,
    );
    expect(() =>
      parseConfig(
        withProd({ search: { dataNodeInstanceType: "r6g.large.search", dataNodes: 1, volumeGb: 100 } }),
        "prod",
      ),
    ).toThrow(/search: production: needs at least 2 data nodes/);
    // The same values are fine outside production.
    const dev = environments.dev as Record<string, unknown>;
    expect(parseConfig({ dev: { ...dev, objectLockDays: 1, network: { maxAzs: 1 } } }, "dev").maxAzs).toBe(1);
  });

  it("refuses production without a replica region or a locked backup vault", () => {
    const prod = environments.prod as Record<string, Record<string, unknown>>;
    const withProd = (changes: Record<string, unknown>) => ({
      ...environments,
      prod: { ...prod, ...changes },
    });
    expect(parseConfig(environments, "prod").replication).toEqual({ region: "us-west-2" });
    expect(() => parseConfig(withProd({ replication: undefined }), "prod")).toThrow(
      /replication: production: needs cross-region replication/,
    );
    expect(() =>
      parseConfig(withProd({ backup: { ...prod.backup, vaultLockMinRetentionDays: undefined } }), "prod"),
    ).toThrow(/backup\.vaultLockMinRetentionDays: production: needs a Vault Lock/);
    // Both are optional outside production.
    const dev = parseConfig(environments, "dev");
    expect(dev.replication).toBeUndefined();
    expect(dev.backup.vaultLockMinRetentionDays).toBeUndefined();
  });

  it("validates the replica region and backup retention", () => {
    const dev = environments.dev as Record<string, Record<string, unknown>>;
    const withDev = (changes: Record<string, unknown>) => ({ dev: { ...dev, ...changes } });
    expect(() => parseConfig(withDev({ replication: { region: "US West" } }), "dev")).toThrow(
      /replication\.region: must be an AWS region/,
    );
    expect(() => parseConfig(withDev({ replication: { region: "us-west-2", bucket: "x" } }), "dev")).toThrow(
      /Invalid settings/,
    );
    expect(parseConfig(withDev({ replication: { region: "eu-central-1" } }), "dev").replication).toEqual({
      region: "eu-central-1",
    });
    const backup = dev.backup as Record<string, number>;
    expect(() => parseConfig(withDev({ backup: { ...backup, weeklyRetentionDays: 1 } }), "dev")).toThrow(
      /backup: retention must not shrink from daily to weekly to monthly/,
    );
    expect(() =>
      parseConfig(
        withDev({ backup: { ...backup, vaultLockMinRetentionDays: (backup.dailyRetentionDays ?? 0) + 1 } }),
        "dev",
      ),
    ).toThrow(/backup\.vaultLockMinRetentionDays: must be at most dailyRetentionDays/);
  });

  it("validates lifecycle transitions against S3's rules and the OCR results expiry", () => {
    const dev = environments.dev as Record<string, Record<string, Record<string, unknown>>>;
    const withScans = (transitions: unknown[]) => ({
      dev: {
        ...dev,
        lifecycle: { ...dev.lifecycle, scans: { transitions, noncurrentTransitions: [] } },
      },
    });
    expect(() => parseConfig(withScans([{ storageClass: "STANDARD_IA", days: 7 }]), "dev")).toThrow(
      /lifecycle\.scans\.transitions\.0\.days: S3 moves objects to STANDARD_IA after 30 days at the earliest/,
    );
    expect(() =>
      parseConfig(
        withScans([
          { storageClass: "GLACIER_IR", days: 60 },
          { storageClass: "STANDARD_IA", days: 90 },
        ]),
        "dev",
      ),
    ).toThrow(/lifecycle\.scans\.transitions\.1: must move to a colder class than GLACIER_IR/);
    expect(() =>
      parseConfig(
        withScans([
          { storageClass: "STANDARD_IA", days: 30 },
          { storageClass: "DEEP_ARCHIVE", days: 45 },
        ]),
        "dev",
      ),
    ).toThrow(/must stay 30 days in STANDARD_IA before the next transition/);
    expect(() => parseConfig(withScans([{ storageClass: "ONEZONE_IA", days: 30 }]), "dev")).toThrow(
      /lifecycle\.scans\.transitions\.0\.storageClass/,
    );
    const scans = parseConfig(
      withScans([
        { storageClass: "STANDARD_IA", days: 30 },
        { storageClass: "GLACIER_IR", days: 60 },
        { storageClass: "DEEP_ARCHIVE", days: 180 },
      ]),
      "dev",
    ).lifecycle.scans;
    expect(scans.transitions.map((t) => t.storageClass)).toEqual([
      "STANDARD_IA",
      "GLACIER_IR",
      "DEEP_ARCHIVE",
    ]);

    // OCR results: every transition before the expiry (retention.ocrResultsDays = 30 in dev).
    const lateResults = {
      dev: {
        ...dev,
        lifecycle: {
          ...dev.lifecycle,
          ocrResults: {
            transitions: [{ storageClass: "GLACIER_IR", days: 30 }],
            noncurrentTransitions: [],
            noncurrentExpirationDays: 1,
          },
        },
      },
    };
    expect(() => parseConfig(lateResults, "dev")).toThrow(
      /lifecycle\.ocrResults\.transitions\.0\.days: must be before the expiry of OCR results/,
    );
  });

  it("rejects unknown environments, unknown keys and invalid log retention", () => {
    expect(() => parseConfig(environments, "staging")).toThrow(/Unknown environment 'staging'.*dev, prod/);
    expect(() => parseConfig({ dev: { ...environments.dev, extra: 1 } }, "dev")).toThrow(/Invalid settings/);
    const badRetention = {
      dev: {
        ...environments.dev,
        retention: { ocrResultsDays: 30, logDays: 31, accessLogDays: 90, auditLogDays: 90 },
      },
    };
    expect(() => parseConfig(badRetention, "dev")).toThrow(
      /retention\.logDays: must be a CloudWatch Logs retention period/,
    );
    expect(() => parseConfig(undefined, "dev")).toThrow(/'environments' is missing/);
  });

  it("sizes ingest concurrency at four invocations per Start… TPS, inside the SQS event source limits", () => {
    expect(ingestMaxConcurrency(0.25)).toBe(2);
    expect(ingestMaxConcurrency(2)).toBe(8);
    expect(ingestMaxConcurrency(10)).toBe(40);
    expect(ingestMaxConcurrency(5000)).toBe(1000);
  });
});
