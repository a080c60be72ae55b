import { CfnOutput, Stack, type StackProps, Validations } from "aws-cdk-lib";
import { Construct } from "constructs";
import type { ChartbridgeConfig } from "../config";
import type { FunctionDefaults } from "../constructs/function-defaults";
import { IsolatedNetwork } from "../constructs/isolated-network";
import { PhiKey } from "../constructs/phi-key";
import { ProcessingPipeline } from "../constructs/processing-pipeline";
import { RecordsApi } from "../constructs/records-api";
import { RecordsTable } from "../constructs/records-table";
import { ResultsBucket } from "../constructs/results-bucket";
import { ScanStorage } from "../constructs/scan-storage";
import { SearchDomain } from "../constructs/search-domain";

export interface ChartbridgeStackProps extends StackProps {
  readonly config: ChartbridgeConfig;
}

/**
 * Everything chartbridge runs on, for one environment. Environment-agnostic (no account/region lookups),
 * so it synthesizes offline; see IsolatedNetwork for what that means for AZ count.
 */
export class ChartbridgeStack extends Stack {
  readonly phiKey: PhiKey;
  readonly storage: ScanStorage;
  readonly results: ResultsBucket;
  readonly records: RecordsTable;
  readonly network: IsolatedNetwork;
  readonly search: SearchDomain;
  readonly pipeline: ProcessingPipeline;
  readonly recordsApi: RecordsApi;

  constructor(scope: Construct, id: string, props: ChartbridgeStackProps) {
    super(scope, id, props);
    const { config } = props;

    this.phiKey = new PhiKey(this, "PhiKey", {
      aliasName: `chartbridge/${config.envName}/phi`,
      removalPolicy: config.removalPolicy,
    });
    const key = this.phiKey.key;

    this.storage = new ScanStorage(this, "ScanStorage", {
      encryptionKey: key,
      removalPolicy: config.removalPolicy,
      objectLockDays: config.objectLockDays,
      accessLogRetentionDays: config.accessLogRetentionDays,
    });
    this.results = new ResultsBucket(this, "OcrResults", {
      encryptionKey: key,
      accessLogsBucket: this.storage.accessLogsBucket,
      removalPolicy: config.removalPolicy,
      retentionDays: config.ocrResultsRetentionDays,
    });
    this.records = new RecordsTable(this, "Records", {
      encryptionKey: key,
      removalPolicy: config.removalPolicy,
      deletionProtection: config.deletionProtection,
    });

    this.network = new IsolatedNetwork(this, "Network", {
      maxAzs: config.maxAzs,
      encryptionKey: key,
      logRetention: config.logRetention,
      removalPolicy: config.removalPolicy,
    });
    Validations.of(this.network).acknowledge({
      id: "HIPAA.Security-VPCDefaultSecurityGroupClosed",
      reason:
        "Nothing in the VPC uses the default security group (every ENI gets its own group) and the subnets have no route out; closing it needs CDK's custom-resource Lambda, deferred to the production-hardening issue.",
    });
    this.search = new SearchDomain(this, "Search", {
      domainName: `chartbridge-${config.envName}`,
      network: this.network,
      capacity: config.search,
      encryptionKey: key,
      logRetention: config.logRetention,
      removalPolicy: config.removalPolicy,
    });

    const functionDefaults: FunctionDefaults = {
      logLevel: config.logLevel,
      logRetention: config.logRetention,
      encryptionKey: key,
      removalPolicy: config.removalPolicy,
    };
    const searchNetwork = { vpc: this.network.vpc, subnets: this.network.subnets };

    this.pipeline = new ProcessingPipeline(this, "Pipeline", {
      uploadsBucket: this.storage.uploadsBucket,
      resultsBucket: this.results.bucket,
      table: this.records.table,
      search: this.search,
      searchNetwork,
      encryptionKey: key,
      ocrFeatures: config.ocrFeatures,
      ingestConcurrency: config.concurrency.ingest,
      ocrCompleteConcurrency: config.concurrency.ocrComplete,
      indexRecordsConcurrency: config.concurrency.indexRecords,
      functionDefaults,
    });

    this.recordsApi = new RecordsApi(this, "RecordsApi", {
      table: this.records.table,
      uploadsBucket: this.storage.uploadsBucket,
      resultsBucket: this.results.bucket,
      search: this.search,
      network: searchNetwork,
      ocrFeatures: config.ocrFeatures,
      rateLimit: config.api.rateLimit,
      burstLimit: config.api.burstLimit,
      reservedConcurrency: config.concurrency.api,
      deletionProtection: config.deletionProtection,
      functionDefaults,
    });

    new CfnOutput(this, "UploadsBucketName", { value: this.storage.uploadsBucket.bucketName });
    new CfnOutput(this, "ResultsBucketName", { value: this.results.bucket.bucketName });
    new CfnOutput(this, "RecordsTableName", { value: this.records.table.tableName });
    new CfnOutput(this, "ApiUrl", { value: this.recordsApi.api.url });
    new CfnOutput(this, "UserPoolId", { value: this.recordsApi.userPool.userPoolId });
    new CfnOutput(this, "UserPoolClientId", { value: this.recordsApi.userPoolClient.userPoolClientId });
  }
}
