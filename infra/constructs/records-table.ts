import type { RemovalPolicy } from "aws-cdk-lib";
import * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import type * as kms from "aws-cdk-lib/aws-kms";
import { Construct } from "constructs";
import {
  GSI_BY_STATUS,
  RECORDS_TABLE_SCHEMA,
  TTL_ATTRIBUTE,
  type TableSchema,
} from "../../shared/adapters/dynamodb/table-design";

export interface RecordsTableProps {
  readonly encryptionKey: kms.IKey;
  readonly removalPolicy: RemovalPolicy;
  readonly deletionProtection: boolean;
}

/**
 * The single table for chart records and content claims. Its keys, indexes, capacity mode and stream come
 * from RECORDS_TABLE_SCHEMA (shared/adapters/dynamodb/table-design.ts), which the local runtime creates
 * DynamoDB Local's table from too.
 *
 * The `byStatus` index (sparse, KEYS_ONLY) lists records in flight by last write, for the stuck-record
 * sweeper. Adds point-in-time recovery and the records data-class key (which also covers the stream); deletion
 * protection in production. The stack puts it in an AWS Backup plan (RecordsBackup).
 */
export class RecordsTable extends Construct {
  readonly table: dynamodb.Table;
  /** The sweeper's index of records in flight. */
  static readonly STATUS_INDEX = GSI_BY_STATUS;

  constructor(scope: Construct, id: string, props: RecordsTableProps) {
    super(scope, id);
    const { partitionKey, sortKey, billingMode, stream, globalSecondaryIndexes } =
      tablePropsOf(RECORDS_TABLE_SCHEMA);
    this.table = new dynamodb.Table(this, "Table", {
      partitionKey,
      sortKey,
      billingMode,
      stream,
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: props.encryptionKey,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: props.deletionProtection,
      removalPolicy: props.removalPolicy,
      // Only the throughput governor's items carry it: DynamoDB clears what a lost document left behind.
      timeToLiveAttribute: TTL_ATTRIBUTE,
    });
    for (const index of globalSecondaryIndexes) this.table.addGlobalSecondaryIndex(index);
  }
}

/** A table schema in DynamoDB API terms as CDK Table props. */
export function tablePropsOf(schema: TableSchema): {
  partitionKey: dynamodb.Attribute;
  sortKey?: dynamodb.Attribute;
  billingMode: dynamodb.BillingMode;
  stream?: dynamodb.StreamViewType;
  globalSecondaryIndexes: dynamodb.GlobalSecondaryIndexProps[];
} {
  const attribute = (name: string | undefined): dynamodb.Attribute => {
    const definition = schema.AttributeDefinitions.find((a) => a.AttributeName === name);
    if (!name || !definition?.AttributeType) throw new Error(`Key attribute ${name} has no definition`);
    return { name, type: definition.AttributeType as dynamodb.AttributeType };
  };
  const keys = (keySchema: TableSchema["KeySchema"]) => {
    const sortKey = keySchema.find((k) => k.KeyType === "RANGE")?.AttributeName;
    return {
      partitionKey: attribute(keySchema.find((k) => k.KeyType === "HASH")?.AttributeName),
      ...(sortKey ? { sortKey: attribute(sortKey) } : {}),
    };
  };
  const { StreamSpecification } = schema;
  return {
    ...keys(schema.KeySchema),
    billingMode: schema.BillingMode as dynamodb.BillingMode,
    ...(StreamSpecification.StreamEnabled && StreamSpecification.StreamViewType
      ? { stream: StreamSpecification.StreamViewType as dynamodb.StreamViewType }
      : {}),
    globalSecondaryIndexes: (schema.GlobalSecondaryIndexes ?? []).map((index) => ({
      indexName: index.IndexName!,
      ...keys(index.KeySchema ?? []),
      projectionType: index.Projection?.ProjectionType as dynamodb.ProjectionType | undefined,
      nonKeyAttributes: index.Projection?.NonKeyAttributes,
    })),
  };
}
