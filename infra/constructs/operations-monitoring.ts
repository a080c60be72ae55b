import { Construct } from "constructs";
import { AlarmTopic, type AlarmTopicProps } from "./alarm-topic";
import { OperationsDashboard } from "./operations-dashboard";
import { PipelineAlarms, type MonitoredPipeline, type OperationsAlarmOverrides } from "./pipeline-alarms";

export interface OperationsMonitoringProps extends MonitoredPipeline, AlarmTopicProps {
  /** @default `<alarmNamePrefix>-operations` */
  readonly dashboardName?: string;
  /** @default `<alarmNamePrefix>/Handlers` */
  readonly metricNamespace?: string;
  /**
   * Per-alarm overrides of DEFAULT_ALARM_SETTINGS.
   * @default DEFAULT_ALARM_SETTINGS
   */
  readonly alarms?: OperationsAlarmOverrides;
}

/**
 * Operations monitoring for the pipeline: the alarm topic (AlarmTopic), the alarms notifying it
 * (PipelineAlarms) and the dashboard showing both with the pipeline's metrics (OperationsDashboard).
 */
export class OperationsMonitoring extends Construct {
  readonly alarmTopic: AlarmTopic;
  readonly pipelineAlarms: PipelineAlarms;
  readonly dashboard: OperationsDashboard;

  constructor(scope: Construct, id: string, props: OperationsMonitoringProps) {
    super(scope, id);
    this.alarmTopic = new AlarmTopic(this, "AlarmTopic", {
      alarmNamePrefix: props.alarmNamePrefix,
      encryptionKey: props.encryptionKey,
      removalPolicy: props.removalPolicy,
      notificationEmails: props.notificationEmails,
    });
    this.pipelineAlarms = new PipelineAlarms(this, "Alarms", {
      pipeline: props,
      topic: this.alarmTopic,
      metricNamespace: props.metricNamespace,
      alarms: props.alarms,
    });
    this.dashboard = new OperationsDashboard(this, "Dashboard", {
      pipeline: props,
      alarms: this.pipelineAlarms,
      dashboardName: props.dashboardName ?? `${this.alarmTopic.alarmNamePrefix}-operations`,
    });
  }
}
