import { Stack, type RemovalPolicy } from "aws-cdk-lib";
import type * as kms from "aws-cdk-lib/aws-kms";
import * as logs from "aws-cdk-lib/aws-logs";
import * as customResources from "aws-cdk-lib/custom-resources";
import { Construct } from "constructs";
import { EDGE_REGION, webAclArnParameter } from "../stacks/edge-stack";
import { acknowledge, acknowledgeDeployTimeFunction, deployTimeRole } from "./nag";

export interface EdgeWebAclProps {
  readonly envName: string;
  readonly logsKey: kms.IKey;
  readonly logRetention: logs.RetentionDays;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * The ARN of the web app's CLOUDFRONT web ACL, read at deploy time from the SSM parameter the edge stack
 * writes in us-east-1 (stacks in different regions cannot reference each other's resources).
 */
export class EdgeWebAcl extends Construct {
  readonly arn: string;
  readonly reader: customResources.AwsCustomResource;

  constructor(scope: Construct, id: string, props: EdgeWebAclProps) {
    super(scope, id);
    const name = webAclArnParameter(props.envName);
    const logGroup = new logs.LogGroup(this, "Logs", {
      encryptionKey: props.logsKey,
      retention: props.logRetention,
      removalPolicy: props.removalPolicy,
    });
    const role = deployTimeRole(
      this,
      "Role",
      logGroup,
      "Reads the web app's web ACL ARN from SSM in us-east-1 at deployment",
    );
    this.reader = new customResources.AwsCustomResource(this, "Read", {
      onUpdate: {
        service: "SSM",
        action: "GetParameter",
        parameters: { Name: name },
        region: EDGE_REGION,
        physicalResourceId: customResources.PhysicalResourceId.of(name),
      },
      policy: customResources.AwsCustomResourcePolicy.fromSdkCalls({
        resources: [
          Stack.of(this).formatArn({
            service: "ssm",
            region: EDGE_REGION,
            resource: "parameter",
            resourceName: name.slice(1),
          }),
        ],
      }),
      installLatestAwsSdk: false,
      role,
      logGroup,
    });
    this.arn = this.reader.getResponseField("Parameter.Value");
    for (const generated of [role, this.reader]) {
      acknowledge(generated, {
        "HIPAA.Security-IAMNoInlinePolicy":
          "ssm:GetParameter on the edge stack's one parameter, and writes to its own log group, as CDK writes them.",
      });
    }
    acknowledgeDeployTimeFunction(this, "AWS679f53fac002430cb0da5b7982bd2287");
  }
}
