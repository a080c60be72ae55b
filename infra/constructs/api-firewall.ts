import { ArnFormat, RemovalPolicy, Stack } from "aws-cdk-lib";
import type * as apigw from "aws-cdk-lib/aws-apigateway";
import type * as kms from "aws-cdk-lib/aws-kms";
import * as logs from "aws-cdk-lib/aws-logs";
import * as wafv2 from "aws-cdk-lib/aws-wafv2";
import { Construct } from "constructs";

export interface ApiFirewallProps {
  /** Names the web ACL and its log group (`aws-waf-logs-<name>`, the prefix WAF requires). */
  readonly name: string;
  /** The REST API stage the web ACL protects. */
  readonly stage: apigw.Stage;
  /** Requests one client IP may make in a 5-minute window before the rate-based rule blocks it. */
  readonly requestsPer5MinPerIp: number;
  /** The logs data-class key. */
  readonly logsKey: kms.IKey;
  readonly logRetention: logs.RetentionDays;
  readonly removalPolicy: RemovalPolicy;
}

/** AWS managed rule groups, in evaluation order after the IP reputation list and the rate limit. */
const MANAGED_RULE_GROUPS = ["AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet"] as const;

/**
 * A regional WAFv2 web ACL on the records API stage: the AWS IP reputation list, a per-IP rate limit, and
 * the Common and Known-bad-inputs managed rule groups; everything else is allowed through to the Cognito
 * authorizer. Requests a rule blocks or counts are logged (authorization header and query string
 * redacted: they carry tokens and search terms, i.e. PHI) to a KMS-encrypted log group.
 */
export class ApiFirewall extends Construct {
  readonly webAcl: wafv2.CfnWebACL;
  readonly association: wafv2.CfnWebACLAssociation;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: ApiFirewallProps) {
    super(scope, id);

    const visibility = (metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
      cloudWatchMetricsEnabled: true,
      metricName,
      sampledRequestsEnabled: true,
    });
    const managed = (name: string, priority: number): wafv2.CfnWebACL.RuleProperty => ({
      name,
      priority,
      overrideAction: { none: {} },
      statement: { managedRuleGroupStatement: { vendorName: "AWS", name } },
      visibilityConfig: visibility(name),
    });

    this.webAcl = new wafv2.CfnWebACL(this, "WebAcl", {
      name: props.name,
      description: "chartbridge records API: IP reputation, per-IP rate limit, AWS managed rules",
      scope: "REGIONAL",
      defaultAction: { allow: {} },
      visibilityConfig: visibility(props.name),
      rules: [
        managed("AWSManagedRulesAmazonIpReputationList", 0),
        {
          name: "RateLimitPerIp",
          priority: 1,
          action: { block: {} },
          statement: {
            rateBasedStatement: {
              aggregateKeyType: "IP",
              limit: props.requestsPer5MinPerIp,
              evaluationWindowSec: 300,
            },
          },
          visibilityConfig: visibility("RateLimitPerIp"),
        },
        ...MANAGED_RULE_GROUPS.map((name, i) => managed(name, 2 + i)),
      ],
    });

    this.association = new wafv2.CfnWebACLAssociation(this, "StageAssociation", {
      resourceArn: props.stage.stageArn,
      webAclArn: this.webAcl.attrArn,
    });

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
      redactedFields: [{ singleHeader: { Name: "authorization" } }, { queryString: {} }],
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
