import { Duration } from "aws-cdk-lib";
import type * as apigw from "aws-cdk-lib/aws-apigateway";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import type * as lambda from "aws-cdk-lib/aws-lambda";
import * as logs from "aws-cdk-lib/aws-logs";
import type * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { OCR_JOB_FAILED_MESSAGE } from "../../shared/observability/log-messages";
import type { AlarmTopic } from "./alarm-topic";

/** A Lambda function to watch. */
export interface MonitoredFunction {
  /** Short name used in alarm names, metric names and dashboard labels, e.g. `ingest`. */
  readonly name: string;
  readonly function: lambda.IFunction;
  /**
   * The function's log group. With it, ERROR lines the handler logs itself (a Powertools logger line, i.e.
   * one with a `service` field) count as errors too: handlers that report partial batch failures never fail
   * the invocation, so the Lambda `Errors` metric only sees crashes, timeouts and init failures.
   * @default only the Lambda `Errors` metric counts
   */
  readonly logGroup?: logs.ILogGroup;
}

/** An SQS queue to watch. */
export interface MonitoredQueue {
  /** Short name used in alarm names and dashboard labels, e.g. `ingest`. */
  readonly name: string;
  readonly queue: sqs.IQueue;
}

/** What operations monitoring watches: the pipeline's functions, queues, API stage and Textract calls. */
export interface MonitoredPipeline {
  /** Functions that get an error alarm and dashboard graphs (each name once). */
  readonly functions: readonly MonitoredFunction[];
  /** Dead-letter and failure-destination queues: any visible message alarms. */
  readonly deadLetterQueues: readonly MonitoredQueue[];
  /** The queue new scans wait in: the age of its oldest message alarms. */
  readonly ingestQueue: MonitoredQueue;
  /**
   * Other work queues, graphed on the dashboard only.
   * @default none
   */
  readonly workQueues?: readonly MonitoredQueue[];
  /** The function handling Textract completions (one of `functions`): its failure rate is the OCR failure rate. */
  readonly ocrCompletionFunction: lambda.IFunction;
  /** The records API stage: 5xx rate alarm and dashboard graphs. */
  readonly apiStage: apigw.Stage;
  /** Textract operations the pipeline calls (`Operation` dimension of AWS/Textract metrics). */
  readonly textractOperations: readonly string[];
}

