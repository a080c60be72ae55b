import type { RemovalPolicy } from "aws-cdk-lib";
import * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import * as iam from "aws-cdk-lib/aws-iam";
import type * as kms from "aws-cdk-lib/aws-kms";
import { Construct } from "constructs";
import { AUDIT_TABLE_SCHEMA } from "../../shared/adapters/dynamodb/audit-table-design";
import { tablePropsOf } from "./records-table";

export interface AuditTableProps {
  /** The audit data class's key. */
  readonly encryptionKey: kms.IKey;
  readonly removalPolicy: RemovalPolicy;
  readonly deletionProtection: boolean;
}

/**
 * What no one may do to an audit event, whatever their IAM policy says: the table's resource policy denies
 * it to every principal (an explicit deny wins over any allow). Events are only ever added.
 */
export const AUDIT_IMMUTABLE_ACTIONS = [
  "dynamodb:UpdateItem",
  "dynamodb:DeleteItem",
  "dynamodb:BatchWriteItem",
  "dynamodb:PartiQLUpdate",
  "dynamodb:PartiQLDelete",
] as const;

/**
 * The audit trail's table (shared/adapters/dynamodb/audit-table-design.ts): its own customer-managed key,
 * point-in-time recovery, deletion protection per environment, and a resource policy that denies updating or
 * deleting items to everyone. Writers get `grantAppend` (conditional puts in transactions), readers
 * `grantReadEvents`; nothing else is granted on it.
 */
export class AuditTable extends Construct {
  readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string, props: AuditTableProps) {
    super(scope, id);
    const { partitionKey, sortKey, billingMode } = tablePropsOf(AUDIT_TABLE_SCHEMA);
    this.table = new dynamodb.Table(this, "Table", {
      partitionKey,
      sortKey,
      billingMode,
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: props.encryptionKey,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: props.deletionProtection,
      removalPolicy: props.removalPolicy,
      resourcePolicy: new iam.PolicyDocument({
        statements: [
          new iam.PolicyStatement({
            sid: "AuditEventsAreNeverChangedOrDeleted",
            effect: iam.Effect.DENY,
            principals: [new iam.AnyPrincipal()],
            actions: [...AUDIT_IMMUTABLE_ACTIONS],
            // A table's resource policy applies to the table it is attached to.
            resources: ["*"],
          }),
        ],
      }),
    });
  }

  /** Appends events: conditional puts (DynamoDB transactions are authorized per item as PutItem). */
  grantAppend(grantee: iam.IGrantable): iam.Grant {
    this.table.encryptionKey?.grantEncryptDecrypt(grantee);
    return this.table.grant(grantee, "dynamodb:PutItem");
  }

  /** Reads events and their references (the access report, the accounting of disclosures). */
  grantReadEvents(grantee: iam.IGrantable): iam.Grant {
    this.table.encryptionKey?.grantDecrypt(grantee);
    return this.table.grant(grantee, "dynamodb:GetItem", "dynamodb:Query", "dynamodb:BatchGetItem");
  }
}
