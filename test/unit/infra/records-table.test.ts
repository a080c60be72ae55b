import { App, Stack } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import { describe, expect, it } from "vitest";
import { tablePropsOf } from "../../../infra/constructs/records-table";
import {
  RECORDS_TABLE_SCHEMA,
  recordsTableDefinition,
  type TableSchema,
} from "../../../shared/adapters/dynamodb/table-design";
import { ofType, tableSchemaOf } from "./template";

function synthesizedSchema(schema: TableSchema): Record<string, unknown> {
  const stack = new Stack(new App(), "Tables");
  const { globalSecondaryIndexes, ...props } = tablePropsOf(schema);
  const table = new dynamodb.Table(stack, "Table", props);
  for (const index of globalSecondaryIndexes) table.addGlobalSecondaryIndex(index);
  const [[, synthesized]] = ofType(Template.fromStack(stack).toJSON().Resources, "AWS::DynamoDB::Table") as [
    [string, Record<string, unknown>],
  ];
  return tableSchemaOf(synthesized);
}

// The first construct test in a worker pays for loading aws-cdk-lib.
describe("the records table schema, defined once", { timeout: 60_000 }, () => {
  it("is what the local runtime creates DynamoDB Local's table with", () => {
    expect(recordsTableDefinition("local-records")).toEqual({
      TableName: "local-records",
      ...RECORDS_TABLE_SCHEMA,
    });
  });

  it("synthesizes to the same schema through the CDK props derived from it", () => {
    expect(synthesizedSchema(RECORDS_TABLE_SCHEMA)).toEqual(RECORDS_TABLE_SCHEMA);
  });

  it("carries secondary indexes and their projections over, should the schema gain any", () => {
    const withIndexes: TableSchema = {
      KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
      AttributeDefinitions: [
        { AttributeName: "pk", AttributeType: "S" },
        { AttributeName: "byDate", AttributeType: "S" },
        { AttributeName: "at", AttributeType: "N" },
      ],
      BillingMode: "PAY_PER_REQUEST",
      StreamSpecification: { StreamEnabled: false },
      GlobalSecondaryIndexes: [
        {
          IndexName: "keys",
          KeySchema: [{ AttributeName: "byDate", KeyType: "HASH" }],
          Projection: { ProjectionType: "KEYS_ONLY" },
        },
        {
          IndexName: "some",
          KeySchema: [
            { AttributeName: "byDate", KeyType: "HASH" },
            { AttributeName: "at", KeyType: "RANGE" },
          ],
          Projection: { ProjectionType: "INCLUDE", NonKeyAttributes: ["status"] },
        },
      ],
    };
    expect(synthesizedSchema(withIndexes)).toEqual(withIndexes);
  });
});
