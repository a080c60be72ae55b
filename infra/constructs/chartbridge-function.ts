import { AssetStaging, Duration, RemovalPolicy, type Size, Validations } from "aws-cdk-lib";
import * as ec2 from "aws-cdk-lib/aws-ec2";
import * as iam from "aws-cdk-lib/aws-iam";
import * as kms from "aws-cdk-lib/aws-kms";
import * as lambda from "aws-cdk-lib/aws-lambda";
import { NodejsFunction, OutputFormat, type BundlingOptions } from "aws-cdk-lib/aws-lambda-nodejs";
import * as logs from "aws-cdk-lib/aws-logs";
import { Construct } from "constructs";
import type { IsolatedNetwork } from "./isolated-network";

export interface ChartbridgeFunctionProps {
  /** Absolute path of the handler module (exports `handler`). */
  readonly entry: string;
  readonly description: string;
  /** Short name: used for POWERTOOLS_SERVICE_NAME. */
  readonly serviceName: string;
  readonly timeout: Duration;
  readonly memorySize: number;
  /**
   * Size of the function's /tmp.
   * @default 512 MiB (Lambda's default)
   */
  readonly ephemeralStorageSize?: Size;
  readonly reservedConcurrentExecutions: number;
  readonly environment: Record<string, string>;
  readonly logLevel: string;
  readonly logRetention: logs.RetentionDays;
  /** The logs data-class key: encrypts the function's log group and its environment variables. */
  readonly logsKey: kms.IKey;
  readonly removalPolicy: RemovalPolicy;
  /**
   * Every function runs in the VPC's isolated subnets with its own security group, which may call the
   * VPC's interface endpoints; AWS APIs are reached only through the VPC endpoints.
   */
  readonly network: IsolatedNetwork;
  /**
   * Files from node_modules the bundle loads at run time, copied beside it (e.g. a WebAssembly binary a
   * dependency fetches with `new URL(file, import.meta.url)`).
   * @default none
   */
  readonly runtimeFiles?: readonly string[];
  /**
   * How the function is invoked, for the HIPAA LambdaDLQ acknowledgment: every chartbridge function is invoked
   * synchronously (event source mapping or API Gateway), where an async DLQ never receives anything.
   */
  readonly invokedBy: string;
}

/**
 * How every chartbridge function is bundled: esbuild, locally, into one minified ESM file with a mappings-only
 * source map. The bundle benchmark (bench/bundles.ts) derives its esbuild options from these.
 */
export const LAMBDA_BUNDLING: BundlingOptions = {
  forceDockerBundling: false,
  minify: true,
  sourceMap: true,
  // Mappings only (for decoding stack traces offline); embedded sources would triple the file.
  sourcesContent: false,
  format: OutputFormat.ESM,
  mainFields: ["module", "main"],
  target: "node22",
  // CommonJS dependencies bundled into an ESM file still call require() for Node built-ins.
  banner:
    "import { createRequire as __cbCreateRequire } from 'node:module'; const require = __cbCreateRequire(import.meta.url);",
  externalModules: [],
  esbuildArgs: {
    // The SDK's default credential chain (SSO, INI, process, web identity, IMDS…) → the environment
    // credentials Lambda provides: see functions/lambda-credential-provider.ts. esbuild resolves an alias
    // target from its working directory: the project root when bundling locally…
    "--alias:@aws-sdk/credential-provider-node": "./functions/lambda-credential-provider.ts",
  },
  // …and the mounted project when it falls back to Docker.
  workingDirectory: AssetStaging.BUNDLING_INPUT_DIR,
};

/**
 * The ec2 network-interface actions Lambda needs to attach a function to a VPC: the ec2 part of the
 * AWS-managed AWSLambdaVPCAccessExecutionRole (policy v3), without its logs:* on `*`.
 */
export const LAMBDA_VPC_ENI_ACTIONS: readonly string[] = [
  "ec2:CreateNetworkInterface",
  "ec2:DescribeNetworkInterfaces",
  "ec2:DescribeSubnets",
  "ec2:DeleteNetworkInterface",
  "ec2:AssignPrivateIpAddresses",
  "ec2:UnassignPrivateIpAddresses",
];

/**
 * A chartbridge Lambda function: Node.js 22 on arm64, ESM bundle built locally by esbuild (minified, with
 * source maps, AWS SDK bundled so the deployed version is the locked one), X-Ray tracing, its own
 * KMS-encrypted log group with retention, and a place in the VPC's isolated subnets with its own security
 * group (HTTPS to the interface endpoints; other resources open their ports to it with `connections`).
 * Its execution role has no managed policies: log writes to its own log group only, the VPC
 * network-interface actions, and (added by CDK for Tracing.ACTIVE) the X-Ray write actions.
 */
