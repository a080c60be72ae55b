import { ArnFormat, Duration, RemovalPolicy, Stack } from "aws-cdk-lib";
import type * as apigw from "aws-cdk-lib/aws-apigateway";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import { SnsAction } from "aws-cdk-lib/aws-cloudwatch-actions";
import * as iam from "aws-cdk-lib/aws-iam";
import * as kms from "aws-cdk-lib/aws-kms";
import type * as lambda from "aws-cdk-lib/aws-lambda";
import * as logs from "aws-cdk-lib/aws-logs";
import * as sns from "aws-cdk-lib/aws-sns";
import * as subscriptions from "aws-cdk-lib/aws-sns-subscriptions";
import type * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { OCR_JOB_FAILED_MESSAGE } from "../../shared/observability/log-messages";
import type { OcrFeatureSet } from "../../shared/ocr/ocr-engine";

/** A Lambda function to watch. */
export interface MonitoredFunction {
  /** Short name used in alarm names, metric names and dashboard labels, e.g. `ingest`. */
  readonly name: string;
  readonly function: lambda.IFunction;
  /**
   * The function's log group. With it, ERROR lines the handler logs itself (a Powertools logger line, i.e.
   * one with a `service` field) count as errors too: handlers that report partial batch failures never fail
   * the invocation, so the Lambda `Errors` metric only sees crashes, timeouts and init failures.
   */
  readonly logGroup?: logs.ILogGroup;
}

/** An SQS queue to watch. */
export interface MonitoredQueue {
  /** Short name used in alarm names and dashboard labels, e.g. `ingest`. */
  readonly name: string;
  readonly queue: sqs.IQueue;
}

/** One alarm's evaluation: `threshold` compared over `evaluationPeriods` periods of `period`. */
export interface AlarmSettings {
  readonly threshold: number;
  readonly period: Duration;
  readonly evaluationPeriods: number;
  /** Breaching datapoints (of `evaluationPeriods`) that trigger the alarm; default all of them. */
  readonly datapointsToAlarm?: number;
}

/** A percentage alarm that only evaluates periods with at least `minimumSamples` requests/invocations. */
export interface RateAlarmSettings extends AlarmSettings {
  readonly minimumSamples: number;
}

export interface OperationsAlarmSettings {
  /** Messages visible in a dead-letter / failure queue (Maximum). */
  readonly deadLetterMessages: AlarmSettings;
  /** Function errors (Lambda `Errors` + handler-logged ERROR lines), Sum per period. */
  readonly functionErrors: AlarmSettings;
  /** Textract `ThrottledCount` per operation, Sum per period (the SDK's adaptive retries absorb bursts). */
  readonly textractThrottles: AlarmSettings;
  /** Age of the oldest ingest-queue message, in seconds (Maximum). */
  readonly ingestQueueAgeSeconds: AlarmSettings;
  /** Failed OCR completions as a percentage of ocr-complete invocations. */
  readonly ocrFailureRatePercent: RateAlarmSettings;
  /** API Gateway 5xx responses as a percentage of requests on the stage. */
  readonly apiServerErrorRatePercent: RateAlarmSettings;
}

export const DEFAULT_ALARM_SETTINGS: OperationsAlarmSettings = {
  deadLetterMessages: { threshold: 1, period: Duration.minutes(5), evaluationPeriods: 1 },
  functionErrors: { threshold: 1, period: Duration.minutes(5), evaluationPeriods: 1 },
  // Sustained throttling (15 minutes), not a burst the retries absorb.
  textractThrottles: { threshold: 5, period: Duration.minutes(5), evaluationPeriods: 3 },
  ingestQueueAgeSeconds: {
    threshold: Duration.minutes(30).toSeconds(),
    period: Duration.minutes(5),
    evaluationPeriods: 1,
  },
  ocrFailureRatePercent: {
    threshold: 10,
    period: Duration.minutes(15),
    evaluationPeriods: 1,
    minimumSamples: 5,
  },
  apiServerErrorRatePercent: {
    threshold: 5,
    period: Duration.minutes(5),
    evaluationPeriods: 2,
    minimumSamples: 20,
  },
};

