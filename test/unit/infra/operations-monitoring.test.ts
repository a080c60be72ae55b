import { App, Duration, Stack } from "aws-cdk-lib";
import * as apigw from "aws-cdk-lib/aws-apigateway";
import { Match, Template } from "aws-cdk-lib/assertions";
import * as kms from "aws-cdk-lib/aws-kms";
import * as lambda from "aws-cdk-lib/aws-lambda";
import * as logs from "aws-cdk-lib/aws-logs";
import * as sqs from "aws-cdk-lib/aws-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  OperationsMonitoring,
  type OperationsMonitoringProps,
} from "../../../infra/constructs/operations-monitoring";
import { AlarmTopic } from "../../../infra/constructs/alarm-topic";
import { OperationsDashboard } from "../../../infra/constructs/operations-dashboard";
import { DEFAULT_ALARM_SETTINGS, PipelineAlarms } from "../../../infra/constructs/pipeline-alarms";
import { textractOperationsFor } from "../../../infra/constructs/textract-operations";
import { OCR_JOB_FAILED_MESSAGE } from "../../../shared/observability/log-messages";
import { synthChartbridge, type SynthesizedChartbridge } from "./synth-chartbridge";
import { appFunctions, logicalId, ofType, type Resource } from "./template";

type MetricDataQuery = {
  Id: string;
  Expression?: string;
  MetricStat?: { Metric: { Namespace: string; MetricName: string; Dimensions?: unknown[] } };
};

/** The metrics an alarm reads: its single metric, or every MetricStat of its metric-math query. */
function alarmMetrics(alarm: Record<string, unknown>): { namespace: string; name: string; dims: string }[] {
  if (alarm.MetricName) {
    return [
      {
        namespace: alarm.Namespace as string,
        name: alarm.MetricName as string,
        dims: JSON.stringify(alarm.Dimensions ?? []),
      },
    ];
  }
  return ((alarm.Metrics ?? []) as MetricDataQuery[])
    .filter((q) => q.MetricStat)
    .map(({ MetricStat }) => ({
      namespace: MetricStat!.Metric.Namespace,
      name: MetricStat!.Metric.MetricName,
      dims: JSON.stringify(MetricStat!.Metric.Dimensions ?? []),
    }));
}