export class ChartbridgeFunction extends Construct {
  readonly function: NodejsFunction;
  readonly logGroup: logs.LogGroup;
  readonly securityGroup: ec2.SecurityGroup;
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: ChartbridgeFunctionProps) {
    super(scope, id);

    this.logGroup = new logs.LogGroup(this, "Logs", {
      retention: props.logRetention,
      encryptionKey: props.logsKey,
      removalPolicy: props.removalPolicy,
    });

    this.securityGroup = new ec2.SecurityGroup(this, "SecurityGroup", {
      vpc: props.network.vpc,
      description: `chartbridge ${props.serviceName} function`,
      // Egress stays open: the S3 and DynamoDB gateway endpoints are reached through AWS-managed prefix
      // lists whose ids need an account lookup, and the isolated subnets have no route anywhere else.
      // Ingress: none (nothing connects to a function).
      allowAllOutbound: true,
    });

    // The function's own execution role instead of CDK's default one (which attaches the AWS-managed
    // AWSLambdaBasicExecutionRole / AWSLambdaVPCAccessExecutionRole, logs:* on every log group).
    this.role = new iam.Role(this, "Role", {
      assumedBy: new iam.ServicePrincipal("lambda.amazonaws.com"),
      description: `chartbridge ${props.serviceName} function execution role`,
    });
    // CreateLogStream + PutLogEvents on this function's log group only (it exists: no CreateLogGroup).
    this.logGroup.grantWrite(this.role);
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: "LambdaVpcNetworkInterfaces",
        actions: [...LAMBDA_VPC_ENI_ACTIONS],
        // ec2:Describe* only work on "*", and Lambda creates/deletes the ENIs itself, by ids unknown here.
        resources: ["*"],
      }),
    );

    this.function = new NodejsFunction(this, "Function", {
      entry: props.entry,
      handler: "handler",
      description: props.description,
      role: this.role,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      timeout: props.timeout,
      memorySize: props.memorySize,
      ephemeralStorageSize: props.ephemeralStorageSize,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      tracing: lambda.Tracing.ACTIVE,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      environmentEncryption: props.logsKey,
      environment: {
        ...props.environment,
        POWERTOOLS_SERVICE_NAME: `chartbridge-${props.serviceName}`,
        LOG_LEVEL: props.logLevel,
        // No --enable-source-maps: with it Node scans the whole bundle at import, on every cold start
        // (infra/README.md, "Lambda bundles"). The .map files ship beside each bundle to decode a stack offline.
      },
      bundling: {
        ...LAMBDA_BUNDLING,
        ...(props.runtimeFiles?.length
          ? {
              commandHooks: {
                beforeBundling: () => [],
                beforeInstall: () => [],
                afterBundling: (inputDir: string, outputDir: string) =>
                  (props.runtimeFiles ?? []).map((file) => `cp "${inputDir}/${file}" "${outputDir}/"`),
              },
            }
          : {}),
      },
      vpc: props.network.vpc,
      vpcSubnets: props.network.subnets,
      securityGroups: [this.securityGroup],
    });
    props.network.allowEndpointAccessFrom(this.securityGroup, `HTTPS from the ${props.serviceName} function`);

    // cdk-nag findings every chartbridge function has, acknowledged here once for all of them.
    const ack = (id: string, reason: string): void => Validations.of(this).acknowledge({ id, reason });
    ack(
      "AwsSolutions-IAM5[Resource::*]",
      "Actions without resource-level permissions: the VPC network-interface actions Lambda uses to attach the function to its subnets (ec2:DescribeNetworkInterfaces/DescribeSubnets only work on '*'; Lambda creates and deletes the ENIs itself, by ids unknown at synthesis), the X-Ray write actions xray:PutTraceSegments/PutTelemetryRecords (CDK adds them for Tracing.ACTIVE) and, where granted, the Textract job actions.",
    );
    ack(
      "AwsSolutions-L1",
      "nodejs22.x is pinned deliberately: it is the runtime the handlers and their locked dependencies are built and tested for (esbuild target node22). Moving to nodejs24.x is a reviewed change.",
    );
    ack(
      "HIPAA.Security-IAMNoInlinePolicy",
      "Permissions come from CDK grant methods, scoped to this stack's resource ARNs, as the function role's own policy; a role-owned policy cannot be attached to another principal, which is the reuse risk the rule targets.",
    );
    ack(
      "HIPAA.Security-LambdaDLQ",
      `Invoked synchronously by ${props.invokedBy}; an asynchronous-invocation DLQ would never receive an event. Failed events go to the event source's own DLQ / on-failure destination.`,
    );
  }
}