export type OperationsAlarmOverrides = {
  readonly [K in keyof OperationsAlarmSettings]?: Partial<OperationsAlarmSettings[K]>;
};

export interface OperationsMonitoringProps {
  /** Functions that get an error alarm and dashboard graphs (each name once). */
  readonly functions: readonly MonitoredFunction[];
  /** Dead-letter and failure-destination queues: any visible message alarms. */
  readonly deadLetterQueues: readonly MonitoredQueue[];
  /** The queue new scans wait in: the age of its oldest message alarms. */
  readonly ingestQueue: MonitoredQueue;
  /** Other work queues, graphed on the dashboard only. */
  readonly workQueues?: readonly MonitoredQueue[];
  /** The function handling Textract completions (one of `functions`): its failure rate is the OCR failure rate. */
  readonly ocrCompletionFunction: lambda.IFunction;
  /** The records API stage: 5xx rate alarm and dashboard graphs. */
  readonly apiStage: apigw.Stage;
  /** Textract operations the pipeline calls (`Operation` dimension of AWS/Textract metrics). */
  readonly textractOperations: readonly string[];
  /**
   * Key encrypting the alarm topic. Must be a key whose policy this stack manages (CloudWatch is granted its
   * use). Default: a dedicated key with rotation, so the PHI key's policy never names CloudWatch.
   */
  readonly encryptionKey?: kms.IKey;
  /** Removal policy of the key created when `encryptionKey` is not given. @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
  /** Email addresses subscribed to the alarm topic (each must confirm the subscription). */
  readonly notificationEmails?: readonly string[];
  /** Prefix of every alarm name (the topic only accepts alarms with this prefix). @default the stack name */
  readonly alarmNamePrefix?: string;
  /** @default `<alarmNamePrefix>-operations` */
  readonly dashboardName?: string;
  /** Namespace of the metrics derived from function logs. @default `<alarmNamePrefix>/Handlers` */
  readonly metricNamespace?: string;
  /** Per-alarm overrides of DEFAULT_ALARM_SETTINGS. */
  readonly alarms?: OperationsAlarmOverrides;
}

/** Textract operations the pipeline calls for a feature set: ingest starts jobs, ocr-complete reads them. */
export function textractOperationsFor(features: OcrFeatureSet): string[] {
  return features === "text"
    ? ["StartDocumentTextDetection", "GetDocumentTextDetection"]
    : ["StartDocumentAnalysis", "GetDocumentAnalysis"];
}

/**
 * Operations monitoring for the pipeline: a KMS-encrypted, TLS-only SNS alarm topic, a CloudWatch dashboard,
 * and alarms (notifying the topic on ALARM and OK) for
 *
 *   - any message visible in a dead-letter / failure queue;
 *   - errors per function: Lambda `Errors` plus ERROR lines the handler logs (partial batch failures);
 *   - Textract `ThrottledCount` per operation used;
 *   - the age of the oldest ingest-queue message;
 *   - the OCR failure rate: ocr-complete errors (as above) plus Textract jobs that ended FAILED (the WARN line
 *     ocr-complete logs for each, OCR_JOB_FAILED_MESSAGE) over invocations;
 *   - the API 5xx rate on the stage.
 *
 * Alarm notifications carry alarm names, metric names and values only: no PHI.
 */
export class OperationsMonitoring extends Construct {
  readonly topic: sns.Topic;
  readonly topicKey: kms.IKey;
  readonly dashboard: cloudwatch.Dashboard;
  /** Every alarm this construct created. */
  readonly alarms: cloudwatch.Alarm[] = [];
  /** By queue name. */
  readonly deadLetterAlarms: Record<string, cloudwatch.Alarm> = {};
  /** By function name. */
  readonly functionErrorAlarms: Record<string, cloudwatch.Alarm> = {};
  /** By Textract operation. */
  readonly textractThrottleAlarms: Record<string, cloudwatch.Alarm> = {};
  readonly ingestQueueAgeAlarm: cloudwatch.Alarm;
  readonly ocrFailureRateAlarm: cloudwatch.Alarm;
  readonly apiServerErrorRateAlarm: cloudwatch.Alarm;
  /** Per function name: Lambda errors plus handler-logged errors. */
  readonly functionErrorMetrics: Record<string, cloudwatch.IMetric> = {};

