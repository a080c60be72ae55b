import { CfnOutput, Stack, type StackProps } from "aws-cdk-lib";
import { Construct } from "constructs";
import type { ChartbridgeConfig } from "../config";
import { DataKeys } from "../constructs/data-class-key";
import type { FunctionDefaults } from "../constructs/function-defaults";
import { IsolatedNetwork } from "../constructs/isolated-network";
import { OperationsMonitoring } from "../constructs/operations-monitoring";
import { ProcessingPipeline } from "../constructs/processing-pipeline";
import { AuditTable } from "../constructs/audit-table";
import { DataEventsTrail } from "../constructs/data-events-trail";
import { RecordsApi } from "../constructs/records-api";
import { RecordEvents } from "../constructs/record-events";
import { EdgeWebAcl } from "../constructs/edge-web-acl";
import { WebAppHosting } from "../constructs/web-app-hosting";
import type * as s3deploy from "aws-cdk-lib/aws-s3-deployment";
import { DEFAULT_REVIEW_THRESHOLD } from "../../shared/extraction/review";
import { RecordsBackup } from "../constructs/records-backup";
import { RecordsTable } from "../constructs/records-table";
import { ResultsBucket } from "../constructs/results-bucket";
import { ScanStorage } from "../constructs/scan-storage";
import { SearchDomain } from "../constructs/search-domain";
import { StuckRecordSweeper } from "../constructs/stuck-record-sweeper";
import { ReprocessJobs } from "../constructs/reprocess-jobs";
import { textractOperationsFor } from "../constructs/textract-operations";
import type { ReplicaTargets } from "./replica-stack";

export interface ChartbridgeStackProps extends StackProps {
  readonly config: ChartbridgeConfig;
  /**
   * The replica region's buckets and backup vault (ChartbridgeReplicaStack.targets), when the environment
   * configures `replication`: the PHI buckets replicate there and records backups are copied there.
   * @default no replication, no backup copies (refused in production by the config)
   */
  readonly replica?: ReplicaTargets;
  /**
   * The built web app to deploy.
   * @default - web/ built with Vite at synth (WebAppHosting)
   */
  readonly webAppAssets?: s3deploy.ISource;
}

/**
 * Everything chartbridge runs on, for one environment. Environment-agnostic (no account/region lookups),
 * so it synthesizes offline; see IsolatedNetwork for what that means for AZ count. Deploy it to a region
 * other than the replica's.
 */
export class ChartbridgeStack extends Stack {
  /** One customer-managed key per data class (scans, OCR output, records, logs). */
  readonly keys: DataKeys;
  readonly storage: ScanStorage;
  readonly results: ResultsBucket;
  readonly records: RecordsTable;
  readonly recordsBackup: RecordsBackup;
  readonly network: IsolatedNetwork;
  readonly search: SearchDomain;
  readonly pipeline: ProcessingPipeline;
  readonly recordsApi: RecordsApi;
  /** Batch tracking from the records stream, and the domain event bus. */
  readonly recordEvents: RecordEvents;
  /** The records-staff web app behind CloudFront, its API under /api. */
  readonly webApp: WebAppHosting;
  /** The audit trail of PHI access through the API (append-only). */
  readonly audit: AuditTable;
  /** S3 data events of the PHI buckets. */
  readonly dataEventsTrail: DataEventsTrail;
  readonly sweeper: StuckRecordSweeper;
  readonly reprocessJobs: ReprocessJobs;
  readonly monitoring: OperationsMonitoring;

