import { RemovalPolicy } from "aws-cdk-lib";
import { describe, expect, it } from "vitest";
import { ingestMaxConcurrency, parseConfig } from "../../../infra/config";
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

  it("rejects unknown environments, unknown keys and invalid log retention", () => {
    expect(() => parseConfig(environments, "staging")).toThrow(/Unknown environment 'staging'.*dev, prod/);
    expect(() => parseConfig({ dev: { ...environments.dev, extra: 1 } }, "dev")).toThrow(/Invalid settings/);
    const badRetention = {
      dev: { ...environments.dev, retention: { ocrResultsDays: 30, logDays: 31, accessLogDays: 90 } },
    };
    expect(() => parseConfig(badRetention, "dev")).toThrow(
      /retention\.logDays: must be a CloudWatch Logs retention period/,
    );
    expect(() => parseConfig(undefined, "dev")).toThrow(/'environments' is missing/);
  });

  it("keeps ingest concurrency inside the SQS event source limits", () => {
    expect(ingestMaxConcurrency(1)).toBe(2);
    expect(ingestMaxConcurrency(10)).toBe(10);
    expect(ingestMaxConcurrency(5000)).toBe(1000);
  });
});
