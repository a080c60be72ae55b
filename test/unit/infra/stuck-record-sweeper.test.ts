import { describe, expect, it } from "vitest";
import { synthesizedOnce } from "./synth-chartbridge";
import * as cfn from "./template";

describe("StuckRecordSweeper (dev)", () => {
  const synthesized = synthesizedOnce("dev");
  const sweeper = () => {
    const { stack, resources } = synthesized();
    const functionId = cfn.logicalId(stack.sweeper.sweeperFunction.function);
    const roleId = cfn.logicalId(stack.sweeper.sweeperFunction.role);
    return { stack, resources, functionId, statements: cfn.statementsOfRole(resources, roleId) };
  };

  it("runs the sweeper function on a schedule from cdk.json", () => {
    const { resources, functionId } = sweeper();
    const rules = cfn.ofType(resources, "AWS::Events::Rule").filter(([, p]) => p.ScheduleExpression);
    expect(rules).toHaveLength(1);
    const [, rule] = rules[0]!;
    expect(rule.ScheduleExpression).toBe("rate(15 minutes)");
    expect(cfn.referencedIds(rule.Targets)).toContain(functionId);
  });

  it("gives the function its settings, one run at a time", () => {
    const { resources, functionId } = sweeper();
    const fn = resources[functionId]!.Properties!;
    expect(fn.ReservedConcurrentExecutions).toBe(1);
    expect((fn.Environment as { Variables: Record<string, unknown> }).Variables).toMatchObject({
      SWEEP_STUCK_AFTER_MINUTES: "30",
      SWEEP_MAX_ATTEMPTS: "3",
      SWEEP_INTERVAL_MINUTES: "15",
      OCR_ENGINE: "textract",
    });
  });

  it("may query the by-status index, read/write single records and close due batches, never scan", () => {
    const { stack, statements } = sweeper();
    const tableId = cfn.logicalId(stack.records.table);
    const dynamo = statements.filter((s) => cfn.actionsOf(s).some((a) => a.startsWith("dynamodb:")));
    const grants = dynamo.map((s) => ({
      actions: cfn.actionsOf(s).sort(),
      resources: cfn.flat(s.Resource),
      ...(s.Condition ? { condition: s.Condition } : {}),
    }));
    expect(grants).toEqual([
      { actions: ["dynamodb:GetItem", "dynamodb:PutItem"], resources: `<${tableId}.Arn>` },
      { actions: ["dynamodb:Query"], resources: `<${tableId}.Arn>/index/byStatus` },
      // Batches past their deadline: their own partitions' queries and the close transaction.
      {
        actions: ["dynamodb:DeleteItem", "dynamodb:Query", "dynamodb:UpdateItem"],
        resources: `<${tableId}.Arn>`,
      },
      // The throughput governor's items, and no other partition.
      {
        actions: ["dynamodb:BatchGetItem", "dynamodb:DeleteItem", "dynamodb:Query", "dynamodb:UpdateItem"],
        resources: `<${tableId}.Arn>`,
        condition: { "ForAllValues:StringEquals": { "dynamodb:LeadingKeys": ["THROUGHPUT#textract"] } },
      },
    ]);
  });

  it("may start and read Textract jobs and pass the Textract publish role", () => {
    const { stack, statements } = sweeper();
    const actions = statements.flatMap(cfn.actionsOf);
    expect(actions).toEqual(
      expect.arrayContaining([
        "textract:StartDocumentTextDetection",
        "textract:GetDocumentTextDetection",
        "iam:PassRole",
      ]),
    );
    const passRole = statements.find((s) => cfn.actionsOf(s).includes("iam:PassRole"))!;
    expect(cfn.flat(passRole.Resource)).toBe(`<${cfn.logicalId(stack.pipeline.textractPublishRole)}.Arn>`);
  });

  it("backs the query with a sparse KEYS_ONLY index on the records table", () => {
    const { stack, resources } = sweeper();
    const table = resources[cfn.logicalId(stack.records.table)]!.Properties!;
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
