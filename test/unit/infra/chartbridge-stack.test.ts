import { Validations } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import { AwsSolutionsChecks, HIPAASecurityChecks } from "cdk-nag";
import type { IConstruct } from "constructs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { synthChartbridge, type SynthesizedChartbridge } from "./synth-chartbridge";
import { RECORDS_TABLE_SCHEMA } from "../../../shared/adapters/dynamodb/table-design";
import { INGEST_MAX_RECEIVE_COUNT } from "../../../infra/constructs/throughput-governor";
import { PUBLIC_ROUTES } from "../../../infra/constructs/records-api";
import {
  deniesInsecureTransport,
  logicalId,
  ofType,
  referencedIds,
  tableSchemaOf,
  type Resources,
  appFunctions,
  deployTimeFunctions,
} from "./template";

const ENVIRONMENTS = ["dev", "prod"] as const;
/** One synthesis (no Lambda bundling) per environment, shared by its tests; ~5–15 s on a busy machine. */
const SYNTH_TIMEOUT_MS = 60_000;

describe.each(ENVIRONMENTS)("ChartbridgeStack (%s)", (envName) => {
  let synth: SynthesizedChartbridge;
  let template: Template;
  let resources: Resources;

  beforeAll(() => {
    synth = synthChartbridge(envName);
    if (synth.synthError) throw synth.synthError;
    template = Template.fromStack(synth.stack);
    resources = template.toJSON().Resources as Resources;
  }, SYNTH_TIMEOUT_MS);
  afterAll(() => synth?.cleanup());

  // ── cdk-nag ─────────────────────────────────────────────────────────────────────────────────────
  it("has no unacknowledged cdk-nag findings (AwsSolutions, HIPAA Security)", () => {
    // The packs report directly on the construct tree, so a failure lists every finding id and path.
    const findings = [new AwsSolutionsChecks(), new HIPAASecurityChecks()].flatMap((pack) =>
      pack
        .validateScope(synth.app)
        .violations.map(
          (v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(", ")}`,
        ),
    );
    expect(findings).toEqual([]);
    // And synthesis itself (which runs the same packs as validation plugins) succeeded.
    expect(synth.synthError).toBeUndefined();
  });

  it("has no stale cdk-nag acknowledgments (each one matches a finding under its construct)", () => {
    // Run the packs with acknowledgments ignored to get every raw finding, then match each of our
    // acknowledgments (AwsSolutions-… / HIPAA.Security-…) to a finding at or below the acknowledging construct.
    const raw = [new AwsSolutionsChecks(), new HIPAASecurityChecks()].flatMap((pack) => {
      (pack as unknown as { isAcknowledged: () => boolean }).isAcknowledged = () => false;
      return pack
        .validateScope(synth.app)
        .violations.flatMap((v) =>
          v.violatingResources.map((r) => ({ id: v.ruleName, path: r.constructPath ?? "" })),
        );
    });
    const stale: string[] = [];
    for (const construct of synth.app.node.findAll()) {
      for (const entry of construct.node.metadata) {
        if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
        for (const qualified of Object.keys(entry.data as Record<string, string>)) {
          const id = qualified.replace(/^annotation::/i, "");
          if (!/^(AwsSolutions|HIPAA\.Security)-/.test(id)) continue;
          const scope = construct.node.path;
          const used = raw.some((f) => f.id === id && (f.path === scope || f.path.startsWith(`${scope}/`)));
          if (!used) stale.push(`${scope}: ${id}`);
        }
      }
    }
    expect(stale).toEqual([]);
  });

  // ── Encryption and TLS ──────────────────────────────────────────────────────────────────────────
  it("encrypts every bucket: SSE-KMS with its data-class key for data, SSE-S3 only for the access-log bucket", () => {
    // SSE-S3 where no PHI is kept: server access logs, and the web app's code and its CDN logs.
    const sseS3 = new Set(
      [synth.stack.storage.accessLogsBucket, synth.stack.webApp.bucket, synth.stack.webApp.cdnLogsBucket].map(
        (b) => logicalId(b),
      ),
    );
    const bucketKeys: Record<string, string> = {
      [logicalId(synth.stack.storage.uploadsBucket)]: logicalId(synth.stack.keys.scans),
      [logicalId(synth.stack.results.bucket)]: logicalId(synth.stack.keys.ocrOutput),
      [logicalId(synth.stack.dataEventsTrail.bucket)]: logicalId(synth.stack.keys.audit),
    };
    const buckets = ofType(resources, "AWS::S3::Bucket");
    expect(buckets).toHaveLength(6);
    for (const [id, props] of buckets) {
      const rule = (
        props.BucketEncryption as { ServerSideEncryptionConfiguration: Record<string, unknown>[] }
      ).ServerSideEncryptionConfiguration[0] as { ServerSideEncryptionByDefault: Record<string, unknown> };
      if (sseS3.has(id)) {
        expect(rule.ServerSideEncryptionByDefault.SSEAlgorithm).toBe("AES256");
      } else {
        expect(rule.ServerSideEncryptionByDefault).toEqual({
          SSEAlgorithm: "aws:kms",
          KMSMasterKeyID: { "Fn::GetAtt": [bucketKeys[id], "Arn"] },
        });
      }
      expect(props.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
    }
  });

  it("has a TLS-only bucket policy on every bucket", () => {
    const buckets = ofType(resources, "AWS::S3::Bucket").map(([id]) => id);
    const tlsOnly = ofType(resources, "AWS::S3::BucketPolicy")
      .filter(([, p]) => deniesInsecureTransport(p.PolicyDocument))
      .flatMap(([, p]) => [...referencedIds(p.Bucket)]);
    expect(new Set(tlsOnly)).toEqual(new Set(buckets));
  });

  it("logs uploads and results server access to the access-log bucket", () => {
    const accessLogs = logicalId(synth.stack.storage.accessLogsBucket);
    for (const bucket of [synth.stack.storage.uploadsBucket, synth.stack.results.bucket]) {
      const props = resources[logicalId(bucket)]?.Properties ?? {};
      expect(props.LoggingConfiguration).toMatchObject({ DestinationBucketName: { Ref: accessLogs } });
      expect(props.VersioningConfiguration).toEqual({ Status: "Enabled" });
    }
  });

  it("locks uploads with Object Lock in GOVERNANCE mode and sends bucket events to EventBridge", () => {
    const uploads = resources[logicalId(synth.stack.storage.uploadsBucket)]?.Properties ?? {};
    expect(uploads.ObjectLockEnabled).toBe(true);
    expect(uploads.ObjectLockConfiguration).toEqual({
      ObjectLockEnabled: "Enabled",
      Rule: { DefaultRetention: { Mode: "GOVERNANCE", Days: synth.config.objectLockDays } },
    });
    expect(uploads.NotificationConfiguration).toEqual({
      EventBridgeConfiguration: { EventBridgeEnabled: true },
    });
    template.hasResourceProperties("AWS::Events::Rule", {
      EventPattern: {
        source: ["aws.s3"],
        "detail-type": ["Object Created"],
        detail: { bucket: { name: [{ Ref: logicalId(synth.stack.storage.uploadsBucket) }] } },
      },
    });
  });

  it("defines the records table from RECORDS_TABLE_SCHEMA, the schema the local runtime creates its table from", () => {
    const tables = ofType(resources, "AWS::DynamoDB::Table");
    // The records table and the audit trail's.
    expect(tables).toHaveLength(2);
    const table = resources[logicalId(synth.stack.records.table)]!.Properties!;
    expect(tableSchemaOf(table)).toEqual(RECORDS_TABLE_SCHEMA);
    // The only secondary index is the sweeper's sparse by-status index, which copies keys only (no PHI).
    expect(table.GlobalSecondaryIndexes).toEqual([
      expect.objectContaining({ IndexName: "byStatus", Projection: { ProjectionType: "KEYS_ONLY" } }),
    ]);
  });

  it("protects the records table: stream, PITR, KMS, deletion protection in prod", () => {
    template.hasResourceProperties("AWS::DynamoDB::Table", {
      StreamSpecification: { StreamViewType: "NEW_AND_OLD_IMAGES" },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: {
        SSEEnabled: true,
        SSEType: "KMS",
        KMSMasterKeyId: { "Fn::GetAtt": [logicalId(synth.stack.keys.records), "Arn"] },
      },
      DeletionProtectionEnabled: envName === "prod",
    });
  });

  it("encrypts the Textract topic with a rotating CMK and requires TLS to publish", () => {
    // Looked up by logical id: the stack has other topics (alarms), in no guaranteed order.
    const topicId = logicalId(synth.stack.pipeline.textractTopic);
    expect(resources[topicId]?.Type).toBe("AWS::SNS::Topic");
    const topic = resources[topicId]?.Properties ?? {};
    expect(topic.KmsMasterKeyId).toEqual({
      "Fn::GetAtt": [logicalId(synth.stack.keys.ocrOutput), "Arn"],
    });
    const policies = ofType(resources, "AWS::SNS::TopicPolicy").filter(([, p]) =>
      referencedIds(p.Topics).has(topicId),
    );
    expect(policies.some(([, p]) => deniesInsecureTransport(p.PolicyDocument))).toBe(true);
    for (const [, key] of ofType(resources, "AWS::KMS::Key")) {
      expect(key.EnableKeyRotation).toBe(true);
    }
  });

  it("encrypts every queue with the key of the data it carries and gives each a TLS-only policy", () => {
    const { pipeline, keys, reprocessJobs, recordEvents } = synth.stack;
    const queueKeys: Record<string, string> = {
      [logicalId(pipeline.ingestQueue)]: logicalId(keys.scans),
      [logicalId(pipeline.ingestDeadLetterQueue)]: logicalId(keys.scans),
      [logicalId(pipeline.ocrCompleteQueue)]: logicalId(keys.ocrOutput),
      [logicalId(pipeline.ocrCompleteDeadLetterQueue)]: logicalId(keys.ocrOutput),
      [logicalId(pipeline.indexFailureQueue)]: logicalId(keys.records),
      // Reprocess chunks carry record ids.
      [logicalId(reprocessJobs.queue)]: logicalId(keys.records),
      [logicalId(reprocessJobs.deadLetterQueue)]: logicalId(keys.records),
      // Pointers to stream records record-events could not process.
      [logicalId(recordEvents.failureQueue)]: logicalId(keys.records),
    };
    const queues = ofType(resources, "AWS::SQS::Queue");
    expect(queues).toHaveLength(8);
    const tlsOnly = new Set(
      ofType(resources, "AWS::SQS::QueuePolicy")
        .filter(([, p]) => deniesInsecureTransport(p.PolicyDocument))
        .flatMap(([, p]) => [...referencedIds(p.Queues)]),
    );
    for (const [id, props] of queues) {
      expect(queueKeys[id], `${id} is a known queue`).toBeDefined();
      expect(props.KmsMasterKeyId, id).toEqual({ "Fn::GetAtt": [queueKeys[id], "Arn"] });
      expect(tlsOnly.has(id), `${id} has a TLS-only queue policy`).toBe(true);
    }
  });

  it("gives every work queue a DLQ; the rest are DLQs or failure destinations", () => {
    const queues = ofType(resources, "AWS::SQS::Queue");
    const deadLetterTargets = new Set<string>();
    for (const [, props] of queues) referencedIds(props.RedrivePolicy, deadLetterTargets);
    for (const [, props] of ofType(resources, "AWS::Lambda::EventSourceMapping")) {
      referencedIds(props.DestinationConfig, deadLetterTargets);
    }
    const workQueues = queues.filter(([id]) => !deadLetterTargets.has(id));
    expect(workQueues.length).toBeGreaterThanOrEqual(2);
    // The ingest queue allows for the throughput governor's parked receives (INGEST_MAX_RECEIVE_COUNT).
    const ingestQueue = logicalId(synth.stack.pipeline.ingestQueue);
    for (const [id, props] of workQueues) {
      const maxReceiveCount = id === ingestQueue ? INGEST_MAX_RECEIVE_COUNT : 5;
      expect(props.RedrivePolicy, `${id} needs a DLQ`).toMatchObject({ maxReceiveCount });
    }
    // Every queue is either a work queue with a DLQ or a dead-letter / failure target.
    expect(queues.every(([id, p]) => p.RedrivePolicy !== undefined || deadLetterTargets.has(id))).toBe(true);
  });

  // ── Functions ───────────────────────────────────────────────────────────────────────────────────
  it("runs every function on nodejs22.x / arm64 with active tracing and its own log group", () => {
    const functions = appFunctions(resources);
    expect(functions).toHaveLength(7);
    // The only custom-resource Lambdas: the web app's deployment and the web ACL ARN lookup.
    expect(deployTimeFunctions(resources)).toHaveLength(2);
    for (const [id, props] of functions) {
      expect(props.Runtime, id).toBe("nodejs22.x");
      expect(props.Architectures, id).toEqual(["arm64"]);
      expect(props.TracingConfig, id).toEqual({ Mode: "Active" });
      expect(props.LoggingConfig, id).toMatchObject({
        LogFormat: "JSON",
        LogGroup: { Ref: expect.any(String) },
      });
      expect(props.ReservedConcurrentExecutions, id).toEqual(expect.any(Number));
    }
  });

  it("encrypts every log group with the logs key and applies the configured retention", () => {
    const logsKey = logicalId(synth.stack.keys.logs);
    for (const [id, props] of ofType(resources, "AWS::Logs::LogGroup")) {
      expect(props.KmsKeyId, id).toEqual({ "Fn::GetAtt": [logsKey, "Arn"] });
      expect(props.RetentionInDays, id).toBe(synth.config.logRetention);
    }
  });

  it("gives the ingest function its Textract settings and sizes its concurrency from the TPS budget", () => {
    const ingest = synth.stack.pipeline.ingestFunction.function;
    const ingestId = logicalId(ingest);
    template.hasResourceProperties("AWS::Lambda::Function", {
      Environment: {
        Variables: Match.objectLike({
          TEXTRACT_SNS_TOPIC_ARN: { Ref: logicalId(synth.stack.pipeline.textractTopic) },
          TEXTRACT_ROLE_ARN: { "Fn::GetAtt": [logicalId(synth.stack.pipeline.textractPublishRole), "Arn"] },
          OCR_FEATURES: synth.config.ocrFeatures,
          TABLE_NAME: { Ref: logicalId(synth.stack.records.table) },
        }),
      },
      ReservedConcurrentExecutions: synth.config.concurrency.ingest,
    });
    template.hasResourceProperties("AWS::Lambda::EventSourceMapping", {
      FunctionName: { Ref: ingestId },
      FunctionResponseTypes: ["ReportBatchItemFailures"],
      ScalingConfig: { MaximumConcurrency: synth.config.concurrency.ingest },
    });
    template.hasResourceProperties("AWS::IAM::Role", {
      AssumeRolePolicyDocument: {
        Statement: [
          Match.objectLike({ Principal: { Service: "textract.amazonaws.com" }, Action: "sts:AssumeRole" }),
        ],
      },
    });
  });

  it("gives the ingest function a /tmp that holds the largest upload Textract accepts", () => {
    const ingest = resources[logicalId(synth.stack.pipeline.ingestFunction.function)]!;
    const tmpMiB =
      (ingest.Properties as { EphemeralStorage?: { Size: number } }).EphemeralStorage?.Size ?? 512;
    expect(tmpMiB).toBeGreaterThanOrEqual(500 + 256);
  });

  it("feeds index-records from the table stream with bisection, retries and an on-failure queue", () => {
    template.hasResourceProperties("AWS::Lambda::EventSourceMapping", {
      FunctionName: { Ref: logicalId(synth.stack.pipeline.indexRecordsFunction.function) },
      EventSourceArn: { "Fn::GetAtt": [logicalId(synth.stack.records.table), "StreamArn"] },
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 5,
      FunctionResponseTypes: ["ReportBatchItemFailures"],
      DestinationConfig: {
        OnFailure: {
          Destination: { "Fn::GetAtt": [logicalId(synth.stack.pipeline.indexFailureQueue), "Arn"] },
        },
      },
    });
  });

  it("runs every function in the VPC", () => {
    const inVpc = (fn: IConstruct): boolean => resources[logicalId(fn)]?.Properties?.VpcConfig !== undefined;
    expect(inVpc(synth.stack.pipeline.indexRecordsFunction.function)).toBe(true);
    expect(inVpc(synth.stack.recordsApi.apiFunction.function)).toBe(true);
    expect(inVpc(synth.stack.pipeline.ingestFunction.function)).toBe(true);
    expect(inVpc(synth.stack.pipeline.ocrCompleteFunction.function)).toBe(true);
    expect(inVpc(synth.stack.sweeper.sweeperFunction.function)).toBe(true);
  });

  // ── Search and API ──────────────────────────────────────────────────────────────────────────────
  it("puts the search domain in the VPC with encryption at rest, node-to-node encryption and HTTPS/TLS 1.2", () => {
    template.hasResourceProperties("AWS::OpenSearchService::Domain", {
      EncryptionAtRestOptions: { Enabled: true, KmsKeyId: Match.anyValue() },
      NodeToNodeEncryptionOptions: { Enabled: true },
      DomainEndpointOptions: { EnforceHTTPS: true, TLSSecurityPolicy: "Policy-Min-TLS-1-2-PFS-2023-10" },
      VPCOptions: { SubnetIds: Match.anyValue(), SecurityGroupIds: Match.anyValue() },
      ClusterConfig: Match.objectLike({ ZoneAwarenessEnabled: envName === "prod" }),
      AccessPolicies: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: "Allow", Principal: { AWS: Match.anyValue() } }),
        ]),
        Version: "2012-10-17",
      },
    });
  });

  it("protects every API method with the Cognito authorizer and logs/throttles the stage", () => {
    const methods = ofType(resources, "AWS::ApiGateway::Method");
    expect(methods.length).toBeGreaterThan(0);
    const publicMethods = new Set(
      PUBLIC_ROUTES.map((path) =>
        logicalId(synth.stack.recordsApi.api.root.resourceForPath(path).node.findChild("GET")),
      ),
    );
    expect(publicMethods.size).toBe(3);
    for (const [id, props] of methods) {
      expect(props.AuthorizationType, id).toBe(publicMethods.has(id) ? "NONE" : "COGNITO_USER_POOLS");
    }
    template.hasResourceProperties("AWS::ApiGateway::Stage", {
      AccessLogSetting: Match.objectLike({ DestinationArn: Match.anyValue() }),
      TracingEnabled: true,
      MethodSettings: [
        Match.objectLike({
          DataTraceEnabled: false,
          ThrottlingRateLimit: synth.config.api.rateLimit,
          ThrottlingBurstLimit: synth.config.api.burstLimit,
        }),
      ],
    });
    for (const group of ["records-staff", "vendor", "admin"]) {
      template.hasResourceProperties("AWS::Cognito::UserPoolGroup", { GroupName: group });
    }
    template.hasResourceProperties("AWS::Cognito::UserPool", { MfaConfiguration: "ON" });
    // One name per environment: dev and prod may share an account.
    template.hasResourceProperties("AWS::ApiGateway::RestApi", { Name: `chartbridge-${envName}` });
  });

  // ── Lifecycle ───────────────────────────────────────────────────────────────────────────────────
  it(`${envName === "prod" ? "retains" : "deletes"} stateful resources when the stack is deleted`, () => {
    const expected = envName === "prod" ? "Retain" : "Delete";
    for (const type of [
      "AWS::S3::Bucket",
      "AWS::DynamoDB::Table",
      "AWS::OpenSearchService::Domain",
      "AWS::KMS::Key",
    ]) {
      for (const [id, r] of Object.entries(resources).filter(([, r]) => r.Type === type)) {
        expect(r.DeletionPolicy, id).toBe(expected);
      }
    }
  });
});