/** One synthesis of the real dev stack (no Lambda bundling), shared by the tests below. */
describe("OperationsMonitoring in the chartbridge stack (dev)", () => {
  let synth: SynthesizedChartbridge;
  let template: Template;
  let resources: Record<string, Resource>;
  let alarms: [string, Record<string, unknown>][];

  beforeAll(() => {
    synth = synthChartbridge("dev");
    if (synth.synthError) throw synth.synthError;
    template = Template.fromStack(synth.stack);
    resources = template.toJSON().Resources as Record<string, Resource>;
    alarms = ofType(resources, "AWS::CloudWatch::Alarm");
  }, 60_000);
  afterAll(() => synth?.cleanup());

  const alarmsReading = (namespace: string, name: string, dimension: unknown) =>
    alarms.filter(([, a]) =>
      alarmMetrics(a).some(
        (m) => m.namespace === namespace && m.name === name && m.dims.includes(JSON.stringify(dimension)),
      ),
    );

  it("alarms on any visible message in every dead-letter queue and failure destination", () => {
    // Every queue the template uses as a redrive target or an event-source on-failure destination.
    const deadLetterQueues = new Set<string>();
    for (const [, queue] of ofType(resources, "AWS::SQS::Queue")) {
      const target = (queue.RedrivePolicy as { deadLetterTargetArn?: { "Fn::GetAtt": string[] } } | undefined)
        ?.deadLetterTargetArn?.["Fn::GetAtt"]?.[0];
      if (target) deadLetterQueues.add(target);
    }
    for (const [, mapping] of ofType(resources, "AWS::Lambda::EventSourceMapping")) {
      const destination = (
        mapping.DestinationConfig as { OnFailure?: { Destination?: { "Fn::GetAtt": string[] } } } | undefined
      )?.OnFailure?.Destination?.["Fn::GetAtt"]?.[0];
      if (destination) deadLetterQueues.add(destination);
    }
    expect(deadLetterQueues.size).toBe(5);
    for (const queue of deadLetterQueues) {
      const matching = alarmsReading("AWS/SQS", "ApproximateNumberOfMessagesVisible", {
        Name: "QueueName",
        Value: { "Fn::GetAtt": [queue, "QueueName"] },
      });
      expect(matching, queue).toHaveLength(1);
      const [, alarm] = matching[0]!;
      expect(alarm).toMatchObject({
        Threshold: 1,
        ComparisonOperator: "GreaterThanOrEqualToThreshold",
        Statistic: "Maximum",
        TreatMissingData: "ignore",
      });
    }
  });

  it("alarms on the errors of every function, including the failures its handler logs", () => {
    const functions = appFunctions(resources);
    expect(functions).toHaveLength(7);
    const filters = ofType(resources, "AWS::Logs::MetricFilter");
    for (const [fnId, fn] of functions) {
      const logGroup = (fn.LoggingConfig as { LogGroup: unknown }).LogGroup;
      const filter = filters.find(
        ([, f]) =>
          JSON.stringify(f.LogGroupName) === JSON.stringify(logGroup) &&
          String(f.FilterPattern).includes('"ERROR"'),
      );
      expect(filter, `${fnId} has a logged-errors metric filter`).toBeDefined();
      const [, filterProps] = filter!;
      expect(filterProps.FilterPattern).toBe('{ ($.level = "ERROR") && ($.service = "*") }');
      const [transform] = filterProps.MetricTransformations as {
        MetricName: string;
        MetricNamespace: string;
      }[];

      const matching = alarmsReading("AWS/Lambda", "Errors", {
        Name: "FunctionName",
        Value: { Ref: fnId },
      }).filter(
        ([, a]) =>
          !(a.Metrics as MetricDataQuery[]).some((q) => q.MetricStat?.Metric.MetricName === "Invocations"),
      );
      expect(matching, fnId).toHaveLength(1);
      const [, alarm] = matching[0]!;
      expect(alarmMetrics(alarm)).toContainEqual({
        namespace: transform!.MetricNamespace,
        name: transform!.MetricName,
        dims: "[]",
      });
      expect(alarm.Threshold).toBe(DEFAULT_ALARM_SETTINGS.functionErrors.threshold);
    }
  });

  it("sends every alarm to the alarm topic, on ALARM and on OK", () => {
    const topic = { Ref: logicalId(synth.stack.monitoring.alarmTopic.topic) };
    expect(alarms).toHaveLength(synth.stack.monitoring.pipelineAlarms.alarms.length);
    for (const [id, alarm] of alarms) {
      expect(alarm.AlarmActions, id).toEqual([topic]);
      expect(alarm.OKActions, id).toEqual([topic]);
      expect(alarm.ActionsEnabled ?? true, id).toBe(true);
      expect(alarm.AlarmName, id).toMatch(/^Chartbridge-dev-/);
    }
  });

  it("encrypts the alarm topic with a rotating key CloudWatch may use, and accepts only TLS and this stack's alarms", () => {
    const topicId = logicalId(synth.stack.monitoring.alarmTopic.topic);
    const keyId = logicalId(synth.stack.monitoring.alarmTopic.key);
    expect(resources[topicId]?.Properties?.KmsMasterKeyId).toEqual({ "Fn::GetAtt": [keyId, "Arn"] });
    const key = resources[keyId]?.Properties ?? {};
    expect(key.EnableKeyRotation).toBe(true);
    expect((key.KeyPolicy as { Statement: unknown[] }).Statement).toContainEqual(
      expect.objectContaining({
        Effect: "Allow",
        Principal: { Service: "cloudwatch.amazonaws.com" },
        Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
      }),
    );
    const [[, policy]] = ofType(resources, "AWS::SNS::TopicPolicy").filter(([, p]) =>
      JSON.stringify(p.Topics).includes(topicId),
    ) as [[string, { PolicyDocument: { Statement: Record<string, unknown>[] } }]];
    expect(policy.PolicyDocument.Statement).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } }),
        expect.objectContaining({
          Effect: "Allow",
          Principal: { Service: "cloudwatch.amazonaws.com" },
          Action: "sns:Publish",
          Condition: expect.objectContaining({
            ArnLike: {
              "aws:SourceArn": { "Fn::Join": ["", expect.arrayContaining([":alarm:Chartbridge-dev-*"])] },
            },
          }),
        }),
      ]),
    );
  });

  it("alarms on Textract throttling for each operation the configured feature set calls", () => {
    const operations = textractOperationsFor(synth.config.ocrFeatures);
    expect(operations).toHaveLength(2);
    for (const operation of operations) {
      const matching = alarmsReading("AWS/Textract", "ThrottledCount", {
        Name: "Operation",
        Value: operation,
      });
      expect(matching, operation).toHaveLength(1);
      expect(matching[0]![1].EvaluationPeriods).toBe(
        DEFAULT_ALARM_SETTINGS.textractThrottles.evaluationPeriods,
      );
    }
  });

  it("alarms on a stalled ingest queue: old scans while none gets through, not a burst waiting its turn", () => {
    const [[, alarm]] = alarmsReading("AWS/SQS", "ApproximateAgeOfOldestMessage", {
      Name: "QueueName",
      Value: { "Fn::GetAtt": [logicalId(synth.stack.pipeline.ingestQueue), "QueueName"] },
    }) as [[string, Record<string, unknown>]];
    const queries = alarm.Metrics as MetricDataQuery[];
    expect(queries.find((q) => q.Expression)?.Expression).toBe(
      "IF(age >= 1800 AND FILL(deleted, 0) == 0, 1, 0)",
    );
    expect(queries.find((q) => q.Id === "deleted")?.MetricStat?.Metric).toMatchObject({
      Namespace: "AWS/SQS",
      MetricName: "NumberOfMessagesDeleted",
    });
    // Fifteen minutes without progress.
    expect(alarm).toMatchObject({ Threshold: 1, EvaluationPeriods: 3, DatapointsToAlarm: 3 });
  });

  it("alarms on the OCR failure rate and the API 5xx rate with metric math", () => {
    const ocrFn = {
      Name: "FunctionName",
      Value: { Ref: logicalId(synth.stack.pipeline.ocrCompleteFunction.function) },
    };
    const [[, ocr]] = alarmsReading("AWS/Lambda", "Invocations", ocrFn) as [
      [string, Record<string, unknown>],
    ];
    const ocrExpression = (ocr.Metrics as MetricDataQuery[]).find((q) => q.Expression)?.Expression;
    expect(ocrExpression).toBe(
      "IF(invocations >= 5, 100 * (FILL(lambdaErrors, 0) + FILL(loggedErrors, 0) + FILL(jobsFailed, 0)) / invocations, 0)",
    );
    expect(ocr.Threshold).toBe(10);
    // Textract jobs that end FAILED count through the fixed WARN line ocr-complete logs for each.
    const jobsFailed = (ocr.Metrics as MetricDataQuery[]).find((q) => q.Id === "jobsFailed")?.MetricStat
      ?.Metric;
    const ocrLogGroup = (
      resources[logicalId(synth.stack.pipeline.ocrCompleteFunction.function)]?.Properties?.LoggingConfig as {
        LogGroup: unknown;
      }
    ).LogGroup;
    const jobsFilter = ofType(resources, "AWS::Logs::MetricFilter").find(
      ([, f]) =>
        JSON.stringify(f.LogGroupName) === JSON.stringify(ocrLogGroup) &&
        (f.MetricTransformations as { MetricName: string }[])[0]?.MetricName === jobsFailed?.MetricName,
    );
    expect(jobsFilter?.[1].FilterPattern).toBe(
      `{ ($.level = "WARN") && ($.message = "${OCR_JOB_FAILED_MESSAGE}") && ($.service = "*") }`,
    );

    const [[, api]] = alarms.filter(([, a]) =>
      alarmMetrics(a).some((m) => m.namespace === "AWS/ApiGateway" && m.name === "5XXError"),
    ) as [[string, Record<string, unknown>]];
    expect((api.Metrics as MetricDataQuery[]).find((q) => q.Expression)?.Expression).toBe(
      "IF(requests >= 20, 100 * FILL(serverErrors, 0) / requests, 0)",
    );
    expect(api).toMatchObject({ Threshold: 5, EvaluationPeriods: 2, DatapointsToAlarm: 2 });
  });

  it("has an operations dashboard covering alarms, queues, functions, Textract and the API", () => {
    const [[, dashboard]] = ofType(resources, "AWS::CloudWatch::Dashboard") as [
      [string, Record<string, unknown>],
    ];
    expect(dashboard.DashboardName).toBe("Chartbridge-dev-operations");
    const body = JSON.stringify(dashboard.DashboardBody);
    for (const title of [
      "Alarms",
      "Dead-letter queues: messages visible",
      "Errors (incl. logged)",
      "Textract throttled requests",
      "API 5xx rate (%)",
    ]) {
      expect(body).toContain(title);
    }
  });
});