  private readonly settings: OperationsAlarmSettings;
  private readonly alarmNamePrefix: string;
  private readonly alarmAction: SnsAction;

  constructor(scope: Construct, id: string, props: OperationsMonitoringProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.alarmNamePrefix = props.alarmNamePrefix ?? stack.stackName;
    this.settings = mergeSettings(props.alarms);
    const namespace = props.metricNamespace ?? `${this.alarmNamePrefix}/Handlers`;

    const names = props.functions.map((f) => f.name);
    if (new Set(names).size !== names.length) throw new Error(`Duplicate monitored function names: ${names}`);
    const ocrEntry = props.functions.find((f) => f.function === props.ocrCompletionFunction);
    if (!ocrEntry) throw new Error("ocrCompletionFunction must be one of the monitored functions");

    // ── Alarm topic ────────────────────────────────────────────────────────────────────────────────
    this.topicKey =
      props.encryptionKey ??
      new kms.Key(this, "TopicKey", {
        description: "chartbridge: encrypts operations alarm notifications (no PHI)",
        enableKeyRotation: true,
        removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      });
    // CloudWatch publishes alarm notifications to an encrypted topic only if it may use the topic's key
    // (SNS "compatibility with AWS services"). The topic policy below limits which alarms may publish.
    const keyGrant = this.topicKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: "AllowCloudWatchAlarmsToPublishToTheEncryptedTopic",
        principals: [new iam.ServicePrincipal("cloudwatch.amazonaws.com")],
        actions: ["kms:Decrypt", "kms:GenerateDataKey*"],
        resources: ["*"],
      }),
    );
    if (!keyGrant.statementAdded) {
      throw new Error(
        "OperationsMonitoring needs a key whose policy this stack manages (CloudWatch must use it)",
      );
    }
    this.topic = new sns.Topic(this, "AlarmTopic", {
      displayName: `chartbridge operations alarms (${this.alarmNamePrefix})`,
      masterKey: this.topicKey,
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
    this.alarmAction = new SnsAction(this.topic);

    // ── Dead-letter queues ─────────────────────────────────────────────────────────────────────────
    const dlq = this.settings.deadLetterMessages;
    for (const { name, queue } of props.deadLetterQueues) {
      this.deadLetterAlarms[name] = this.alarm(`DeadLetter-${name}`, {
        alarmName: `dlq-${name}`,
        description: `Messages in the ${name} dead-letter queue: work that failed every retry. Inspect, fix the cause, then redrive.`,
        metric: queue.metricApproximateNumberOfMessagesVisible({ statistic: "Maximum", period: dlq.period }),
        settings: dlq,
        // SQS stops publishing metrics for a queue with no API activity for 6 hours even while it holds
        // messages; keep the alarm in ALARM until a datapoint says the queue is empty again.
        treatMissingData: cloudwatch.TreatMissingData.IGNORE,
      });
    }

    // ── Function errors ────────────────────────────────────────────────────────────────────────────
    const errorSettings = this.settings.functionErrors;
    const loggedErrors: Record<string, cloudwatch.Metric> = {};
    for (const { name, function: fn, logGroup } of props.functions) {
      const lambdaErrors = fn.metricErrors({ statistic: "Sum", period: errorSettings.period });
      let errors: cloudwatch.IMetric = lambdaErrors;
      if (logGroup) {
        const filter = new logs.MetricFilter(this, `LoggedErrors-${name}`, {
          logGroup,
          filterPattern: logs.FilterPattern.all(
            logs.FilterPattern.stringValue("$.level", "=", "ERROR"),
            logs.FilterPattern.exists("$.service"),
          ),
          metricNamespace: namespace,
          metricName: `LoggedErrors-${name}`,
          metricValue: "1",
          unit: cloudwatch.Unit.COUNT,
        });
        loggedErrors[name] = filter.metric({ statistic: "Sum", period: errorSettings.period });
        // Metric ids must be unique per graph, and the dashboard graphs every function's expression together.
        const id = metricId(name);
        errors = new cloudwatch.MathExpression({
          expression: `FILL(${id}Lambda, 0) + FILL(${id}Logged, 0)`,
          usingMetrics: { [`${id}Lambda`]: lambdaErrors, [`${id}Logged`]: loggedErrors[name] },
          period: errorSettings.period,
          label: `${name} errors`,
        });
      }
      this.functionErrorMetrics[name] = errors;
      this.functionErrorAlarms[name] = this.alarm(`Errors-${name}`, {
        alarmName: `errors-${name}`,
        description: `The ${name} function failed (crash, timeout or a record/request it logged as failed). See its log group for errorName.`,
        metric: errors,
        settings: errorSettings,
      });
    }

    // ── Textract throttling ────────────────────────────────────────────────────────────────────────
    const throttleSettings = this.settings.textractThrottles;
    const textractMetric = (metricName: string, operation: string, period: Duration): cloudwatch.Metric =>
      new cloudwatch.Metric({
        namespace: "AWS/Textract",
        metricName,
        dimensionsMap: { Operation: operation },
        statistic: "Sum",
        period,
        label: `${operation} ${metricName}`,
      });
    for (const operation of props.textractOperations) {
      this.textractThrottleAlarms[operation] = this.alarm(`TextractThrottled-${operation}`, {
        alarmName: `textract-throttled-${operation}`,
        description: `Textract keeps throttling ${operation} (account-wide TPS quota; other stacks in the account count too). Lower textract.tpsBudget or request a quota increase.`,
        metric: textractMetric("ThrottledCount", operation, throttleSettings.period),
        settings: throttleSettings,
      });
    }

    // ── Ingest backlog ─────────────────────────────────────────────────────────────────────────────
    const ageSettings = this.settings.ingestQueueAgeSeconds;
    this.ingestQueueAgeAlarm = this.alarm("IngestQueueAge", {
      alarmName: `queue-age-${props.ingestQueue.name}`,
      description: `Scans have waited more than ${ageSettings.threshold} s in the ${props.ingestQueue.name} queue: ingest is failing, throttled or under-provisioned.`,
      metric: props.ingestQueue.queue.metricApproximateAgeOfOldestMessage({
        statistic: "Maximum",
        period: ageSettings.period,
      }),
      settings: ageSettings,
    });

    // ── OCR failure rate ───────────────────────────────────────────────────────────────────────────
    const ocr = this.settings.ocrFailureRatePercent;
    const ocrName = ocrEntry.name;
    const ocrLogged = loggedErrors[ocrName];
    // Textract jobs that end FAILED are not handler errors: ocr-complete logs one fixed WARN line for each.
    const ocrLogGroup = ocrEntry.logGroup;
    const jobsFailed = ocrLogGroup
      ? new logs.MetricFilter(this, "TextractJobsFailed", {
          logGroup: ocrLogGroup,
          filterPattern: logs.FilterPattern.all(
            logs.FilterPattern.stringValue("$.level", "=", "WARN"),
            logs.FilterPattern.stringValue("$.message", "=", OCR_JOB_FAILED_MESSAGE),
            logs.FilterPattern.exists("$.service"),
          ),
          metricNamespace: namespace,
          metricName: "TextractJobsFailed",
          metricValue: "1",
          unit: cloudwatch.Unit.COUNT,
        }).metric({ statistic: "Sum", period: ocr.period })
      : undefined;
    const failures = [
      "FILL(lambdaErrors, 0)",
      ...(ocrLogged ? ["FILL(loggedErrors, 0)"] : []),
      ...(jobsFailed ? ["FILL(jobsFailed, 0)"] : []),
    ].join(" + ");
    const ocrFailureRate = new cloudwatch.MathExpression({
      expression: `IF(invocations >= ${ocr.minimumSamples}, 100 * (${failures}) / invocations, 0)`,
      usingMetrics: {
        invocations: ocrEntry.function.metricInvocations({ statistic: "Sum", period: ocr.period }),
        lambdaErrors: ocrEntry.function.metricErrors({ statistic: "Sum", period: ocr.period }),
        ...(ocrLogged ? { loggedErrors: ocrLogged.with({ period: ocr.period }) } : {}),
        ...(jobsFailed ? { jobsFailed } : {}),
      },
      period: ocr.period,
      label: "OCR completion failure rate (%)",
    });
    this.ocrFailureRateAlarm = this.alarm("OcrFailureRate", {
      alarmName: "ocr-failure-rate",
      description: `At least ${ocr.threshold}% of OCR completions failed (${ocrName} errors / invocations, periods with at least ${ocr.minimumSamples} invocations), counting Textract jobs that ended FAILED.`,
      metric: ocrFailureRate,
      settings: ocr,
    });

    // ── API 5xx ────────────────────────────────────────────────────────────────────────────────────
    const api = this.settings.apiServerErrorRatePercent;
    const apiErrorRate = new cloudwatch.MathExpression({
      expression: `IF(requests >= ${api.minimumSamples}, 100 * FILL(serverErrors, 0) / requests, 0)`,
      usingMetrics: {
        requests: props.apiStage.metricCount({ statistic: "Sum", period: api.period }),
        serverErrors: props.apiStage.metricServerError({ statistic: "Sum", period: api.period }),
      },
      period: api.period,
      label: "API 5xx rate (%)",
    });
    this.apiServerErrorRateAlarm = this.alarm("ApiServerErrorRate", {
      alarmName: "api-5xx-rate",
      description: `At least ${api.threshold}% of API requests returned 5xx (periods with at least ${api.minimumSamples} requests). Check the api function's errors and the stage's execution logs.`,
      metric: apiErrorRate,
      settings: api,
    });

    // ── Dashboard ──────────────────────────────────────────────────────────────────────────────────
    const period = Duration.minutes(5);
    const workQueues = [props.ingestQueue, ...(props.workQueues ?? [])];
    const fnMetric = (
      label: string,
      get: (f: MonitoredFunction) => cloudwatch.IMetric,
    ): cloudwatch.GraphWidget =>
      new cloudwatch.GraphWidget({ title: label, width: 8, left: props.functions.map(get) });
    this.dashboard = new cloudwatch.Dashboard(this, "Dashboard", {
      dashboardName: props.dashboardName ?? `${this.alarmNamePrefix}-operations`,
      defaultInterval: Duration.hours(6),
    });
    this.dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({ title: "Alarms", alarms: this.alarms, width: 24, height: 4 }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: "Work queues: messages visible",
        width: 8,
        left: workQueues.map(({ name, queue }) =>
          queue.metricApproximateNumberOfMessagesVisible({ statistic: "Maximum", period, label: name }),
        ),
      }),
      new cloudwatch.GraphWidget({
        title: "Work queues: age of oldest message (s)",
        width: 8,
        left: workQueues.map(({ name, queue }) =>
          queue.metricApproximateAgeOfOldestMessage({ statistic: "Maximum", period, label: name }),
        ),
        leftAnnotations: [{ value: ageSettings.threshold, label: "ingest alarm" }],
      }),
      new cloudwatch.GraphWidget({
        title: "Dead-letter queues: messages visible",
        width: 8,
        left: props.deadLetterQueues.map(({ name, queue }) =>
          queue.metricApproximateNumberOfMessagesVisible({ statistic: "Maximum", period, label: name }),
        ),
      }),
    );
    this.dashboard.addWidgets(
      fnMetric("Invocations", (f) =>
        f.function.metricInvocations({ statistic: "Sum", period, label: f.name }),
      ),
      fnMetric("Errors (incl. logged)", (f) => this.functionErrorMetrics[f.name]!),
      fnMetric("Throttles", (f) => f.function.metricThrottles({ statistic: "Sum", period, label: f.name })),
    );
    this.dashboard.addWidgets(
      fnMetric("Duration p95 (ms)", (f) =>
        f.function.metricDuration({ statistic: "p95", period, label: f.name }),
      ),
      fnMetric("Concurrent executions", (f) =>
        f.function.metric("ConcurrentExecutions", { statistic: "Maximum", period, label: f.name }),
      ),
      new cloudwatch.GraphWidget({
        title: "OCR completion failure rate (%)",
        width: 8,
        left: [ocrFailureRate],
        leftAnnotations: [{ value: ocr.threshold, label: "alarm" }],
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: "Textract requests",
        width: 12,
        left: props.textractOperations.flatMap((op) => [
          textractMetric("SuccessfulRequestCount", op, period),
          textractMetric("UserErrorCount", op, period),
          textractMetric("ServerErrorCount", op, period),
        ]),
      }),
      new cloudwatch.GraphWidget({
        title: "Textract throttled requests",
        width: 12,
        left: props.textractOperations.map((op) => textractMetric("ThrottledCount", op, period)),
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: "API requests and errors",
        width: 8,
        left: [
          props.apiStage.metricCount({ statistic: "Sum", period, label: "requests" }),
          props.apiStage.metricClientError({ statistic: "Sum", period, label: "4xx" }),
          props.apiStage.metricServerError({ statistic: "Sum", period, label: "5xx" }),
        ],
      }),
      new cloudwatch.GraphWidget({
        title: "API 5xx rate (%)",
        width: 8,
        left: [apiErrorRate],
        leftAnnotations: [{ value: api.threshold, label: "alarm" }],
      }),
      new cloudwatch.GraphWidget({
        title: "API latency (ms)",
        width: 8,
        left: [
          props.apiStage.metricLatency({ statistic: "p95", period, label: "latency p95" }),
          props.apiStage.metricIntegrationLatency({ statistic: "p95", period, label: "integration p95" }),
        ],
      }),
    );
  }

  private alarm(
    id: string,
    spec: {
      alarmName: string;
      description: string;
      metric: cloudwatch.IMetric;
      settings: AlarmSettings;
      treatMissingData?: cloudwatch.TreatMissingData;
    },
  ): cloudwatch.Alarm {
    const { settings } = spec;
    const alarm = new cloudwatch.Alarm(this, id, {
      alarmName: `${this.alarmNamePrefix}-${spec.alarmName}`,
      alarmDescription: spec.description,
      metric: spec.metric,
      threshold: settings.threshold,
      evaluationPeriods: settings.evaluationPeriods,
      datapointsToAlarm: settings.datapointsToAlarm ?? settings.evaluationPeriods,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: spec.treatMissingData ?? cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(this.alarmAction);
    alarm.addOkAction(this.alarmAction);
    this.alarms.push(alarm);
    return alarm;
  }
}

function mergeSettings(overrides: OperationsAlarmOverrides = {}): OperationsAlarmSettings {
  const merged = { ...DEFAULT_ALARM_SETTINGS } as Record<string, unknown>;
  for (const [key, value] of Object.entries(overrides)) {
    merged[key] = { ...DEFAULT_ALARM_SETTINGS[key as keyof OperationsAlarmSettings], ...value };
  }
  return merged as unknown as OperationsAlarmSettings;
}

/** A CloudWatch metric-math id (`^[a-z][a-zA-Z0-9_]*$`) from a short name such as `ocr-complete`. */
function metricId(name: string): string {
  const camel = name.replace(/[^a-zA-Z0-9]+(.)?/g, (_, c: string | undefined) => (c ?? "").toUpperCase());
  return /^[a-z]/.test(camel) ? camel : `m${camel}`;
}