  constructor(scope: Construct, id: string, props: ChartbridgeStackProps) {
    super(scope, id, props);
    const { config, replica } = props;

    this.keys = new DataKeys(this, "Keys", { envName: config.envName, removalPolicy: config.removalPolicy });
    const { keys } = this;

    this.storage = new ScanStorage(this, "ScanStorage", {
      encryptionKey: keys.scans,
      removalPolicy: config.removalPolicy,
      objectLockDays: config.objectLockDays,
      lifecycle: config.lifecycle.scans,
      accessLogRetentionDays: config.accessLogRetentionDays,
      replication: replica && { uploads: replica.scans, accessLogs: replica.accessLogs },
    });
    this.results = new ResultsBucket(this, "OcrResults", {
      encryptionKey: keys.ocrOutput,
      accessLogsBucket: this.storage.accessLogsBucket,
      removalPolicy: config.removalPolicy,
      retentionDays: config.ocrResultsRetentionDays,
      lifecycle: config.lifecycle.ocrResults,
      replication: replica?.ocrResults,
    });
    this.records = new RecordsTable(this, "Records", {
      encryptionKey: keys.records,
      removalPolicy: config.removalPolicy,
      deletionProtection: config.deletionProtection,
    });
    this.audit = new AuditTable(this, "Audit", {
      encryptionKey: keys.audit,
      removalPolicy: config.removalPolicy,
      deletionProtection: config.deletionProtection,
    });
    this.recordsBackup = new RecordsBackup(this, "RecordsBackup", {
      envName: config.envName,
      table: this.records.table,
      alsoTables: [this.audit.table],
      encryptionKey: keys.records,
      settings: config.backup,
      copyTo: replica?.recordsBackupVault,
    });

    this.network = new IsolatedNetwork(this, "Network", {
      maxAzs: config.maxAzs,
      logsKey: keys.logs,
      logRetention: config.logRetention,
      removalPolicy: config.removalPolicy,
    });
    this.search = new SearchDomain(this, "Search", {
      domainName: `chartbridge-${config.envName}`,
      network: this.network,
      capacity: config.search,
      recordsKey: keys.records,
      logsKey: keys.logs,
      logRetention: config.logRetention,
      removalPolicy: config.removalPolicy,
    });

    const functionDefaults: FunctionDefaults = {
      logLevel: config.logLevel,
      logRetention: config.logRetention,
      logsKey: keys.logs,
      removalPolicy: config.removalPolicy,
      network: this.network,
    };

    this.pipeline = new ProcessingPipeline(this, "Pipeline", {
      envName: config.envName,
      uploadsBucket: this.storage.uploadsBucket,
      resultsBucket: this.results.bucket,
      table: this.records.table,
      search: this.search,
      scansKey: keys.scans,
      ocrOutputKey: keys.ocrOutput,
      recordsKey: keys.records,
      ocrFeatures: config.ocrFeatures,
      textractThroughput: config.textractThroughput,
      ingestConcurrency: config.concurrency.ingest,
      ocrCompleteConcurrency: config.concurrency.ocrComplete,
      indexRecordsConcurrency: config.concurrency.indexRecords,
      functionDefaults,
    });

    this.dataEventsTrail = new DataEventsTrail(this, "DataEventsTrail", {
      buckets: [this.storage.uploadsBucket, this.results.bucket],
      encryptionKey: keys.audit,
      accessLogsBucket: this.storage.accessLogsBucket,
      logsKey: keys.logs,
      logRetention: config.logRetention,
      retentionDays: config.auditLogRetentionDays,
      removalPolicy: config.removalPolicy,
    });

    this.recordEvents = new RecordEvents(this, "RecordEvents", {
      envName: config.envName,
      table: this.records.table,
      recordsKey: keys.records,
      functionDefaults,
    });

    this.reprocessJobs = new ReprocessJobs(this, "ReprocessJobs", {
      table: this.records.table,
      search: this.search,
      fhirMrnSystem: config.api.fhirMrnSystem,
      resultsBucket: this.results.bucket,
      recordsKey: keys.records,
      functionDefaults,
    });

    this.recordsApi = new RecordsApi(this, "RecordsApi", {
      envName: config.envName,
      table: this.records.table,
      reprocessJobs: this.reprocessJobs,
      auditTable: this.audit,
      authDomainPrefix: config.api.authDomainPrefix,
      webCallbackUrls: config.api.webCallbackUrls,
      fhir: {
        mrnSystem: config.api.fhirMrnSystem,
        ...(config.api.fhirBaseUrl ? { baseUrl: config.api.fhirBaseUrl } : {}),
      },
      uploadsBucket: this.storage.uploadsBucket,
      resultsBucket: this.results.bucket,
      search: this.search,
      ocrFeatures: config.ocrFeatures,
      rateLimit: config.api.rateLimit,
      burstLimit: config.api.burstLimit,
      wafRequestsPer5MinPerIp: config.api.wafRequestsPer5MinPerIp,
      reservedConcurrency: config.concurrency.api,
      deletionProtection: config.deletionProtection,
      functionDefaults,
    });

    this.webApp = new WebAppHosting(this, "WebApp", {
      envName: config.envName,
      api: this.recordsApi.api,
      userPool: this.recordsApi.userPool,
      userPoolDomain: this.recordsApi.domain,
      resourceServer: this.recordsApi.resourceServer,
      staffScope: this.recordsApi.staffScope,
      resultsBucket: this.results.bucket,
      accessLogsBucket: this.storage.accessLogsBucket,
      accessLogRetentionDays: config.accessLogRetentionDays,
      webAclArn: new EdgeWebAcl(this, "WebAppWebAcl", {
        envName: config.envName,
        logsKey: keys.logs,
        logRetention: config.logRetention,
        removalPolicy: config.removalPolicy,
      }).arn,
      idleTimeoutMinutes: config.web.idleTimeoutMinutes,
      reviewThreshold: DEFAULT_REVIEW_THRESHOLD,
      ...(config.web.domainName && config.web.certificateArn
        ? { customDomain: { domainName: config.web.domainName, certificateArn: config.web.certificateArn } }
        : {}),
      ...(props.webAppAssets ? { assets: props.webAppAssets } : {}),
      logsKey: keys.logs,
      logRetention: config.logRetention,
      removalPolicy: config.removalPolicy,
    });

    this.sweeper = new StuckRecordSweeper(this, "StuckRecordSweeper", {
      table: this.records.table,
      statusIndexName: RecordsTable.STATUS_INDEX,
      recordsKey: keys.records,
      uploadsBucket: this.storage.uploadsBucket,
      resultsBucket: this.results.bucket,
      textractTopic: this.pipeline.textractTopic,
      textractPublishRole: this.pipeline.textractPublishRole,
      ocrFeatures: config.ocrFeatures,
      textractThroughput: config.textractThroughput,
      ingestQueue: this.pipeline.ingestQueue,
      settings: config.sweeper,
      functionDefaults,
    });

    const { pipeline, recordsApi, sweeper, reprocessJobs, recordEvents } = this;
    this.monitoring = new OperationsMonitoring(this, "Monitoring", {
      functions: (
        [
          ["ingest", pipeline.ingestFunction],
          ["ocr-complete", pipeline.ocrCompleteFunction],
          ["index-records", pipeline.indexRecordsFunction],
          ["api", recordsApi.apiFunction],
          ["sweeper", sweeper.sweeperFunction],
          ["reprocess-worker", reprocessJobs.workerFunction],
          ["record-events", recordEvents.function],
        ] as const
      ).map(([name, fn]) => ({ name, function: fn.function, logGroup: fn.logGroup })),
      deadLetterQueues: [
        { name: "ingest", queue: pipeline.ingestDeadLetterQueue },
        { name: "ocr-complete", queue: pipeline.ocrCompleteDeadLetterQueue },
        { name: "index-records-failures", queue: pipeline.indexFailureQueue },
        { name: "reprocess", queue: reprocessJobs.deadLetterQueue },
        { name: "record-events-failures", queue: recordEvents.failureQueue },
      ],
      ingestQueue: { name: "ingest", queue: pipeline.ingestQueue },
      workQueues: [{ name: "ocr-complete", queue: pipeline.ocrCompleteQueue }],
      ocrCompletionFunction: pipeline.ocrCompleteFunction.function,
      apiStage: recordsApi.api.deploymentStage,
      textractOperations: textractOperationsFor(config.ocrFeatures),
      removalPolicy: config.removalPolicy,
    });

    new CfnOutput(this, "UploadsBucketName", { value: this.storage.uploadsBucket.bucketName });
    new CfnOutput(this, "ResultsBucketName", { value: this.results.bucket.bucketName });
    new CfnOutput(this, "RecordsTableName", { value: this.records.table.tableName });
    new CfnOutput(this, "RecordsBackupVaultName", { value: this.recordsBackup.vault.backupVaultName });
    // For closing the default security group after deployment (infra/README.md, "Network").
    new CfnOutput(this, "VpcDefaultSecurityGroupId", { value: this.network.vpc.vpcDefaultSecurityGroup });
    new CfnOutput(this, "ApiUrl", { value: this.recordsApi.api.url });
    new CfnOutput(this, "WebAppUrl", { value: this.webApp.url });
    new CfnOutput(this, "WebAppClientId", { value: this.webApp.userPoolClient.userPoolClientId });
    new CfnOutput(this, "UserPoolId", { value: this.recordsApi.userPool.userPoolId });
    new CfnOutput(this, "UserPoolClientId", { value: this.recordsApi.userPoolClient.userPoolClientId });
    new CfnOutput(this, "MachineClientId", { value: this.recordsApi.machineClient.userPoolClientId });
    new CfnOutput(this, "AuthDomain", { value: this.recordsApi.domain.baseUrl() });
    new CfnOutput(this, "AuditTableName", { value: this.audit.table.tableName });
    // For the search domain's role mapping (infra/README.md, "Search domain role mapping").
    new CfnOutput(this, "SearchEndpoint", { value: this.search.endpointUrl });
    new CfnOutput(this, "SearchAdminRoleArn", { value: this.search.adminRole.roleArn });
    new CfnOutput(this, "SearchAdminSecurityGroupId", {
      value: this.search.adminClientSecurityGroup.securityGroupId,
    });
    new CfnOutput(this, "IndexRecordsRoleArn", {
      value: this.pipeline.indexRecordsFunction.function.role?.roleArn ?? "",
    });
    new CfnOutput(this, "ApiFunctionRoleArn", {
      value: this.recordsApi.apiFunction.function.role?.roleArn ?? "",
    });
  }
}
