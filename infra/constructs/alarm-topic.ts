import { ArnFormat, RemovalPolicy, Stack } from "aws-cdk-lib";
import type * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import { SnsAction } from "aws-cdk-lib/aws-cloudwatch-actions";
import * as iam from "aws-cdk-lib/aws-iam";
import * as kms from "aws-cdk-lib/aws-kms";
import * as sns from "aws-cdk-lib/aws-sns";
import * as subscriptions from "aws-cdk-lib/aws-sns-subscriptions";
import { Construct } from "constructs";

export interface AlarmTopicProps {
  /**
   * Prefix of the names of the alarms that may publish to the topic (`<prefix>-*`).
   * @default the stack name
   */
  readonly alarmNamePrefix?: string;
  /**
   * Key encrypting the topic. Must be a key whose policy this stack manages (CloudWatch is granted its use).
   * @default a dedicated key with rotation, so the PHI keys' policies never name CloudWatch
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * Removal policy of the key created when `encryptionKey` is not given.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Email addresses subscribed to the topic (each must confirm the subscription).
   * @default no subscriptions
   */
  readonly notificationEmails?: readonly string[];
}

/**
 * The SNS topic operations alarms notify: KMS-encrypted, TLS-only, and publishable only by CloudWatch alarms
 * of this account whose names start with `<alarmNamePrefix>-`. Notifications carry alarm names, metric names
 * and values only: no PHI.
 */
export class AlarmTopic extends Construct {
  readonly topic: sns.Topic;
  readonly key: kms.IKey;
  readonly alarmNamePrefix: string;
  private readonly action: SnsAction;

  constructor(scope: Construct, id: string, props: AlarmTopicProps = {}) {
    super(scope, id);
    const stack = Stack.of(this);
    this.alarmNamePrefix = props.alarmNamePrefix ?? stack.stackName;

    this.key =
      props.encryptionKey ??
      new kms.Key(this, "TopicKey", {
        description: "chartbridge: encrypts operations alarm notifications (no PHI)",
        enableKeyRotation: true,
        removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      });
    // CloudWatch publishes alarm notifications to an encrypted topic only if it may use the topic's key
    // (SNS "compatibility with AWS services"). The topic policy below limits which alarms may publish.
    const keyGrant = this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: "AllowCloudWatchAlarmsToPublishToTheEncryptedTopic",
        principals: [new iam.ServicePrincipal("cloudwatch.amazonaws.com")],
        actions: ["kms:Decrypt", "kms:GenerateDataKey*"],
        resources: ["*"],
      }),
    );
    if (!keyGrant.statementAdded) {
      throw new Error("AlarmTopic needs a key whose policy this stack manages (CloudWatch must use it)");
    }

    this.topic = new sns.Topic(this, "Topic", {
      displayName: `chartbridge operations alarms (${this.alarmNamePrefix})`,
      masterKey: this.key,
      enforceSSL: true,
    });
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: "AllowThisStacksAlarmsToPublish",
        principals: [new iam.ServicePrincipal("cloudwatch.amazonaws.com")],
        actions: ["sns:Publish"],
        resources: [this.topic.topicArn],
        conditions: {
          StringEquals: { "aws:SourceAccount": stack.account },
          ArnLike: {
            "aws:SourceArn": stack.formatArn({
              service: "cloudwatch",
              resource: "alarm",
              resourceName: `${this.alarmNamePrefix}-*`,
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
        },
      }),
    );
    for (const email of props.notificationEmails ?? []) {
      this.topic.addSubscription(new subscriptions.EmailSubscription(email));
    }
    this.action = new SnsAction(this.topic);
  }

  /** The full name of an alarm this topic accepts: `<alarmNamePrefix>-<name>`. */
  alarmName(name: string): string {
    return `${this.alarmNamePrefix}-${name}`;
  }

  /** Notify the topic when `alarm` goes to ALARM and when it returns to OK. */
  notifyOn(alarm: cloudwatch.AlarmBase): void {
    alarm.addAlarmAction(this.action);
    alarm.addOkAction(this.action);
  }
}
