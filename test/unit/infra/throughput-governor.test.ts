import { describe, expect, it } from "vitest";
import { INGEST_MAX_RECEIVE_COUNT, ocrCompleteMaxConcurrency } from "../../../infra/pipeline-sizing";
import { parseConfig } from "../../../infra/config";
import { cdkJsonContext, synthesizedOnce } from "./synth-chartbridge";
import * as cfn from "./template";

describe.each(["dev", "prod"] as const)("the throughput governor in the stack (%s)", (envName) => {
  const synthesizedStack = synthesizedOnce(envName);
  const synthesized = () => ({
    ...synthesizedStack(),
    config: parseConfig(cdkJsonContext().environments, envName),
  });

  it("turns the governor on in ingest, ocr-complete and the sweeper, with this stack's quota shares", () => {
    const { stack, resources, config } = synthesized();
    const ingestQueue = cfn.logicalId(stack.pipeline.ingestQueue);
    for (const fn of [
      stack.pipeline.ingestFunction,
      stack.pipeline.ocrCompleteFunction,
      stack.sweeper.sweeperFunction,
    ]) {
      const env = (
        resources[cfn.logicalId(fn.function)]!.Properties!.Environment as {
          Variables: Record<string, unknown>;
        }
      ).Variables;
      expect(env, fn.node.path).toMatchObject({
        TEXTRACT_GOVERNOR: "on",
        INGEST_QUEUE_URL: { Ref: ingestQueue },
        TEXTRACT_START_TPS: String(config.textractThroughput.startTps),
        TEXTRACT_GET_TPS: String(config.textractThroughput.getTps),
        TEXTRACT_MAX_JOBS: String(config.textractThroughput.maxJobs),
      });
    }
  });

  it("sizes the ingest queue's maxReceiveCount for parked receives, with its failure visibility timeout", () => {
    const { stack, resources } = synthesized();
    const queue = resources[cfn.logicalId(stack.pipeline.ingestQueue)]!.Properties!;
    expect(queue.RedrivePolicy).toMatchObject({ maxReceiveCount: INGEST_MAX_RECEIVE_COUNT });
    expect(queue.VisibilityTimeout).toBe(720);
  });

  it("lets ocr-complete and the sweeper change the visibility of ingest messages (wake-ups)", () => {
    const { stack, resources } = synthesized();
    const ingestQueueArn = `<${cfn.logicalId(stack.pipeline.ingestQueue)}.Arn>`;
    const ocrCompleteQueueArn = `<${cfn.logicalId(stack.pipeline.ocrCompleteQueue)}.Arn>`;
    const visibilityOn = (fn: { role: Parameters<typeof cfn.logicalId>[0] }) =>
      cfn
        .statementsOfRole(resources, cfn.logicalId(fn.role))
        .filter((s) => cfn.actionsOf(s).includes("sqs:ChangeMessageVisibility"))
        .map((s) => cfn.flat(s.Resource))
        .sort();
    // ocr-complete's own queue through its event source, the ingest queue for wake-ups; nothing else.
    expect(visibilityOn(stack.pipeline.ocrCompleteFunction)).toEqual(
      [ingestQueueArn, ocrCompleteQueueArn].sort(),
    );
    expect(visibilityOn(stack.sweeper.sweeperFunction)).toEqual([ingestQueueArn]);
  });

  it("caps ocr-complete's concurrency near the Get… budget, so paced pages wait about a second", () => {
    const { stack, config } = synthesized();
    const fnId = cfn.logicalId(stack.pipeline.ocrCompleteFunction.function);
    const [, mapping] = cfn
      .ofType(synthesized().resources, "AWS::Lambda::EventSourceMapping")
      .find(([, p]) => cfn.referencedIds(p.FunctionName).has(fnId))!;
    expect(mapping.ScalingConfig).toEqual({
      MaximumConcurrency: ocrCompleteMaxConcurrency(
        config.concurrency.ocrComplete,
        config.textractThroughput.getTps,
      ),
    });
  });

  it("expires the governor's items by TTL (chart records carry no expiresAt)", () => {
    const { stack, resources } = synthesized();
    const table = resources[cfn.logicalId(stack.records.table)]!.Properties!;
    expect(table.TimeToLiveSpecification).toEqual({ AttributeName: "expiresAt", Enabled: true });
  });
});

describe("ocr-complete's SQS maxConcurrency", () => {
  it("is the reserved concurrency, at most the Get… TPS, at least 2 (SQS's minimum)", () => {
    expect(ocrCompleteMaxConcurrency(20, 10)).toBe(10);
    expect(ocrCompleteMaxConcurrency(5, 10)).toBe(5);
    expect(ocrCompleteMaxConcurrency(2, 0.5)).toBe(2);
  });
});

describe("the index-records stream mapping", () => {
  const synthesized = synthesizedOnce("prod");

  it("hands the function chart-record changes only, not the governor's, batches' or jobs' items", () => {
    const { stack, resources } = synthesized();
    const fn = cfn.logicalId(stack.pipeline.indexRecordsFunction.function);
    const mappings = cfn
      .ofType(resources, "AWS::Lambda::EventSourceMapping")
      .filter(([, p]) => JSON.stringify(p.FunctionName).includes(fn));
    expect(mappings).toHaveLength(1);
    const filters = (mappings[0]![1].FilterCriteria as { Filters: { Pattern: string }[] }).Filters;
    expect(filters.map((f) => JSON.parse(f.Pattern))).toEqual([
      { dynamodb: { Keys: { sk: { S: ["RECORD"] } } } },
    ]);
  });
});
