/** Reading synthesized CloudFormation templates in the infra tests. */
import { Stack } from "aws-cdk-lib";
import type { IConstruct } from "constructs";

export { flattenTemplateValue as flat } from "../../../infra/constructs/nag";

export type Resource = {
  Type: string;
  Properties?: Record<string, unknown>;
  DeletionPolicy?: string;
  DependsOn?: string[];
};
export type Resources = Record<string, Resource>;

export type Statement = {
  Effect: string;
  Action: string | string[];
  Resource?: unknown;
  Principal?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
};

/** The logical id a construct (or its default CloudFormation resource) has in its stack's template. */
export function logicalId(construct: IConstruct): string {
  const cfn = construct.node.defaultChild ?? construct;
  return Stack.of(construct).resolve((cfn as unknown as { logicalId: string }).logicalId) as string;
}

/** `[logicalId, Properties]` of every resource of one type. */
export function ofType(resources: Resources, type: string): [string, Record<string, unknown>][] {
  return Object.entries(resources)
    .filter(([, r]) => r.Type === type)
    .map(([id, r]) => [id, r.Properties ?? {}]);
}

/** Logical ids referenced anywhere inside `value` (Ref / Fn::GetAtt), pseudo parameters left out. */
export function referencedIds(value: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) value.forEach((v) => referencedIds(v, out));
  else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      if (k === "Ref" && typeof v === "string") {
        if (!v.startsWith("AWS::")) out.add(v);
      } else if (k === "Fn::GetAtt" && Array.isArray(v) && typeof v[0] === "string") out.add(v[0]);
      else referencedIds(v, out);
    }
  }
  return out;
}

/** True when a resource policy has the deny-non-TLS statement `enforceSSL` adds. */
export function deniesInsecureTransport(policyDocument: unknown): boolean {
  const statements = (policyDocument as { Statement?: Statement[] }).Statement ?? [];
  return statements.some(
    (s) =>
      s.Effect === "Deny" &&
      JSON.stringify(s.Condition ?? {}) === JSON.stringify({ Bool: { "aws:SecureTransport": "false" } }),
  );
}

export const actionsOf = (s: Statement): string[] => (Array.isArray(s.Action) ? s.Action : [s.Action]);
export const getAttArn = (id: string): unknown => ({ "Fn::GetAtt": [id, "Arn"] });

/**
 * The schema a synthesized `AWS::DynamoDB::Table` has, in DynamoDB API terms (TableSchema of
 * shared/adapters/dynamodb/table-design.ts), to compare with the schema it was built from.
 */
export function tableSchemaOf(table: Record<string, unknown>): Record<string, unknown> {
  const stream = table.StreamSpecification as { StreamViewType?: string } | undefined;
  const indexes = table.GlobalSecondaryIndexes as
    { IndexName: string; KeySchema: unknown; Projection?: Record<string, unknown> }[] | undefined;
  return {
    KeySchema: table.KeySchema,
    AttributeDefinitions: table.AttributeDefinitions,
    BillingMode: table.BillingMode,
    StreamSpecification: stream?.StreamViewType
      ? { StreamEnabled: true, StreamViewType: stream.StreamViewType }
      : { StreamEnabled: false },
    ...(indexes
      ? {
          GlobalSecondaryIndexes: indexes.map(({ IndexName, KeySchema, Projection }) => ({
            IndexName,
            KeySchema,
            Projection,
          })),
        }
      : {}),
  };
}

/** Every statement of the IAM policies attached to the role with this logical id. */
export function statementsOfRole(resources: Resources, roleId: string): Statement[] {
  return ofType(resources, "AWS::IAM::Policy")
    .filter(([, p]) => referencedIds(p.Roles).has(roleId))
    .flatMap(([, p]) => (p.PolicyDocument as { Statement: Statement[] }).Statement);
}

/**
 * CDK's own deploy-time functions (custom-resource providers): the web app's BucketDeployment and the
 * AwsCustomResource reading the edge stack's web ACL ARN. They run only while CloudFormation deploys; the
 * invariants of chartbridge's functions (VPC, tracing, concurrency, alarms) are asserted on the others.
 */
export const DEPLOY_TIME_FUNCTION_PREFIXES = [
  "CustomCDKBucketDeployment",
  "AWS679f53fac002430cb0da5b7982bd2287",
];

const isDeployTime = (id: string) => DEPLOY_TIME_FUNCTION_PREFIXES.some((p) => id.startsWith(p));

/** chartbridge's own Lambda functions in a template (CDK's deploy-time providers left out). */
export function appFunctions(resources: Resources): [string, Record<string, unknown>][] {
  return ofType(resources, "AWS::Lambda::Function").filter(([id]) => !isDeployTime(id));
}

/** CDK's deploy-time functions in a template. */
export function deployTimeFunctions(resources: Resources): [string, Record<string, unknown>][] {
  return ofType(resources, "AWS::Lambda::Function").filter(([id]) => isDeployTime(id));
}
