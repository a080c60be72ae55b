import { ArnFormat, RemovalPolicy, Stack } from "aws-cdk-lib";
import type * as apigw from "aws-cdk-lib/aws-apigateway";
import type * as kms from "aws-cdk-lib/aws-kms";
import * as logs from "aws-cdk-lib/aws-logs";
import * as wafv2 from "aws-cdk-lib/aws-wafv2";
import { Construct } from "constructs";

export interface WebFirewallProps {
  /** Names the web ACL and its log group (`aws-waf-logs-<name>`, the prefix WAF requires). */
  readonly name: string;
  /** What the web ACL protects, for its description. */
  readonly protects: string;
  /**
   * REGIONAL for an API Gateway stage; CLOUDFRONT for a distribution (the web ACL must then be created in
   * us-east-1, and the distribution names it by ARN).
   * @default "REGIONAL"
   */
  readonly scope?: "REGIONAL" | "CLOUDFRONT";
  /**
   * The REST API stage to associate the web ACL with (REGIONAL only).
   * @default - no association: a distribution names the web ACL itself
   */
  readonly stage?: apigw.Stage;
  /** Requests one client IP may make in a 5-minute window before the rate-based rule blocks it. */
  readonly requestsPer5MinPerIp: number;
  /** The logs data-class key. */
  readonly logsKey: kms.IKey;
  readonly logRetention: logs.RetentionDays;
  readonly removalPolicy: RemovalPolicy;
}

/** AWS managed rule groups, in evaluation order after the IP reputation list and the rate limit. */
const MANAGED_RULE_GROUPS = ["AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet"] as const;

export const wafVisibility = (metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
  cloudWatchMetricsEnabled: true,
  metricName,
  sampledRequestsEnabled: true,
});

/**
 * The rules of chartbridge's web ACLs (the API's and the web app's): the AWS IP reputation list, a per-IP
 * rate limit, then the Common and Known-bad-inputs managed rule groups.
 */
export function webAclRules(requestsPer5MinPerIp: number): wafv2.CfnWebACL.RuleProperty[] {
  const managed = (name: string, priority: number): wafv2.CfnWebACL.RuleProperty => ({
    name,
    priority,
    overrideAction: { none: {} },
    statement: { managedRuleGroupStatement: { vendorName: "AWS", name } },
    visibilityConfig: wafVisibility(name),
  });
  return [
    managed("AWSManagedRulesAmazonIpReputationList", 0),
    {
      name: "RateLimitPerIp",
      priority: 1,
      action: { block: {} },
      statement: {
        rateBasedStatement: { aggregateKeyType: "IP", limit: requestsPer5MinPerIp, evaluationWindowSec: 300 },
      },
      visibilityConfig: wafVisibility("RateLimitPerIp"),
    },
    ...MANAGED_RULE_GROUPS.map((name, i) => managed(name, 2 + i)),
  ];
}

/**
 * A WAFv2 web ACL (webAclRules) on the records API stage (REGIONAL) or the web app's distribution
 * (CLOUDFRONT); everything else is allowed through to the Cognito authorizer. Requests a rule blocks or counts are logged (authorization header, query string and
 * path redacted: they carry tokens, search terms and MRNs, i.e. PHI) to a KMS-encrypted log group.
 */
export class WebFirewall extends Construct {
  readonly webAcl: wafv2.CfnWebACL;
  readonly association?: wafv2.CfnWebACLAssociation;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: WebFirewallProps) {
    super(scope, id);

    this.webAcl = new wafv2.CfnWebACL(this, "WebAcl", {
      name: props.name,
      description: `${props.protects}: IP reputation, per-IP rate limit, AWS managed rules`,
      scope: props.scope ?? "REGIONAL",
      defaultAction: { allow: {} },
      visibilityConfig: wafVisibility(props.name),
      rules: webAclRules(props.requestsPer5MinPerIp),
    });

    if (props.stage) {
      this.association = new wafv2.CfnWebACLAssociation(this, "StageAssociation", {
        resourceArn: props.stage.stageArn,
        webAclArn: this.webAcl.attrArn,
      });
    }

    // WAF adds the CloudWatch Logs resource policy for its log delivery itself when logging is configured.
    const logGroupName = `aws-waf-logs-${props.name}`;
    this.logGroup = new logs.LogGroup(this, "Logs", {
      logGroupName,
      retention: props.logRetention,
      encryptionKey: props.logsKey,
      removalPolicy: props.removalPolicy,
    });
    const logging = new wafv2.CfnLoggingConfiguration(this, "Logging", {
      resourceArn: this.webAcl.attrArn,
      // WAF wants the log group ARN without the `:*` suffix LogGroup.logGroupArn has.
      logDestinationConfigs: [
        Stack.of(this).formatArn({
          service: "logs",
          resource: "log-group",
          resourceName: logGroupName,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      ],
      // Paths carry MRNs (/patients/{mrn}/…), query strings search terms, the header a token: all PHI or secrets.
      redactedFields: [{ singleHeader: { Name: "authorization" } }, { queryString: {} }, { uriPath: {} }],
      loggingFilter: {
        DefaultBehavior: "DROP",
        Filters: [
          {
            Behavior: "KEEP",
            Requirement: "MEETS_ANY",
            Conditions: [{ ActionCondition: { Action: "BLOCK" } }, { ActionCondition: { Action: "COUNT" } }],
          },
        ],
      },
    });
    logging.node.addDependency(this.logGroup);
  }
}
