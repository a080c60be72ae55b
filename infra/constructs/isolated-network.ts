import { RemovalPolicy, Validations } from "aws-cdk-lib";
import * as ec2 from "aws-cdk-lib/aws-ec2";
import * as kms from "aws-cdk-lib/aws-kms";
import * as logs from "aws-cdk-lib/aws-logs";
import { Construct } from "constructs";

export interface IsolatedNetworkProps {
  /**
   * Availability zones. The stack is environment-agnostic, so CDK resolves at most 2 AZs (Fn::GetAZs);
   * 3 takes effect only once the stack is given an explicit account and region.
   */
  readonly maxAzs: number;
  readonly encryptionKey: kms.IKey;
  readonly logRetention: logs.RetentionDays;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * A VPC with private isolated subnets only (no internet gateway, no NAT) for the search domain and the
 * Lambda functions that reach it. Gateway endpoints give those functions S3 and DynamoDB; flow logs go to
 * a KMS-encrypted log group.
 */
export class IsolatedNetwork extends Construct {
  readonly vpc: ec2.Vpc;
  readonly subnets: ec2.SubnetSelection = { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };

  constructor(scope: Construct, id: string, props: IsolatedNetworkProps) {
    super(scope, id);

    this.vpc = new ec2.Vpc(this, "Vpc", {
      maxAzs: props.maxAzs,
      natGateways: 0,
      subnetConfiguration: [{ name: "isolated", subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
      // true deploys a custom-resource Lambda to strip the default security group's rules; nothing here
      // uses the default group. Closing it is tracked in the production-hardening issue (see stack).
      restrictDefaultSecurityGroup: false,
      gatewayEndpoints: {
        S3: { service: ec2.GatewayVpcEndpointAwsService.S3 },
        DynamoDB: { service: ec2.GatewayVpcEndpointAwsService.DYNAMODB },
      },
    });

    const flowLogGroup = new logs.LogGroup(this, "FlowLogs", {
      retention: props.logRetention,
      encryptionKey: props.encryptionKey,
      removalPolicy: props.removalPolicy,
    });
    const flowLog = this.vpc.addFlowLog("FlowLog", {
      destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogGroup),
      trafficType: ec2.FlowLogTrafficType.ALL,
    });
    Validations.of(flowLog).acknowledge({
      id: "HIPAA.Security-IAMNoInlinePolicy",
      reason:
        "The flow-log delivery role's only policy is CDK's grant to write to this one log group, owned by the role and not attachable elsewhere.",
    });
  }
}
