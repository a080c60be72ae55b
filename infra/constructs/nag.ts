import { CfnResource, Stack, Validations } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import type * as logs from "aws-cdk-lib/aws-logs";
import type { IConstruct } from "constructs";

/**
 * Helpers for cdk-nag v3 acknowledgments (CDK `Validations.of(…).acknowledge`). Each acknowledgment names
 * the exact finding id cdk-nag prints and is made on the construct it concerns (it covers that construct's
 * subtree).
 */

/** Acknowledge several findings on one construct. */
export function acknowledge(scope: IConstruct, findings: Record<string, string>): void {
  for (const [id, reason] of Object.entries(findings)) {
    Validations.of(scope).acknowledge({ id, reason });
  }
}

function logicalIdOf(resource: IConstruct): string {
  const cfn = resource.node.defaultChild;
  if (!CfnResource.isCfnResource(cfn)) {
    throw new Error(`${resource.node.path} has no CloudFormation resource to name in a finding id`);
  }
  return Stack.of(cfn).resolve(cfn.logicalId) as string;
}

/**
 * `AwsSolutions-IAM5[Resource::<LogicalId.Arn><suffix>]`: the finding a grant on a resource's sub-paths
 * produces, e.g. `/*` for a bucket's objects or `/index/*` for a table's indexes.
 */
export function wildcardResourceFinding(resource: IConstruct, suffix: string): string {
  return `AwsSolutions-IAM5[Resource::<${logicalIdOf(resource)}.Arn>${suffix}]`;
}

/**
 * `AwsSolutions-IAM5[Resource::<arn>]` for an ARN that is not a resource of this stack (e.g. one in the
 * replica region, named by a formatted ARN), rendered as cdk-nag renders it: `Fn::Join` flattened, `Ref`
 * as `<Name>`, `Fn::GetAtt` as `<LogicalId.Attr>`.
 */
export function wildcardArnFinding(scope: IConstruct, arn: string): string {
  return `AwsSolutions-IAM5[Resource::${flattenTemplateValue(Stack.of(scope).resolve(arn))}]`;
}

/**
 * A resolved template value as cdk-nag prints it in finding ids: `Fn::Join` flattened, `Ref` as `<Name>`,
 * `Fn::GetAtt` as `<LogicalId.Attr>`.
 */
export function flattenTemplateValue(node: unknown): string {
  if (typeof node === "string") return node;
  if (Array.isArray(node)) return node.map(flattenTemplateValue).join("");
  const value = node as Record<string, unknown>;
  if (Array.isArray(value["Fn::Join"])) {
    const [delimiter, items] = value["Fn::Join"] as [string, unknown[]];
    return items.map(flattenTemplateValue).join(delimiter);
  }
  if (typeof value.Ref === "string") return `<${value.Ref}>`;
  if (Array.isArray(value["Fn::GetAtt"])) return `<${(value["Fn::GetAtt"] as string[]).join(".")}>`;
  return JSON.stringify(node);
}

/** `AwsSolutions-IAM5[Action::<action>]` */
export function wildcardActionFinding(action: string): string {
  return `AwsSolutions-IAM5[Action::${action}]`;
}

/** The action wildcards CDK's KMS grants (encrypt/decrypt on a CMK-encrypted resource) produce. */
export const KMS_GRANT_FINDINGS: Record<string, string> = {
  [wildcardActionFinding("kms:GenerateDataKey*")]:
    "CDK grants on resources encrypted with a data-class key include the kms:GenerateDataKey* family; the statement's resources are those key ARNs only.",
  [wildcardActionFinding("kms:ReEncrypt*")]:
    "CDK encrypt grants on resources encrypted with a data-class key include kms:ReEncrypt*; the statement's resources are those key ARNs only.",
};

/** The action wildcards of Bucket.grantRead / grantPut, always scoped to the bucket and its objects. */
export const S3_READ_FINDINGS: Record<string, string> = {
  [wildcardActionFinding("s3:GetObject*")]:
    "Bucket.grantRead: GetObject and its version/attribute variants, on this stack's bucket only.",
  [wildcardActionFinding("s3:GetBucket*")]:
    "Bucket.grantRead: bucket location/versioning reads the SDK performs, on this stack's bucket only.",
  [wildcardActionFinding("s3:List*")]: "Bucket.grantRead: listing this stack's bucket only.",
};

export const S3_PUT_FINDINGS: Record<string, string> = {
  [wildcardActionFinding("s3:Abort*")]:
    "Bucket.grantPut: abort multipart uploads (large scans / Textract output) in this stack's bucket only.",
};

/** Why a function's table grant may name `<table>/index/*`: CDK's Table.grant* always covers the table's indexes. */
export const TABLE_GRANT_INDEX_REASON =
  "Table.grant* covers the table's only index, the sparse KEYS_ONLY byStatus index (record ids and timestamps, no record content); this function reads and writes records by key.";

/** The findings every CDK-provided deploy-time function (custom resource providers) raises, and why they stand. */
const DEPLOY_TIME_FUNCTION_FINDINGS: Record<string, string> = {
  "HIPAA.Security-LambdaConcurrency":
    "Runs only when CloudFormation deploys the stack (one invocation per change): no concurrency to bound.",
  "HIPAA.Security-LambdaDLQ":
    "Invoked synchronously by CloudFormation, which reports a failure as a failed deployment: there is no event to dead-letter.",
  "HIPAA.Security-LambdaInsideVPC":
    "A CDK-provided deploy-time function that touches no PHI and calls only AWS APIs (S3, CloudFront, SSM); the stack's VPC has no route to them except the PHI services' endpoints.",
};

/**
 * Acknowledges, on a stack's singleton deploy-time function (found by the id prefix CDK gives it), the
 * findings every such function raises plus `extra` ones.
 */
export function acknowledgeDeployTimeFunction(
  scope: IConstruct,
  idPrefix: string,
  extra: Record<string, string> = {},
): void {
  const stack = Stack.of(scope);
  const fn = stack.node.children.find((c) => c.node.id.startsWith(idPrefix));
  if (!fn) throw new Error(`no deploy-time function ${idPrefix}* in ${stack.node.path}`);
  acknowledge(fn, { ...DEPLOY_TIME_FUNCTION_FINDINGS, ...extra });
}

/**
 * The role of a CDK-provided deploy-time function, instead of the one CDK would create with the AWS-managed
 * basic execution policy: it may write to its own log group, and CDK adds what the function does.
 */
export function deployTimeRole(
  scope: IConstruct,
  id: string,
  logGroup: logs.ILogGroup,
  description: string,
): iam.Role {
  const role = new iam.Role(scope, id, {
    assumedBy: new iam.ServicePrincipal("lambda.amazonaws.com"),
    description,
  });
  logGroup.grantWrite(role);
  return role;
}
