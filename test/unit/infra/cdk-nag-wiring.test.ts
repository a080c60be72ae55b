import * as sqs from "aws-cdk-lib/aws-sqs";
import { describe, expect, it } from "vitest";
import { buildChartbridgeApp } from "../../../infra/chartbridge-app";
import { cdkJsonContext } from "./synth-chartbridge";

describe("cdk-nag wiring in buildChartbridgeApp", () => {
  it("fails synthesis on an unacknowledged finding", () => {
    const { app, stack } = buildChartbridgeApp({
      context: { ...cdkJsonContext(), env: "dev", "aws:cdk:bundling-stacks": [] },
    });
    // An unencrypted queue without DLQ or TLS policy: AwsSolutions-SQS2/SQS3/SQS4.
    new sqs.Queue(stack, "InsecureQueue", { encryption: sqs.QueueEncryption.UNENCRYPTED });
    expect(() => app.synth()).toThrow(/AwsSolutions-SQS2[\s\S]*AwsSolutions-SQS3[\s\S]*AwsSolutions-SQS4/);
  }, 60_000);
});
