import { AssetStaging, Duration, RemovalPolicy, Validations } from "aws-cdk-lib";
import * as ec2 from "aws-cdk-lib/aws-ec2";
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
   */
  readonly runtimeFiles?: string[];
  /**
   * How the function is invoked, for the HIPAA LambdaDLQ acknowledgment: every chartbridge function is invoked
   * synchronously (event source mapping or API Gateway), where an async DLQ never receives anything.
   */
  readonly invokedBy: string;
}

/**
 * How every chartbridge function is bundled: esbuild, locally, into one minified ESM file with a mappings-only
 * source map. bench/bundles/lambda-bundle.ts holds the same options as esbuild sees them (kept in step by
 * test/unit/bench/lambda-bundle-sync.test.ts).
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
    // The SDK's default credential chain (SSO, INI, process, web identity, IMDS… ~110–140 kB per bundle) →
    // the environment credentials Lambda provides: see functions/lambda-credential-provider.ts. esbuild
    // resolves an alias target from its working directory: the project root when bundling locally…
    "--alias:@aws-sdk/credential-provider-node": "./functions/lambda-credential-provider.ts",
  },
  // …and the mounted project when it falls back to Docker.
  workingDirectory: AssetStaging.BUNDLING_INPUT_DIR,
};

/**
 * A chartbridge Lambda function: Node.js 22 on arm64, ESM bundle built locally by esbuild (minified, with
 * source maps, AWS SDK bundled so the deployed version is the locked one), X-Ray tracing, its own
 * KMS-encrypted log group with retention, and a place in the VPC's isolated subnets with its own security
 * group (HTTPS to the interface endpoints; other resources open their ports to it with `connections`).
 */
export class ChartbridgeFunction extends Construct {
  readonly function: NodejsFunction;
  readonly logGroup: logs.LogGroup;
  readonly securityGroup: ec2.SecurityGroup;

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

    this.function = new NodejsFunction(this, "Function", {
      entry: props.entry,
      handler: "handler",
      description: props.description,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      timeout: props.timeout,
      memorySize: props.memorySize,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      tracing: lambda.Tracing.ACTIVE,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      environmentEncryption: props.logsKey,
      environment: {
        ...props.environment,
        POWERTOOLS_SERVICE_NAME: `chartbridge-${props.serviceName}`,
        LOG_LEVEL: props.logLevel,
        // No --enable-source-maps: with it Node scans the whole bundle at import (~35–45 ms of every cold
        // start, bench:bundles --source-maps). The .map files ship beside each bundle to decode a stack offline.
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
      "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]",
      "AWS-managed basic execution policy: logs:CreateLogGroup/CreateLogStream/PutLogEvents only. Replacing it with a policy scoped to this function's log group is in the production-hardening issue.",
    );
    ack(
      "AwsSolutions-IAM5[Resource::*]",
      "X-Ray tracing: xray:PutTraceSegments and xray:PutTelemetryRecords do not support resource-level permissions (CDK adds them for Tracing.ACTIVE). Textract job actions, where granted, likewise only accept Resource '*'.",
    );
    ack(
      "AwsSolutions-L1",
      "nodejs22.x is pinned deliberately: it is the runtime the handlers and their locked dependencies are built and tested for (esbuild target node22). Moving to nodejs24.x is a reviewed change, tracked in the production-hardening issue.",
    );
    ack(
      "HIPAA.Security-IAMNoInlinePolicy",
      "Permissions come from CDK grant methods, scoped to this stack's resource ARNs, as the function role's own policy; a role-owned policy cannot be attached to another principal, which is the reuse risk the rule targets.",
    );
    ack(
      "HIPAA.Security-LambdaDLQ",
      `Invoked synchronously by ${props.invokedBy}; an asynchronous-invocation DLQ would never receive an event. Failed events go to the event source's own DLQ / on-failure destination.`,
    );
    ack(
      "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]",
      "AWS-managed policy with the ec2 network-interface actions Lambda needs to attach to the VPC; those actions do not support resource-level restriction.",
    );
  }
}
