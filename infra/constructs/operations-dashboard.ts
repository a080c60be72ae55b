import { Duration, Stack } from "aws-cdk-lib";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import { Construct } from "constructs";
import {
  textractMetric,
  type MonitoredFunction,
  type MonitoredPipeline,
  type PipelineAlarms,
} from "./pipeline-alarms";

export interface OperationsDashboardProps {
  readonly pipeline: MonitoredPipeline;
  /** Their states, metrics and thresholds are shown beside the pipeline's graphs. */
  readonly alarms: PipelineAlarms;
  /** @default `<stack name>-operations` */
  readonly dashboardName?: string;
  /** @default Duration.hours(6) */
  readonly defaultInterval?: Duration;
}

/**
 * The CloudWatch dashboard of the pipeline: alarm states; work and dead-letter queues; per-function
 * invocations, errors (including logged ones), throttles, p95 duration and concurrency; the OCR failure rate;
 * Textract requests and throttles; API requests, 5xx rate and latency.
 */
export class OperationsDashboard extends Construct {
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: OperationsDashboardProps) {
    super(scope, id);
    const { pipeline, alarms } = props;
    const { settings } = alarms;
    const period = Duration.minutes(5);
    const workQueues = [pipeline.ingestQueue, ...(pipeline.workQueues ?? [])];
    const fnMetric = (
      label: string,
      get: (f: MonitoredFunction) => cloudwatch.IMetric,
    ): cloudwatch.GraphWidget =>
      new cloudwatch.GraphWidget({ title: label, width: 8, left: pipeline.functions.map(get) });
    /** `series`: label → API Gateway metric name, all with one statistic. */
    const apiGraph = (title: string, statistic: string, series: Record<string, string>) =>
      new cloudwatch.GraphWidget({
        title,
        width: 8,
        left: Object.entries(series).map(([label, metricName]) =>
          pipeline.apiStage.metric(metricName, { statistic, period, label }),
        ),
      });

    this.dashboard = new cloudwatch.Dashboard(this, "Dashboard", {
      dashboardName: props.dashboardName ?? `${Stack.of(this).stackName}-operations`,
      defaultInterval: props.defaultInterval ?? Duration.hours(6),
    });
    this.dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({ title: "Alarms", alarms: alarms.alarms, width: 24, height: 4 }),
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
        leftAnnotations: [{ value: settings.ingestQueueAgeSeconds.threshold, label: "ingest alarm" }],
      }),
      new cloudwatch.GraphWidget({
        title: "Dead-letter queues: messages visible",
        width: 8,
        left: pipeline.deadLetterQueues.map(({ name, queue }) =>
          queue.metricApproximateNumberOfMessagesVisible({ statistic: "Maximum", period, label: name }),
        ),
      }),
    );
    this.dashboard.addWidgets(
      fnMetric("Invocations", (f) =>
        f.function.metricInvocations({ statistic: "Sum", period, label: f.name }),
      ),
      fnMetric("Errors (incl. logged)", (f) => alarms.functionErrorMetrics[f.name]!),
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
        left: [alarms.ocrFailureRate],
        leftAnnotations: [{ value: settings.ocrFailureRatePercent.threshold, label: "alarm" }],
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: "Textract requests",
        width: 12,
        left: pipeline.textractOperations.flatMap((op) => [
          textractMetric("SuccessfulRequestCount", op, period),
          textractMetric("UserErrorCount", op, period),
          textractMetric("ServerErrorCount", op, period),
        ]),
      }),
      new cloudwatch.GraphWidget({
        title: "Textract throttled requests",
        width: 12,
        left: pipeline.textractOperations.map((op) => textractMetric("ThrottledCount", op, period)),
      }),
    );
    this.dashboard.addWidgets(
      apiGraph("API requests and errors", "Sum", { requests: "Count", "4xx": "4XXError", "5xx": "5XXError" }),
      new cloudwatch.GraphWidget({
        title: "API 5xx rate (%)",
        width: 8,
        left: [alarms.apiServerErrorRate],
        leftAnnotations: [{ value: settings.apiServerErrorRatePercent.threshold, label: "alarm" }],
      }),
      apiGraph("API latency (ms)", "p95", {
        "latency p95": "Latency",
        "integration p95": "IntegrationLatency",
      }),
    );
  }
}
