import { ArnFormat, Lazy, RemovalPolicy, Stack, Validations } from "aws-cdk-lib";
import * as ec2 from "aws-cdk-lib/aws-ec2";
import * as iam from "aws-cdk-lib/aws-iam";
import * as kms from "aws-cdk-lib/aws-kms";
import * as logs from "aws-cdk-lib/aws-logs";
import * as opensearch from "aws-cdk-lib/aws-opensearchservice";
import { Construct } from "constructs";
import type { EnvironmentSettings } from "../config";
import type { IsolatedNetwork } from "./isolated-network";

export interface SearchDomainProps {
  /** Explicit so the access policy can name the domain ARN without referring to the domain itself. */
  readonly domainName: string;
  readonly network: IsolatedNetwork;
  readonly capacity: EnvironmentSettings["search"];
  /** The records data-class key: encrypts the index at rest (the index holds chart records). */
  readonly recordsKey: kms.IKey;
  /** The logs data-class key: encrypts the audit, application and slow-log groups. */
  readonly logsKey: kms.IKey;
  readonly logRetention: logs.RetentionDays;
  readonly removalPolicy: RemovalPolicy;
}

const READ_ACTIONS = ["es:ESHttpGet", "es:ESHttpHead", "es:ESHttpPost"];
const WRITE_ACTIONS = [...READ_ACTIONS, "es:ESHttpPut", "es:ESHttpDelete", "es:ESHttpPatch"];

/**
 * The OpenSearch Service domain that indexes chart records: inside the isolated VPC, encrypted at rest
 * with the records key, node-to-node encryption, HTTPS only with TLS 1.2+ and forward-secret ciphers;
 * audit, application (error) and slow search/index logs to log groups encrypted with the logs key.
 *
 * Access is by IAM, in two layers:
 * - the domain's resource policy names exactly the principals granted through `grantRead` /
 *   `grantReadWrite` (which also give them IAM permission) plus the admin role; port 443 is open only to
 *   what `connections` allows;
 * - fine-grained access control (the OpenSearch security plugin) decides what each role may do inside the
 *   domain. Its master user is `adminRole` (an IAM role, no internal user database, no password); the
 *   function roles are mapped to OpenSearch roles by the admin after deployment (infra/README.md, "Search
 *   domain role mapping"): CloudFormation has no resource for the security plugin's role mappings.
 */
export class SearchDomain extends Construct implements ec2.IConnectable {
  readonly domain: opensearch.Domain;
  /** The domain's security group: `connections.allowDefaultPortFrom(fn)` opens HTTPS to it. */
  readonly connections: ec2.Connections;
  readonly securityGroup: ec2.SecurityGroup;
  /**
   * The fine-grained access control master user (all_access + security_manager): assumable by IAM
   * principals of this account that are allowed sts:AssumeRole on it; used to map the function roles.
   */
  readonly adminRole: iam.Role;
  /**
   * For an administrator's shell inside the VPC (e.g. a CloudShell VPC environment in the isolated
   * subnets): may reach the domain and the interface endpoints (STS) on 443.
   */
  readonly adminClientSecurityGroup: ec2.SecurityGroup;
  /** Principals granted access, by the OpenSearch role they must be mapped to (see infra/README.md). */
  readonly grantedPrincipals: {
    readonly principal: iam.IPrincipal;
    readonly access: "read" | "readWrite";
  }[] = [];
  /** `https://<vpc endpoint>` */
  readonly endpointUrl: string;
  /** The cdk-nag finding id for grants on the domain's paths (`arn:…:domain/<name>/*`). */
  readonly indexPathFinding: string;
  private readonly accessStatements: iam.PolicyStatement[] = [];
  private readonly indexArn: string;

