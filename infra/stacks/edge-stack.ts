import { Stack, type StackProps } from "aws-cdk-lib";
import * as ssm from "aws-cdk-lib/aws-ssm";
import type { Construct } from "constructs";
import type { ChartbridgeConfig } from "../config";
import { DataClassKey } from "../constructs/data-class-key";
import { WebFirewall } from "../constructs/web-firewall";

/** CloudFront's web ACLs and certificates live in us-east-1, whatever region the rest of the app uses. */
export const EDGE_REGION = "us-east-1";

/** The SSM parameter (in us-east-1) holding the web app's web ACL ARN, which the main stack reads at deploy. */
export const webAclArnParameter = (envName: string): string => `/chartbridge/${envName}/web-app/web-acl-arn`;

export interface ChartbridgeEdgeStackProps extends StackProps {
  readonly config: ChartbridgeConfig;
}

/**
 * What the web app's CloudFront distribution needs in us-east-1: its WAF web ACL (the rules of the API's, with
 * its own per-IP limit), the ACL's logs under a customer-managed key of this region, and an SSM parameter with
 * the ACL's ARN. The main stack depends on this one and reads the parameter when it deploys; it never
 * references this stack's resources directly (stacks in different regions cannot).
 */
export class ChartbridgeEdgeStack extends Stack {
  readonly firewall: WebFirewall;
  readonly webAclArnParameter: ssm.StringParameter;

  constructor(scope: Construct, id: string, props: ChartbridgeEdgeStackProps) {
    super(scope, id, { ...props, env: { ...props.env, region: EDGE_REGION } });
    const { config } = props;
    const logsKey = new DataClassKey(this, "LogsKey", {
      dataClass: "logs",
      envName: config.envName,
      removalPolicy: config.removalPolicy,
      aliasSuffix: "edge",
      purpose: "the web app's WAF logs (us-east-1, where CloudFront's web ACLs are)",
    });
    this.firewall = new WebFirewall(this, "Firewall", {
      name: `chartbridge-${config.envName}-web`,
      protects: "chartbridge web app",
      scope: "CLOUDFRONT",
      requestsPer5MinPerIp: config.web.wafRequestsPer5MinPerIp,
      logsKey: logsKey.key,
      logRetention: config.logRetention,
      removalPolicy: config.removalPolicy,
    });
    this.webAclArnParameter = new ssm.StringParameter(this, "WebAclArn", {
      parameterName: webAclArnParameter(config.envName),
      stringValue: this.firewall.webAcl.attrArn,
      description: "The chartbridge web app's CloudFront web ACL (read by the main stack at deploy)",
    });
  }
}
