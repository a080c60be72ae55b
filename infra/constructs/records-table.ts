import { RemovalPolicy } from "aws-cdk-lib";
import * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import * as kms from "aws-cdk-lib/aws-kms";
import { Construct } from "constructs";
import { GSI_BY_STATUS, STATUS_PK, STATUS_SK } from "../../shared/adapters/dynamodb/table-design";

export interface RecordsTableProps {
  readonly encryptionKey: kms.IKey;
  readonly removalPolicy: RemovalPolicy;
  readonly deletionProtection: boolean;
}

/**
 * The single table for chart records, status history and idempotency items.
 *
 * - `pk` / `sk`: the item key (e.g. `DOC#<id>` / `META`, `DOC#<id>` / `STATUS#<at>`).
 * - `gsi1` (`gsi1pk`, `gsi1sk`): records by MRN.
 * - `gsi2` (`gsi2pk`, `gsi2sk`): documents by content hash (duplicate detection).
 * - `byStatus` (`statusPk`, `statusSk`): records in flight by last write, for the stuck-record sweeper;
 *   sparse and KEYS_ONLY (shared/adapters/dynamodb/table-design.ts).
 *
 * On-demand capacity, a NEW_AND_OLD_IMAGES stream (feeds the search index), point-in-time recovery and
 * the records data-class key (which also covers the stream); deletion protection in production. The
 * stack puts it in an AWS Backup plan (RecordsBackup).
 */
export class RecordsTable extends Construct {
  readonly table: dynamodb.Table;
  static readonly MRN_INDEX = "gsi1";
  static readonly CONTENT_HASH_INDEX = "gsi2";
  static readonly STATUS_INDEX = GSI_BY_STATUS;

  constructor(scope: Construct, id: string, props: RecordsTableProps) {
    super(scope, id);

    this.table = new dynamodb.Table(this, "Table", {
      partitionKey: { name: "pk", type: dynamodb.AttributeType.STRING },
      sortKey: { name: "sk", type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: props.encryptionKey,
      stream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: props.deletionProtection,
      removalPolicy: props.removalPolicy,
    });
    this.table.addGlobalSecondaryIndex({
      indexName: RecordsTable.MRN_INDEX,
      partitionKey: { name: "gsi1pk", type: dynamodb.AttributeType.STRING },
      sortKey: { name: "gsi1sk", type: dynamodb.AttributeType.STRING },
      projectionType: dynamodb.ProjectionType.ALL,
    });
    this.table.addGlobalSecondaryIndex({
      indexName: RecordsTable.CONTENT_HASH_INDEX,
      partitionKey: { name: "gsi2pk", type: dynamodb.AttributeType.STRING },
      sortKey: { name: "gsi2sk", type: dynamodb.AttributeType.STRING },
      projectionType: dynamodb.ProjectionType.ALL,
    });
    this.addStatusIndex();
  }

  /** The sweeper's sparse index: ids and last-write times of records in flight, no record content. */
  private addStatusIndex(): void {
    this.table.addGlobalSecondaryIndex({
      indexName: RecordsTable.STATUS_INDEX,
      partitionKey: { name: STATUS_PK, type: dynamodb.AttributeType.STRING },
      sortKey: { name: STATUS_SK, type: dynamodb.AttributeType.STRING },
      projectionType: dynamodb.ProjectionType.KEYS_ONLY,
    });
  }
}