/** One alarm's evaluation: `threshold` compared over `evaluationPeriods` periods of `period`. */
export interface AlarmSettings {
  readonly threshold: number;
  readonly period: Duration;
  readonly evaluationPeriods: number;
  /**
   * Breaching datapoints (of `evaluationPeriods`) that trigger the alarm.
   * @default evaluationPeriods
   */
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
  /**
   * Age of the oldest ingest-queue message, in seconds (Maximum), that counts as stalled when no message is
   * deleted in the same period; the alarm fires after `evaluationPeriods` stalled periods.
   */
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
  // Oldest scan older than 30 minutes while none got through for 15 (a burst waiting its turn keeps going).
  ingestQueueAgeSeconds: {
    threshold: Duration.minutes(30).toSeconds(),
    period: Duration.minutes(5),
    evaluationPeriods: 3,
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

export interface PipelineAlarmsProps {
  readonly pipeline: MonitoredPipeline;
  /** Every alarm notifies this topic on ALARM and OK, and is named with its prefix. */
  readonly topic: AlarmTopic;
  /**
   * Namespace of the metrics derived from function logs.
   * @default `<topic.alarmNamePrefix>/Handlers`
   */
  readonly metricNamespace?: string;
  /**
   * Per-alarm overrides of DEFAULT_ALARM_SETTINGS.
   * @default DEFAULT_ALARM_SETTINGS
   */
  readonly alarms?: OperationsAlarmOverrides;
}

/**
 * The pipeline's alarms, each notifying the alarm topic on ALARM and OK:
 *
 *   - any message visible in a dead-letter / failure queue;
 *   - errors per function: Lambda `Errors` plus ERROR lines the handler logs (partial batch failures);
 *   - Textract `ThrottledCount` per operation used;
 *   - the age of the oldest ingest-queue message;
 *   - the OCR failure rate: ocr-complete errors (as above) plus Textract jobs that ended FAILED (the WARN line
 *     ocr-complete logs for each, OCR_JOB_FAILED_MESSAGE) over invocations;
 *   - the API 5xx rate on the stage.
 */
export class PipelineAlarms extends Construct {
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
  /** The metric of `ocrFailureRateAlarm` (percent). */
  readonly ocrFailureRate: cloudwatch.IMetric;
  /** The metric of `apiServerErrorRateAlarm` (percent). */
  readonly apiServerErrorRate: cloudwatch.IMetric;
  /** DEFAULT_ALARM_SETTINGS with the overrides applied. */
  readonly settings: OperationsAlarmSettings;

  private readonly topic: AlarmTopic;

  constructor(scope: Construct, id: string, props: PipelineAlarmsProps) {
    super(scope, id);
    const { pipeline } = props;
    this.topic = props.topic;
    this.settings = mergeSettings(props.alarms);
    const namespace = props.metricNamespace ?? `${props.topic.alarmNamePrefix}/Handlers`;

    const names = pipeline.functions.map((f) => f.name);
    if (new Set(names).size !== names.length) throw new Error(`Duplicate monitored function names: ${names}`);
    const ocrEntry = pipeline.functions.find((f) => f.function === pipeline.ocrCompletionFunction);
    if (!ocrEntry) throw new Error("ocrCompletionFunction must be one of the monitored functions");

    // ── Dead-letter queues ─────────────────────────────────────────────────────────────────────────
    const dlq = this.settings.deadLetterMessages;
    for (const { name, queue } of pipeline.deadLetterQueues) {
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
    for (const { name, function: fn, logGroup } of pipeline.functions) {
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
    for (const operation of pipeline.textractOperations) {
      this.textractThrottleAlarms[operation] = this.alarm(`TextractThrottled-${operation}`, {
        alarmName: `textract-throttled-${operation}`,
        description: `Textract keeps throttling ${operation} (account-wide TPS quota; other stacks in the account count too). Lower textract.tpsBudget or request a quota increase.`,
        metric: textractMetric("ThrottledCount", operation, throttleSettings.period),
        settings: throttleSettings,
      });
    }

    // ── Ingest stalled ─────────────────────────────────────────────────────────────────────────────
    // With the throughput governor a burst waits in the ingest queue for Textract capacity, legitimately:
    // 10,000 uploads take about 40 minutes at us-east-1's quotas, tens of thousands hours. Old messages alone
    // are no alarm; old messages while none is deleted (no upload gets through ingest) are: ingest is
    // failing, or Textract capacity never frees up.
    const ageSettings = this.settings.ingestQueueAgeSeconds;
    const queue = pipeline.ingestQueue.queue;
    const stalled = new cloudwatch.MathExpression({
      expression: `IF(age >= ${ageSettings.threshold} AND FILL(deleted, 0) == 0, 1, 0)`,
      usingMetrics: {
        age: queue.metricApproximateAgeOfOldestMessage({ statistic: "Maximum", period: ageSettings.period }),
        deleted: queue.metricNumberOfMessagesDeleted({ statistic: "Sum", period: ageSettings.period }),
      },
      period: ageSettings.period,
      label: "stalled (old scans, none through)",
    });
    this.ingestQueueAgeAlarm = this.alarm("IngestQueueAge", {
      alarmName: `queue-age-${pipeline.ingestQueue.name}`,
      description: `Scans have waited more than ${ageSettings.threshold} s in the ${pipeline.ingestQueue.name} queue and none has got through ingest for ${ageSettings.evaluationPeriods * ageSettings.period.toMinutes()} minutes: ingest is failing, or every Textract job slot stays held (jobs whose completion never arrives). A burst waiting its turn does not raise this.`,
      metric: stalled,
      settings: { ...ageSettings, threshold: 1 },
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
    this.ocrFailureRate = new cloudwatch.MathExpression({
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
      metric: this.ocrFailureRate,
      settings: ocr,
    });

    // ── API 5xx ────────────────────────────────────────────────────────────────────────────────────
    const api = this.settings.apiServerErrorRatePercent;
    this.apiServerErrorRate = new cloudwatch.MathExpression({
      expression: `IF(requests >= ${api.minimumSamples}, 100 * FILL(serverErrors, 0) / requests, 0)`,
      usingMetrics: {
        requests: pipeline.apiStage.metricCount({ statistic: "Sum", period: api.period }),
        serverErrors: pipeline.apiStage.metricServerError({ statistic: "Sum", period: api.period }),
      },
      period: api.period,
      label: "API 5xx rate (%)",
    });
    this.apiServerErrorRateAlarm = this.alarm("ApiServerErrorRate", {
      alarmName: "api-5xx-rate",
      description: `At least ${api.threshold}% of API requests returned 5xx (periods with at least ${api.minimumSamples} requests). Check the api function's errors and the stage's execution logs.`,
      metric: this.apiServerErrorRate,
      settings: api,
    });
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
      alarmName: this.topic.alarmName(spec.alarmName),
      alarmDescription: spec.description,
      metric: spec.metric,
      threshold: settings.threshold,
      evaluationPeriods: settings.evaluationPeriods,
      datapointsToAlarm: settings.datapointsToAlarm ?? settings.evaluationPeriods,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: spec.treatMissingData ?? cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.topic.notifyOn(alarm);
    this.alarms.push(alarm);
    return alarm;
  }
}

/** A Textract metric (Sum) of one operation. */
export function textractMetric(metricName: string, operation: string, period: Duration): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: "AWS/Textract",
    metricName,
    dimensionsMap: { Operation: operation },
    statistic: "Sum",
    period,
    label: `${operation} ${metricName}`,
  });
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
