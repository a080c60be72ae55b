import { ArnFormat, Duration, RemovalPolicy, Stack } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import * as kms from "aws-cdk-lib/aws-kms";
import { Construct } from "constructs";

/**
 * The classes of data chartbridge keeps at rest, each under its own customer-managed key so access to one
 * class (and its key policy, grants and CloudTrail decrypt events) is separate from the others.
 */
export const DATA_CLASSES = {
  scans: "original scanned charts: the uploads bucket and the queues carrying upload events",
  "ocr-output":
    "OCR output: the results bucket, the Textract completion topic and the queues carrying OCR notifications",
  records: "chart records: the records table (and its stream), the search index and the stream failure queue",
  logs: "operational data: CloudWatch log groups (Lambda, API Gateway, WAF, VPC flow, OpenSearch) and function configuration",
  audit:
    "the audit trail: the audit table of PHI access and the CloudTrail data-event logs of the PHI buckets",
} as const;
export type DataClass = keyof typeof DATA_CLASSES;

export interface DataClassKeyProps {
  readonly dataClass: DataClass;
  /** Environment name, for the alias `chartbridge/<env>/<class>`. */
  readonly envName: string;
  readonly removalPolicy: RemovalPolicy;
  /**
   * What the key encrypts, for its description.
   * @default DATA_CLASSES[dataClass]
   */
  readonly purpose?: string;
  /**
   * Names a second key of the class in a region that already has one (the edge stack's logs key in
   * us-east-1): `alias/chartbridge/<env>/<class>-<aliasSuffix>`.
   * @default - no suffix
   */
  readonly aliasSuffix?: string;
}

/**
 * A customer-managed KMS key for one data class: annual rotation, a 30-day deletion window, the alias
 * `alias/chartbridge/<env>/<class>`. Everything that uses the key is given access with `grant…` calls (CDK
 * adds them when a resource is encrypted with the key and granted to a principal); the `logs` key also lets
 * CloudWatch Logs in this account and region encrypt log groups with it.
 */
export class DataClassKey extends Construct {
  readonly key: kms.Key;
  readonly dataClass: DataClass;
  /** `alias/chartbridge/<env>/<class>`: the same in every region, so other stacks can name the key by it. */
  readonly aliasName: string;

  constructor(scope: Construct, id: string, props: DataClassKeyProps) {
    super(scope, id);
    this.dataClass = props.dataClass;
    this.aliasName = `alias/chartbridge/${props.envName}/${props.dataClass}${props.aliasSuffix ? `-${props.aliasSuffix}` : ""}`;

    this.key = new kms.Key(this, "Key", {
      description: `chartbridge ${props.envName}: ${props.purpose ?? DATA_CLASSES[props.dataClass]}`,
      enableKeyRotation: true,
      alias: this.aliasName,
      removalPolicy: props.removalPolicy,
      pendingWindow: Duration.days(30),
    });

    if (props.dataClass === "logs") this.grantCloudWatchLogs();
    if (props.dataClass === "audit") this.grantCloudTrail();
  }

  /** CloudTrail encrypts this account's trails' log files with the key (and nothing else). */
  private grantCloudTrail(): iam.Grant {
    const stack = Stack.of(this);
    const cloudTrail = new iam.ServicePrincipal("cloudtrail.amazonaws.com", {
      conditions: {
        StringLike: {
          "kms:EncryptionContext:aws:cloudtrail:arn": stack.formatArn({
            service: "cloudtrail",
            region: "*",
            resource: "trail",
            resourceName: "*",
          }),
        },
      },
    });
    this.key.grant(new iam.ServicePrincipal("cloudtrail.amazonaws.com"), "kms:DescribeKey");
    return this.key.grant(cloudTrail, "kms:GenerateDataKey*");
  }

  /** CloudWatch Logs encrypts this account's and region's log groups with the key (and nothing else). */
  private grantCloudWatchLogs(): iam.Grant {
    const stack = Stack.of(this);
    const logsService = new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`, {
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
    });
    return this.key.grant(
      logsService,
      "kms:Encrypt*",
      "kms:Decrypt*",
      "kms:ReEncrypt*",
      "kms:GenerateDataKey*",
      "kms:Describe*",
    );
  }
}

export interface DataKeysProps {
  readonly envName: string;
  readonly removalPolicy: RemovalPolicy;
}

/** One DataClassKey per data class. */
export class DataKeys extends Construct {
  readonly scans: kms.Key;
  readonly ocrOutput: kms.Key;
  readonly records: kms.Key;
  readonly logs: kms.Key;
  readonly audit: kms.Key;

  constructor(scope: Construct, id: string, props: DataKeysProps) {
    super(scope, id);
    const key = (dataClass: DataClass, constructId: string): kms.Key =>
      new DataClassKey(this, constructId, { ...props, dataClass }).key;
    this.scans = key("scans", "Scans");
    this.ocrOutput = key("ocr-output", "OcrOutput");
    this.records = key("records", "Records");
    this.logs = key("logs", "Logs");
    this.audit = key("audit", "Audit");
  }
}
