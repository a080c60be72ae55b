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
  /** Encrypts the flow-log group (the logs data-class key). */
  readonly logsKey: kms.IKey;
  readonly logRetention: logs.RetentionDays;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * AWS APIs the functions in the VPC reach through interface endpoints (private DNS), besides the S3 and
 * DynamoDB gateway endpoints: Textract (ingest, ocr-complete), SQS and KMS (SDK calls on the pipeline's
 * queues and keys), CloudWatch Logs and X-Ray (telemetry from inside the function), STS (assuming the
 * search admin role from a VPC shell, see infra/README.md). SNS is not listed: no function calls it
 * (Textract publishes to the topic from the service side).
 */
export const INTERFACE_ENDPOINTS = {
  Textract: ec2.InterfaceVpcEndpointAwsService.TEXTRACT,
  Sqs: ec2.InterfaceVpcEndpointAwsService.SQS,
  Kms: ec2.InterfaceVpcEndpointAwsService.KMS,
  CloudWatchLogs: ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS,
  XRay: ec2.InterfaceVpcEndpointAwsService.XRAY,
  Sts: ec2.InterfaceVpcEndpointAwsService.STS,
  // record-events announces completed batches on the stack's event bus.
  EventBridge: ec2.InterfaceVpcEndpointAwsService.EVENTBRIDGE,
} as const;
export type InterfaceEndpointName = keyof typeof INTERFACE_ENDPOINTS;

/**
 * A VPC with private isolated subnets only (no internet gateway, no NAT) for the search domain and the
 * Lambda functions. Gateway endpoints give those functions S3 and DynamoDB; interface endpoints (one
 * security group, HTTPS in only from the security groups allowed with `allowEndpointAccessFrom`) give them
 * the other AWS APIs in INTERFACE_ENDPOINTS. Flow logs go to a KMS-encrypted log group.
 */
export class IsolatedNetwork extends Construct {
  readonly vpc: ec2.Vpc;
  readonly subnets: ec2.SubnetSelection = { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };
  /** Attached to every interface endpoint; no ingress except what `allowEndpointAccessFrom` adds. */
  readonly endpointSecurityGroup: ec2.SecurityGroup;
  readonly interfaceEndpoints: Record<InterfaceEndpointName, ec2.InterfaceVpcEndpoint>;

  constructor(scope: Construct, id: string, props: IsolatedNetworkProps) {
    super(scope, id);

    this.vpc = new ec2.Vpc(this, "Vpc", {
      maxAzs: props.maxAzs,
      natGateways: 0,
      subnetConfiguration: [{ name: "isolated", subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
      // true deploys a custom-resource Lambda to strip the default security group's rules (see below).
      restrictDefaultSecurityGroup: false,
      gatewayEndpoints: {
        S3: { service: ec2.GatewayVpcEndpointAwsService.S3 },
        DynamoDB: { service: ec2.GatewayVpcEndpointAwsService.DYNAMODB },
      },
    });

    Validations.of(this.vpc).acknowledge({
      id: "HIPAA.Security-VPCDefaultSecurityGroupClosed",
      reason:
        "Nothing in the VPC uses the default security group (every ENI has its own group) and the subnets have no route out. CloudFormation cannot remove the default group's rules (SecurityGroupIngress/Egress resources only add rules); CDK's restrictDefaultSecurityGroup does it with a custom-resource Lambda outside the VPC holding ec2:Revoke* rights, a fifth function outside these controls. The rules are revoked once after deployment instead (infra/README.md).",
    });

    const flowLogGroup = new logs.LogGroup(this, "FlowLogs", {
      retention: props.logRetention,
      encryptionKey: props.logsKey,
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

    this.endpointSecurityGroup = new ec2.SecurityGroup(this, "EndpointSecurityGroup", {
      vpc: this.vpc,
      description: "chartbridge interface endpoints: HTTPS from the function security groups only",
      allowAllOutbound: false,
    });
    const endpoints: Partial<Record<InterfaceEndpointName, ec2.InterfaceVpcEndpoint>> = {};
    for (const [name, service] of Object.entries(INTERFACE_ENDPOINTS) as [
      InterfaceEndpointName,
      ec2.InterfaceVpcEndpointAwsService,
    ][]) {
      endpoints[name] = this.vpc.addInterfaceEndpoint(name, {
        service,
        subnets: this.subnets,
        securityGroups: [this.endpointSecurityGroup],
        privateDnsEnabled: true,
        // `open: true` (the default) would admit the whole VPC CIDR on 443.
        open: false,
      });
    }
    this.interfaceEndpoints = endpoints as Record<InterfaceEndpointName, ec2.InterfaceVpcEndpoint>;
  }

  /** Let `peer` (a function or an admin shell's security group) call the interface endpoints over HTTPS. */
  allowEndpointAccessFrom(peer: ec2.IConnectable, description: string): void {
    this.endpointSecurityGroup.connections.allowFrom(peer, ec2.Port.tcp(443), description);
  }
}