  constructor(scope: Construct, id: string, props: SearchDomainProps) {
    super(scope, id);
    const { capacity, network } = props;
    // Zone awareness needs one subnet per AZ and a data-node count that is a multiple of the AZ count.
    const azCount = Math.min(network.vpc.isolatedSubnets.length, capacity.dataNodes);
    const zoneAware = azCount >= 2;

    this.securityGroup = new ec2.SecurityGroup(this, "SecurityGroup", {
      vpc: network.vpc,
      description: "chartbridge search domain: HTTPS from granted Lambda functions only",
      allowAllOutbound: false,
    });

    this.adminRole = new iam.Role(this, "AdminRole", {
      description: `chartbridge ${props.domainName}: OpenSearch fine-grained access control master user`,
      assumedBy: new iam.AccountRootPrincipal(),
    });
    this.adminClientSecurityGroup = new ec2.SecurityGroup(this, "AdminClientSecurityGroup", {
      vpc: network.vpc,
      description: "chartbridge search administration shell: HTTPS to the search domain and VPC endpoints",
      allowAllOutbound: false,
    });
    this.adminClientSecurityGroup.connections.allowTo(this.securityGroup, ec2.Port.tcp(443), "search domain");
    // Egress to the endpoints (STS, to assume adminRole); the endpoint group gets the matching ingress.
    this.adminClientSecurityGroup.connections.allowTo(
      network.endpointSecurityGroup,
      ec2.Port.tcp(443),
      "HTTPS from the search admin shell to the interface endpoints",
    );

    const logGroup = (name: string): logs.LogGroup =>
      new logs.LogGroup(this, name, {
        retention: props.logRetention,
        encryptionKey: props.logsKey,
        removalPolicy: props.removalPolicy,
      });
    const auditLogs = logGroup("AuditLogs");
    const appLogs = logGroup("ApplicationLogs");
    const slowSearchLogs = logGroup("SlowSearchLogs");
    const slowIndexLogs = logGroup("SlowIndexLogs");

    // Our own CloudWatch Logs resource policy instead of the L2's AwsCustomResource (an extra Lambda).
    const logsPolicy = new logs.ResourcePolicy(this, "LogsResourcePolicy", {
      policyStatements: [
        new iam.PolicyStatement({
          principals: [new iam.ServicePrincipal("es.amazonaws.com")],
          actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
          resources: [auditLogs, appLogs, slowSearchLogs, slowIndexLogs].map((g) => g.logGroupArn),
          conditions: { StringEquals: { "aws:SourceAccount": Stack.of(this).account } },
        }),
      ],
    });

    const domainArn = Stack.of(this).formatArn({
      service: "es",
      resource: "domain",
      resourceName: props.domainName,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
    this.indexArn = `${domainArn}/*`;
    this.indexPathFinding = `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:es:<AWS::Region>:<AWS::AccountId>:domain/${props.domainName}/*]`;

    this.domain = new opensearch.Domain(this, "Domain", {
      domainName: props.domainName,
      version: opensearch.EngineVersion.OPENSEARCH_2_19,
      vpc: network.vpc,
      vpcSubnets: [{ subnets: network.vpc.isolatedSubnets.slice(0, zoneAware ? azCount : 1) }],
      securityGroups: [this.securityGroup],
      capacity: {
        dataNodes: capacity.dataNodes,
        dataNodeInstanceType: capacity.dataNodeInstanceType,
        masterNodes: capacity.dedicatedMasters,
        masterNodeInstanceType: capacity.dedicatedMasterInstanceType,
        multiAzWithStandbyEnabled: false,
      },
      zoneAwareness: zoneAware ? { enabled: true, availabilityZoneCount: azCount } : { enabled: false },
      ebs: { volumeSize: capacity.volumeGb, volumeType: ec2.EbsDeviceVolumeType.GP3 },
      encryptionAtRest: { enabled: true, kmsKey: props.recordsKey },
      nodeToNodeEncryption: true,
      enforceHttps: true,
      tlsSecurityPolicy: opensearch.TLSSecurityPolicy.TLS_1_2_PFS,
      fineGrainedAccessControl: { masterUserArn: this.adminRole.roleArn },
      logging: {
        auditLogEnabled: true,
        auditLogGroup: auditLogs,
        appLogEnabled: true,
        appLogGroup: appLogs,
        slowSearchLogEnabled: true,
        slowSearchLogGroup: slowSearchLogs,
        slowIndexLogEnabled: true,
        slowIndexLogGroup: slowIndexLogs,
      },
      suppressLogsResourcePolicy: true,
      removalPolicy: props.removalPolicy,
    });
    this.domain.node.addDependency(logsPolicy);

    // The resource policy, rendered at synthesis from the principals granted below. Set on the L1 because
    // the L2 `accessPolicies` prop applies it through an AwsCustomResource Lambda.
    const cfnDomain = this.domain.node.defaultChild as opensearch.CfnDomain;
    cfnDomain.accessPolicies = Lazy.any({
      produce: () =>
        this.accessStatements.length === 0
          ? undefined
          : new iam.PolicyDocument({ statements: this.accessStatements }).toJSON(),
    });

    this.connections = this.domain.connections;
    this.endpointUrl = `https://${this.domain.domainEndpoint}`;

    // The master role reaches the domain through the resource policy alone (it needs no IAM policy of
    // its own in this account), so it can sign the security-plugin requests that map the function roles.
    this.accessStatements.push(
      new iam.PolicyStatement({
        principals: [this.adminRole],
        actions: ["es:ESHttp*"],
        resources: [this.indexArn],
      }),
    );

    Validations.of(this.domain).acknowledge({
      id: "AwsSolutions-OS3",
      reason:
        "The domain is VPC-only; OpenSearch does not apply IP-based policies to VPC domains. Access is limited by the security group (443 from granted functions) and the resource policy naming their roles.",
    });
    if (capacity.dedicatedMasters === undefined) {
      Validations.of(this.domain).acknowledge({
        id: "AwsSolutions-OS4",
        reason: `Environment sizing (${capacity.dataNodes} × ${capacity.dataNodeInstanceType}) is a non-production single-node domain; dedicated masters are configured for production.`,
      });
    }
    if (!zoneAware) {
      Validations.of(this.domain).acknowledge({
        id: "AwsSolutions-OS7",
        reason:
          "Single-AZ, single-node non-production domain; production runs zone-aware across the VPC's AZs.",
      });
    }
  }

  /**
   * Let `grantee` search the domain: IAM permission and an entry in the domain's resource policy. It also
   * needs network access (`connections.allowDefaultPortFrom`) and an OpenSearch role mapping.
   */
  grantRead(grantee: iam.IGrantable): iam.Grant {
    return this.grant(grantee, "read", READ_ACTIONS);
  }

  /** Let `grantee` search, index and delete documents (see grantRead). */
  grantReadWrite(grantee: iam.IGrantable): iam.Grant {
    return this.grant(grantee, "readWrite", WRITE_ACTIONS);
  }

  private grant(grantee: iam.IGrantable, access: "read" | "readWrite", actions: string[]): iam.Grant {
    const principal = grantee.grantPrincipal;
    // The resource policy must name the principal (an imported function without its role has none).
    if (principal instanceof iam.UnknownPrincipal) {
      throw new Error(`${grantee.grantPrincipal} has no principal to grant search access to`);
    }
    this.grantedPrincipals.push({ principal, access });
    this.accessStatements.push(
      new iam.PolicyStatement({ principals: [principal], actions, resources: [this.indexArn] }),
    );
    return iam.Grant.addToPrincipal({ grantee, actions, resourceArns: [this.indexArn] });
  }
}
