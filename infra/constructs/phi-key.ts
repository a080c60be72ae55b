import { ArnFormat, Duration, RemovalPolicy, Stack } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import * as kms from "aws-cdk-lib/aws-kms";
import { Construct } from "constructs";

export interface PhiKeyProps {
  /** Alias without the `alias/` prefix. */
  readonly aliasName: string;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * The customer-managed KMS key that encrypts PHI at rest: scans, OCR results, the records table, queues,
 * the Textract topic, the search domain and log groups. Rotation is on. The key policy lets CloudWatch Logs
 * in this account and region use it for log groups; everything else is granted through `grant…` calls.
 */
export class PhiKey extends Construct {
  readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: PhiKeyProps) {
    super(scope, id);
    const stack = Stack.of(this);

    this.key = new kms.Key(this, "Key", {
      description: "chartbridge: encrypts PHI at rest (scans, OCR results, records, queues, logs)",
      enableKeyRotation: true,
      alias: props.aliasName,
      removalPolicy: props.removalPolicy,
      pendingWindow: Duration.days(30),
    });

    // CloudWatch Logs encrypts log groups with this key (Lambda, API Gateway, VPC flow and OpenSearch logs).
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: "AllowCloudWatchLogsInThisAccountAndRegion",
        principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
        actions: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
        resources: ["*"],
        conditions: {
          ArnLike: {
            "kms:EncryptionContext:aws:logs:arn": stack.formatArn({
              service: "logs",
              resource: "log-group",
              resourceName: "*",
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
        },
      }),
    );
  }
}
