import { Template } from "aws-cdk-lib/assertions";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { synthChartbridge, type SynthesizedChartbridge } from "./synth-chartbridge";
import {
  actionsOf,
  flat,
  logicalId,
  ofType,
  referencedIds,
  type Resources,
  type Statement,
} from "./template";

/** One synthesis (no Lambda bundling), shared by the tests. */
const SYNTH_TIMEOUT_MS = 60_000;

describe("StuckRecordSweeper (dev)", () => {
  let synth: SynthesizedChartbridge;
  let resources: Resources;
  let functionId: string;
  let statements: Statement[];

  beforeAll(() => {
    synth = synthChartbridge("dev");
    if (synth.synthError) throw synth.synthError;
    resources = Template.fromStack(synth.stack).toJSON().Resources as Resources;
    functionId = logicalId(synth.stack.sweeper.sweeperFunction.function);
    const roleId = logicalId(synth.stack.sweeper.sweeperFunction.role);
    statements = ofType(resources, "AWS::IAM::Policy")
      .filter(([, p]) => referencedIds(p.Roles).has(roleId))
      .flatMap(([, p]) => (p.PolicyDocument as { Statement: Statement[] }).Statement);
  }, SYNTH_TIMEOUT_MS);
  afterAll(() => synth?.cleanup());

  it("runs the sweeper function on a schedule from cdk.json", () => {
    const rules = ofType(resources, "AWS::Events::Rule").filter(([, p]) => p.ScheduleExpression);
    expect(rules).toHaveLength(1);
    const [, rule] = rules[0]!;
    expect(rule.ScheduleExpression).toBe("rate(15 minutes)");
    expect(referencedIds(rule.Targets)).toContain(functionId);
  });

  it("gives the function its settings, one run at a time", () => {
    const fn = resources[functionId]!.Properties!;
    expect(fn.ReservedConcurrentExecutions).toBe(1);
    expect((fn.Environment as { Variables: Record<string, unknown> }).Variables).toMatchObject({
      SWEEP_STUCK_AFTER_MINUTES: "30",
      SWEEP_MAX_ATTEMPTS: "3",
      SWEEP_INTERVAL_MINUTES: "15",
      OCR_ENGINE: "textract",
    });
  });

  it("may query only the by-status index and read/write single records, never scan", () => {
    const tableId = logicalId(synth.stack.records.table);
    const dynamo = statements.filter((s) => actionsOf(s).some((a) => a.startsWith("dynamodb:")));
    const grants = dynamo.map((s) => ({ actions: actionsOf(s).sort(), resources: flat(s.Resource) }));
    expect(grants).toEqual([
      { actions: ["dynamodb:GetItem", "dynamodb:PutItem"], resources: `<${tableId}.Arn>` },
      { actions: ["dynamodb:Query"], resources: `<${tableId}.Arn>/index/byStatus` },
    ]);
  });

  it("may start and read Textract jobs and pass the Textract publish role", () => {
    const actions = statements.flatMap(actionsOf);
    expect(actions).toEqual(
      expect.arrayContaining([
        "textract:StartDocumentTextDetection",
        "textract:GetDocumentTextDetection",
        "iam:PassRole",
      ]),
    );
    const passRole = statements.find((s) => actionsOf(s).includes("iam:PassRole"))!;
    expect(flat(passRole.Resource)).toBe(`<${logicalId(synth.stack.pipeline.textractPublishRole)}.Arn>`);
  });

  it("backs the query with a sparse KEYS_ONLY index on the records table", () => {
    const table = resources[logicalId(synth.stack.records.table)]!.Properties!;
    const indexes = table.GlobalSecondaryIndexes as {
      IndexName: string;
      Projection: unknown;
      KeySchema: unknown;
    }[];
    expect(indexes.find((i) => i.IndexName === "byStatus")).toEqual({
      IndexName: "byStatus",
      KeySchema: [
        { AttributeName: "statusPk", KeyType: "HASH" },
        { AttributeName: "statusSk", KeyType: "RANGE" },
      ],
      Projection: { ProjectionType: "KEYS_ONLY" },
    });
  });
});