// The first construct test in a worker pays for loading aws-cdk-lib.
describe("OperationsMonitoring props", { timeout: 60_000 }, () => {
  function standalone(overrides: Partial<OperationsMonitoringProps> = {}): {
    stack: Stack;
    props: OperationsMonitoringProps;
  } {
    const stack = new Stack(new App(), "Standalone");
    const fn = (name: string) => {
      const logGroup = new logs.LogGroup(stack, `${name}Logs`);
      const code = lambda.Code.fromInline("export const handler = async () => ({});");
      const runtime = lambda.Runtime.NODEJS_22_X;
      return {
        name,
        function: new lambda.Function(stack, name, { runtime, handler: "index.handler", code, logGroup }),
      };
    };
    const worker = fn("worker");
    const api = new apigw.RestApi(stack, "Api");
    api.root.addMethod("GET", new apigw.LambdaIntegration(worker.function));
    const props: OperationsMonitoringProps = {
      functions: [worker],
      deadLetterQueues: [{ name: "dlq", queue: new sqs.Queue(stack, "Dlq") }],
      ingestQueue: { name: "work", queue: new sqs.Queue(stack, "Work") },
      ocrCompletionFunction: worker.function,
      apiStage: api.deploymentStage,
      textractOperations: textractOperationsFor("forms"),
      ...overrides,
    };
    return { stack, props };
  }

  it("applies per-alarm overrides on top of the defaults", () => {
    const { stack, props } = standalone();
    new OperationsMonitoring(stack, "Monitoring", {
      ...props,
      alarmNamePrefix: "cb",
      alarms: {
        ingestQueueAgeSeconds: { threshold: 600 },
        functionErrors: { evaluationPeriods: 3, datapointsToAlarm: 2 },
      },
    });
    const template = Template.fromStack(stack);
    template.hasResourceProperties("AWS::CloudWatch::Alarm", {
      AlarmName: "cb-queue-age-work",
      Threshold: 1,
      EvaluationPeriods: DEFAULT_ALARM_SETTINGS.ingestQueueAgeSeconds.evaluationPeriods,
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: "IF(age >= 600 AND FILL(deleted, 0) == 0, 1, 0)" }),
        Match.objectLike({
          Id: "age",
          MetricStat: Match.objectLike({
            Period: DEFAULT_ALARM_SETTINGS.ingestQueueAgeSeconds.period.toSeconds(),
            Stat: "Maximum",
          }),
        }),
        Match.objectLike({
          Id: "deleted",
          MetricStat: Match.objectLike({
            Metric: Match.objectLike({ MetricName: "NumberOfMessagesDeleted" }),
            Stat: "Sum",
          }),
        }),
      ]),
    });
    template.hasResourceProperties("AWS::CloudWatch::Alarm", {
      AlarmName: "cb-errors-worker",
      Threshold: 1,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
    });
    // Without a log group, a function's error alarm reads the Lambda Errors metric alone.
    template.resourceCountIs("AWS::Logs::MetricFilter", 0);
    template.hasResourceProperties("AWS::CloudWatch::Alarm", {
      AlarmName: "cb-textract-throttled-StartDocumentAnalysis",
      Metrics: Match.arrayWith([
        Match.objectLike({ MetricStat: Match.objectLike({ Period: Duration.minutes(5).toSeconds() }) }),
      ]),
    });
  });

  it("refuses an OCR completion function it does not monitor", () => {
    const { stack, props } = standalone();
    const other = new lambda.Function(stack, "Other", {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: "index.handler",
      code: lambda.Code.fromInline("export const handler = async () => ({});"),
    });
    expect(
      () => new OperationsMonitoring(stack, "Monitoring", { ...props, ocrCompletionFunction: other }),
    ).toThrow(/ocrCompletionFunction must be one of the monitored functions/);
  });

  it("composes from its parts: a topic, alarms notifying it, a dashboard showing them", () => {
    const { stack, props } = standalone();
    const topic = new AlarmTopic(stack, "Topic", { alarmNamePrefix: "ops" });
    const alarms = new PipelineAlarms(stack, "Alarms", { pipeline: props, topic });
    new OperationsDashboard(stack, "Dashboard", { pipeline: props, alarms });
    const template = Template.fromStack(stack);
    const names = ofType(template.toJSON().Resources as Record<string, Resource>, "AWS::CloudWatch::Alarm")
      .map(([, a]) => a.AlarmName)
      .sort();
    expect(names).toEqual([
      "ops-api-5xx-rate",
      "ops-dlq-dlq",
      "ops-errors-worker",
      "ops-ocr-failure-rate",
      "ops-queue-age-work",
      "ops-textract-throttled-GetDocumentAnalysis",
      "ops-textract-throttled-StartDocumentAnalysis",
    ]);
    template.hasResourceProperties("AWS::CloudWatch::Dashboard", { DashboardName: "Standalone-operations" });
  });

  it("refuses a topic key whose policy the stack cannot extend (CloudWatch must use it)", () => {
    const stack = new Stack(new App(), "Standalone");
    const imported = kms.Key.fromKeyArn(
      stack,
      "Imported",
      "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    );
    expect(() => new AlarmTopic(stack, "Topic", { encryptionKey: imported })).toThrow(
      /needs a key whose policy this stack manages/,
    );
  });

  it("maps each OCR feature set to the Textract operations the pipeline calls", () => {
    expect(textractOperationsFor("text")).toEqual(["StartDocumentTextDetection", "GetDocumentTextDetection"]);
    expect(textractOperationsFor("forms")).toEqual(["StartDocumentAnalysis", "GetDocumentAnalysis"]);
    expect(textractOperationsFor("queries")).toEqual(["StartDocumentAnalysis", "GetDocumentAnalysis"]);
  });
});
