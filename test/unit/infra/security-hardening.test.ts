import { App, Stack } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import * as lambda from "aws-cdk-lib/aws-lambda";
import type { IConstruct } from "constructs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  LAMBDA_VPC_ENI_ACTIONS,
  type ChartbridgeFunction,
} from "../../../infra/constructs/chartbridge-function";
import { synthChartbridge, type SynthesizedChartbridge } from "./synth-chartbridge";
import {
  actionsOf,
  getAttArn,
  logicalId,
  ofType,
  referencedIds,
  type Resources,
  type Statement,
  appFunctions,
} from "./template";

/**
 * Issue 4 hardening: a KMS key per data class, S3 lifecycle tiers, VPC placement and interface endpoints,
 * OpenSearch fine-grained access control and audit logs, and the WAF web ACL on the API stage.
 */

const ENVIRONMENTS = ["dev", "prod"] as const;
const SYNTH_TIMEOUT_MS = 60_000;

describe.each(ENVIRONMENTS)("security hardening (%s)", (envName) => {
  let synth: SynthesizedChartbridge;
  let template: Template;
  let resources: Resources;
  /** Logical id of each data-class key. */
  let keys: { scans: string; ocrOutput: string; records: string; logs: string; audit: string };

  beforeAll(() => {
    synth = synthChartbridge(envName);
    if (synth.synthError) throw synth.synthError;
    template = Template.fromStack(synth.stack);
    resources = template.toJSON().Resources as Resources;
    const k = synth.stack.keys;
    keys = {
      scans: logicalId(k.scans),
      ocrOutput: logicalId(k.ocrOutput),
      records: logicalId(k.records),
      logs: logicalId(k.logs),
      audit: logicalId(k.audit),
    };
  }, SYNTH_TIMEOUT_MS);
  afterAll(() => synth?.cleanup());

  const props = (construct: IConstruct): Record<string, unknown> =>
    resources[logicalId(construct)]?.Properties ?? {};

  // ── 1. KMS key per data class ───────────────────────────────────────────────────────────────────
  describe("KMS keys per data class", () => {
    it("creates five distinct rotating customer-managed keys with a per-class alias", () => {
      expect(new Set(Object.values(keys)).size).toBe(5);
      for (const id of Object.values(keys)) {
        expect(resources[id]?.Type).toBe("AWS::KMS::Key");
        expect(resources[id]?.Properties?.EnableKeyRotation, id).toBe(true);
        expect(resources[id]?.Properties?.PendingWindowInDays, id).toBe(30);
      }
      const aliases = Object.fromEntries(
        ofType(resources, "AWS::KMS::Alias").map(([, p]) => [p.AliasName, [...referencedIds(p.TargetKeyId)]]),
      );
      expect(aliases).toMatchObject({
        [`alias/chartbridge/${envName}/scans`]: [keys.scans],
        [`alias/chartbridge/${envName}/ocr-output`]: [keys.ocrOutput],
        [`alias/chartbridge/${envName}/records`]: [keys.records],
        [`alias/chartbridge/${envName}/logs`]: [keys.logs],
        [`alias/chartbridge/${envName}/audit`]: [keys.audit],
      });
    });

    it("encrypts each store with its own class's key", () => {
      const { storage, results, records, pipeline, search } = synth.stack;
      const bucketKey = (bucket: IConstruct): unknown =>
        (
          props(bucket).BucketEncryption as {
            ServerSideEncryptionConfiguration: {
              ServerSideEncryptionByDefault: { KMSMasterKeyID: unknown };
            }[];
          }
        ).ServerSideEncryptionConfiguration[0]?.ServerSideEncryptionByDefault.KMSMasterKeyID;

      // scans
      expect(bucketKey(storage.uploadsBucket)).toEqual(getAttArn(keys.scans));
      expect(props(pipeline.ingestQueue).KmsMasterKeyId).toEqual(getAttArn(keys.scans));
      expect(props(pipeline.ingestDeadLetterQueue).KmsMasterKeyId).toEqual(getAttArn(keys.scans));
      // OCR output
      expect(bucketKey(results.bucket)).toEqual(getAttArn(keys.ocrOutput));
      expect(props(pipeline.textractTopic).KmsMasterKeyId).toEqual(getAttArn(keys.ocrOutput));
      expect(props(pipeline.ocrCompleteQueue).KmsMasterKeyId).toEqual(getAttArn(keys.ocrOutput));
      expect(props(pipeline.ocrCompleteDeadLetterQueue).KmsMasterKeyId).toEqual(getAttArn(keys.ocrOutput));
      // records
      expect(props(records.table).SSESpecification).toMatchObject({
        KMSMasterKeyId: getAttArn(keys.records),
      });
      expect(props(search.domain).EncryptionAtRestOptions).toEqual({
        Enabled: true,
        KmsKeyId: { Ref: keys.records },
      });
      expect(props(pipeline.indexFailureQueue).KmsMasterKeyId).toEqual(getAttArn(keys.records));
      // logs: every log group, and the functions' environment variables
      const logGroups = ofType(resources, "AWS::Logs::LogGroup");
      expect(logGroups.length).toBeGreaterThanOrEqual(10);
      for (const [id, p] of logGroups) expect(p.KmsKeyId, id).toEqual(getAttArn(keys.logs));
      for (const [id, p] of appFunctions(resources)) {
        expect(p.KmsKeyArn, id).toEqual(getAttArn(keys.logs));
      }
    });

    it("lets SNS use the ocr-output key only for deliveries from the Textract topic", () => {
      const topic = props(synth.stack.pipeline.textractTopic);
      expect(topic.TopicName).toBe(`chartbridge-${envName}-textract-completion`);
      const policy = resources[keys.ocrOutput]?.Properties?.KeyPolicy as { Statement: Statement[] };
      const snsStatements = policy.Statement.filter(
        (s) => JSON.stringify(s.Principal) === JSON.stringify({ Service: "sns.amazonaws.com" }),
      );
      expect(snsStatements).toHaveLength(1);
      expect(JSON.stringify(snsStatements[0])).toContain(`:chartbridge-${envName}-textract-completion`);
      expect(snsStatements[0]).toMatchObject({
        Condition: { ArnEquals: { "aws:SourceArn": expect.anything() } },
      });
      // No other key lets SNS in.
      for (const id of [keys.scans, keys.records, keys.logs]) {
        expect(JSON.stringify(resources[id]?.Properties?.KeyPolicy), id).not.toContain("sns.amazonaws.com");
      }
      // The raw-delivery subscription waits for the queue policy that lets the topic send.
      const [[subscriptionId, subscription]] = ofType(resources, "AWS::SNS::Subscription") as [
        [string, Record<string, unknown>],
      ];
      expect(subscription).toMatchObject({
        Protocol: "sqs",
        RawMessageDelivery: true,
        TopicArn: { Ref: logicalId(synth.stack.pipeline.textractTopic) },
        Endpoint: getAttArn(logicalId(synth.stack.pipeline.ocrCompleteQueue)),
        RedrivePolicy: {
          deadLetterTargetArn: getAttArn(logicalId(synth.stack.pipeline.ocrCompleteDeadLetterQueue)),
        },
      });
      const queuePolicies = ofType(resources, "AWS::SQS::QueuePolicy")
        .filter(([, p]) => referencedIds(p.Queues).has(logicalId(synth.stack.pipeline.ocrCompleteQueue)))
        .map(([id]) => id);
      expect(resources[subscriptionId]?.DependsOn ?? []).toEqual(expect.arrayContaining(queuePolicies));
    });

    it("grants each function KMS use on the keys of the data it handles, never the logs key", () => {
      const { pipeline, recordsApi } = synth.stack;
      const expected: [IConstruct, string[]][] = [
        [pipeline.ingestFunction.function, [keys.scans, keys.records]],
        [pipeline.ocrCompleteFunction.function, [keys.ocrOutput, keys.records]],
        [pipeline.indexRecordsFunction.function, [keys.ocrOutput, keys.records]],
        // Records and the audit trail; scans and OCR output for the page images and originals it links to.
        [recordsApi.apiFunction.function, [keys.records, keys.audit, keys.scans, keys.ocrOutput]],
      ];
      const keyIds = new Set(Object.values(keys));
      for (const [fn, expectedKeys] of expected) {
        const roleId = logicalId((fn as unknown as { role: IConstruct }).role);
        const used = new Set<string>();
        for (const [, p] of ofType(resources, "AWS::IAM::Policy")) {
          if (!referencedIds(p.Roles).has(roleId)) continue;
          for (const s of (p.PolicyDocument as { Statement: Statement[] }).Statement) {
            if (!actionsOf(s).some((a) => a.startsWith("kms:"))) continue;
            for (const id of referencedIds(s.Resource)) if (keyIds.has(id)) used.add(id);
          }
        }
        expect([...used].sort(), fn.node.path).toEqual([...expectedKeys].sort());
      }
    });
  });

  // ── 1b. Function execution roles ────────────────────────────────────────────────────────────────
  describe("function execution roles", () => {
    const functions = (): ChartbridgeFunction[] => [
      synth.stack.pipeline.ingestFunction,
      synth.stack.pipeline.ocrCompleteFunction,
      synth.stack.pipeline.indexRecordsFunction,
      synth.stack.recordsApi.apiFunction,
    ];
    const statementsOf = (roleId: string): Statement[] =>
      ofType(resources, "AWS::IAM::Policy")
        .filter(([, p]) => referencedIds(p.Roles).has(roleId))
        .flatMap(([, p]) => (p.PolicyDocument as { Statement: Statement[] }).Statement);

    it("attaches no AWS-managed Lambda execution policy to any role", () => {
      for (const [id, p] of ofType(resources, "AWS::IAM::Role")) {
        expect(JSON.stringify(p.ManagedPolicyArns ?? []), id).not.toMatch(
          /AWSLambdaBasicExecutionRole|AWSLambdaVPCAccessExecutionRole/,
        );
      }
    });

    it("gives each function its own Lambda role without managed policies", () => {
      const roles = new Set<string>();
      for (const fn of functions()) {
        const roleId = logicalId(fn.role);
        expect(props(fn.function).Role, fn.node.path).toEqual(getAttArn(roleId));
        const role = resources[roleId]?.Properties ?? {};
        expect(role.ManagedPolicyArns, fn.node.path).toBeUndefined();
        expect(role.AssumeRolePolicyDocument, fn.node.path).toMatchObject({
          Statement: [
            { Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" },
          ],
        });
        roles.add(roleId);
      }
      expect(roles.size).toBe(functions().length);
    });

    it("scopes each function's log permissions to its own log group", () => {
      for (const fn of functions()) {
        const logStatements = statementsOf(logicalId(fn.role)).filter((s) =>
          actionsOf(s).some((a) => a.startsWith("logs:")),
        );
        expect(logStatements, fn.node.path).toHaveLength(1);
        const [statement] = logStatements as [Statement];
        expect(statement.Effect).toBe("Allow");
        expect(actionsOf(statement).sort(), fn.node.path).toEqual([
          "logs:CreateLogStream",
          "logs:PutLogEvents",
        ]);
        expect(statement.Resource, fn.node.path).toEqual(getAttArn(logicalId(fn.logGroup)));
      }
    });

    it("grants the VPC network-interface and X-Ray write actions (Resource '*': no resource-level permissions)", () => {
      for (const fn of functions()) {
        const onStar = statementsOf(logicalId(fn.role))
          .filter((s) => s.Resource === "*")
          .flatMap(actionsOf);
        for (const action of [
          ...LAMBDA_VPC_ENI_ACTIONS,
          "xray:PutTraceSegments",
          "xray:PutTelemetryRecords",
        ]) {
          expect(onStar, fn.node.path).toContain(action);
        }
      }
    });
  });

  // ── 2. Lifecycle ────────────────────────────────────────────────────────────────────────────────
  describe("S3 lifecycle", () => {
    const s3Transitions = (list: { storageClass: string; days: number }[]): unknown[] =>
      list.map((t) => ({ StorageClass: t.storageClass, TransitionInDays: t.days }));

    it("moves current and noncurrent scans to the configured colder classes and keeps Object Lock", () => {
      const uploads = props(synth.stack.storage.uploadsBucket);
      const lifecycle = synth.config.lifecycle.scans;
      const rules = (uploads.LifecycleConfiguration as { Rules: Record<string, unknown>[] }).Rules;
      expect(rules).toContainEqual({
        Id: "tier-scans",
        Status: "Enabled",
        Transitions: s3Transitions(lifecycle.transitions),
        NoncurrentVersionTransitions: s3Transitions(lifecycle.noncurrentTransitions),
      });
      expect(lifecycle.transitions.length).toBeGreaterThan(0);
      expect(lifecycle.noncurrentTransitions.length).toBeGreaterThan(0);
      // Scans never expire.
      for (const rule of rules) {
        expect(rule.ExpirationInDays).toBeUndefined();
        expect(rule.NoncurrentVersionExpiration).toBeUndefined();
      }
      expect(uploads.ObjectLockConfiguration).toEqual({
        ObjectLockEnabled: "Enabled",
        Rule: { DefaultRetention: { Mode: "GOVERNANCE", Days: synth.config.objectLockDays } },
      });
    });

    it("tiers and expires raw OCR results as configured", () => {
      const lifecycle = synth.config.lifecycle.ocrResults;
      const rules = (props(synth.stack.results.bucket).LifecycleConfiguration as { Rules: unknown[] }).Rules;
      expect(rules).toContainEqual(
        expect.objectContaining({
          Id: "expire-raw-ocr-results",
          ExpirationInDays: synth.config.ocrResultsRetentionDays,
          NoncurrentVersionExpiration: { NoncurrentDays: lifecycle.noncurrentExpirationDays },
        }),
      );
      if (lifecycle.transitions.length > 0 || lifecycle.noncurrentTransitions.length > 0) {
        expect(rules).toContainEqual(
          expect.objectContaining({
            Id: "tier-raw-ocr-results",
            Transitions: s3Transitions(lifecycle.transitions),
          }),
        );
      } else {
        expect(rules).toHaveLength(1);
      }
      if (envName === "prod") expect(lifecycle.transitions.length).toBeGreaterThan(0);
    });
  });

  // ── 3. VPC placement and endpoints ──────────────────────────────────────────────────────────────
  describe("network", () => {
    it("runs every function in the isolated subnets with its own security group", () => {
      const isolatedSubnets = synth.stack.network.vpc.isolatedSubnets.map((s) => logicalId(s));
      expect(isolatedSubnets.length).toBe(envName === "prod" ? 2 : 1);
      const functions = [
        synth.stack.pipeline.ingestFunction,
        synth.stack.pipeline.ocrCompleteFunction,
        synth.stack.pipeline.indexRecordsFunction,
        synth.stack.recordsApi.apiFunction,
        synth.stack.sweeper.sweeperFunction,
        synth.stack.reprocessJobs.workerFunction,
        synth.stack.recordEvents.function,
      ];
      expect(appFunctions(resources)).toHaveLength(functions.length);
      const groups = new Set<string>();
      for (const fn of functions) {
        const vpcConfig = props(fn.function).VpcConfig as { SubnetIds: unknown; SecurityGroupIds: unknown };
        expect([...referencedIds(vpcConfig.SubnetIds)].sort(), fn.node.path).toEqual(
          [...isolatedSubnets].sort(),
        );
        expect(vpcConfig.SecurityGroupIds, fn.node.path).toEqual([
          { "Fn::GetAtt": [logicalId(fn.securityGroup), "GroupId"] },
        ]);
        groups.add(logicalId(fn.securityGroup));
      }
      expect(groups.size).toBe(functions.length);
    });

    it("has gateway endpoints for S3/DynamoDB and private-DNS interface endpoints for the APIs the functions call", () => {
      const endpoints = ofType(resources, "AWS::EC2::VPCEndpoint").map(([, p]) => ({
        type: p.VpcEndpointType,
        service: (JSON.stringify(p.ServiceName).match(/\.([a-z0-9-]+)"\]\]\}$/) ?? [])[1],
        props: p,
      }));
      const services = (type: string): string[] =>
        endpoints
          .filter((e) => e.type === type)
          .map((e) => e.service ?? "?")
          .sort();
      expect(services("Gateway")).toEqual(["dynamodb", "s3"]);
      expect(services("Interface")).toEqual(["events", "kms", "logs", "sqs", "sts", "textract", "xray"]);
      const endpointSg = logicalId(synth.stack.network.endpointSecurityGroup);
      for (const e of endpoints.filter((e) => e.type === "Interface")) {
        expect(e.props.PrivateDnsEnabled, e.service).toBe(true);
        expect(e.props.SecurityGroupIds, e.service).toEqual([{ "Fn::GetAtt": [endpointSg, "GroupId"] }]);
      }
    });

    it("admits HTTPS to the interface endpoints only from the function and search-admin security groups", () => {
      const endpointSg = logicalId(synth.stack.network.endpointSecurityGroup);
      const sg = resources[endpointSg]?.Properties ?? {};
      expect(sg.SecurityGroupIngress).toBeUndefined(); // no inline (CIDR) rules
      const sources = ofType(resources, "AWS::EC2::SecurityGroupIngress")
        .filter(([, p]) => referencedIds(p.GroupId).has(endpointSg))
        .map(([, p]) => {
          expect(p).toMatchObject({ IpProtocol: "tcp", FromPort: 443, ToPort: 443 });
          expect(p.CidrIp).toBeUndefined();
          return [...referencedIds(p.SourceSecurityGroupId)][0];
        });
      const expected = [
        synth.stack.pipeline.ingestFunction.securityGroup,
        synth.stack.pipeline.ocrCompleteFunction.securityGroup,
        synth.stack.pipeline.indexRecordsFunction.securityGroup,
        synth.stack.recordsApi.apiFunction.securityGroup,
        synth.stack.sweeper.sweeperFunction.securityGroup,
        synth.stack.reprocessJobs.workerFunction.securityGroup,
        synth.stack.recordEvents.function.securityGroup,
        synth.stack.search.adminClientSecurityGroup,
      ].map((g) => logicalId(g));
      expect(sources.sort()).toEqual(expected.sort());
    });
  });

  // ── 4. OpenSearch ───────────────────────────────────────────────────────────────────────────────
  describe("search domain", () => {
    it("enables fine-grained access control with an IAM role as master user (no password)", () => {
      const domain = props(synth.stack.search.domain);
      expect(domain.AdvancedSecurityOptions).toEqual({
        Enabled: true,
        InternalUserDatabaseEnabled: false,
        MasterUserOptions: { MasterUserARN: getAttArn(logicalId(synth.stack.search.adminRole)) },
      });
      expect(JSON.stringify(domain)).not.toMatch(/MasterUserPassword|MasterUserName/);
      expect(domain).toMatchObject({
        NodeToNodeEncryptionOptions: { Enabled: true },
        DomainEndpointOptions: { EnforceHTTPS: true, TLSSecurityPolicy: "Policy-Min-TLS-1-2-PFS-2023-10" },
      });
    });

    it("names exactly the function roles (and the master role) in the domain access policy", () => {
      const { pipeline, recordsApi, reprocessJobs, search } = synth.stack;
      const statements = (props(search.domain).AccessPolicies as { Statement: Statement[] }).Statement;
      const roleOf = (fn: IConstruct): string => logicalId((fn as unknown as { role: IConstruct }).role);
      const byPrincipal = new Map(statements.map((s) => [[...referencedIds(s.Principal)][0], s]));
      expect([...byPrincipal.keys()].sort()).toEqual(
        [
          roleOf(pipeline.indexRecordsFunction.function),
          roleOf(recordsApi.apiFunction.function),
          roleOf(reprocessJobs.workerFunction.function),
          logicalId(search.adminRole),
        ].sort(),
      );
      for (const s of statements) expect(s.Effect).toBe("Allow");
      // The api function and the background worker (exports) only read.
      for (const fn of [recordsApi.apiFunction.function, reprocessJobs.workerFunction.function]) {
        expect(actionsOf(byPrincipal.get(roleOf(fn)) as Statement).sort()).toEqual(
          ["es:ESHttpGet", "es:ESHttpHead", "es:ESHttpPost"].sort(),
        );
      }
      expect(search.grantedPrincipals.map((g) => g.access).sort()).toEqual(["read", "read", "readWrite"]);
    });

    it("refuses to grant search access to a principal the resource policy cannot name", () => {
      const imported = lambda.Function.fromFunctionArn(
        new Stack(new App(), "Elsewhere"),
        "Imported",
        "arn:aws:lambda:us-east-1:111122223333:function:other",
      );
      expect(() => synth.stack.search.grantRead(imported)).toThrow(/no principal to grant search access to/);
    });

    it("publishes audit, error (application) and slow search/index logs to KMS-encrypted groups with retention", () => {
      const publishing = props(synth.stack.search.domain).LogPublishingOptions as Record<
        string,
        { Enabled: boolean; CloudWatchLogsLogGroupArn: unknown }
      >;
      expect(Object.keys(publishing).sort()).toEqual(
        ["AUDIT_LOGS", "ES_APPLICATION_LOGS", "INDEX_SLOW_LOGS", "SEARCH_SLOW_LOGS"].sort(),
      );
      const groups = new Set<string>();
      for (const [type, option] of Object.entries(publishing)) {
        expect(option.Enabled, type).toBe(true);
        const [groupId] = [...referencedIds(option.CloudWatchLogsLogGroupArn)];
        const group = resources[groupId ?? ""]?.Properties ?? {};
        expect(group.KmsKeyId, type).toEqual(getAttArn(keys.logs));
        expect(group.RetentionInDays, type).toBe(synth.config.logRetention);
        groups.add(groupId ?? "");
      }
      expect(groups.size).toBe(4);
      // OpenSearch may write to exactly these groups.
      const [[, logsPolicy]] = ofType(resources, "AWS::Logs::ResourcePolicy") as [
        [string, Record<string, unknown>],
      ];
      expect([...referencedIds(logsPolicy.PolicyDocument)].sort()).toEqual([...groups].sort());
    });
  });

  // ── 5. WAF ──────────────────────────────────────────────────────────────────────────────────────
  describe("API firewall", () => {
    it("associates a regional web ACL with managed rule groups and a per-IP rate limit with the API stage", () => {
      const firewall = synth.stack.recordsApi.firewall;
      const acl = props(firewall.webAcl);
      expect(acl).toMatchObject({ Scope: "REGIONAL", DefaultAction: { Allow: {} } });
      const rules = acl.Rules as { Name: string; Statement: Record<string, unknown>; Action?: unknown }[];
      const managed = rules
        .map((r) => r.Statement.ManagedRuleGroupStatement as { VendorName: string; Name: string } | undefined)
        .filter((m) => m !== undefined);
      expect(managed.map((m) => `${m.VendorName}/${m.Name}`).sort()).toEqual([
        "AWS/AWSManagedRulesAmazonIpReputationList",
        "AWS/AWSManagedRulesCommonRuleSet",
        "AWS/AWSManagedRulesKnownBadInputsRuleSet",
      ]);
      expect(rules).toContainEqual(
        expect.objectContaining({
          Action: { Block: {} },
          Statement: {
            RateBasedStatement: {
              AggregateKeyType: "IP",
              Limit: synth.config.api.wafRequestsPer5MinPerIp,
              EvaluationWindowSec: 300,
            },
          },
        }),
      );

      const association = props(firewall.association!);
      expect(association.WebACLArn).toEqual(getAttArn(logicalId(firewall.webAcl)));
      const target = referencedIds(association.ResourceArn);
      expect(target).toEqual(
        new Set([
          logicalId(synth.stack.recordsApi.api),
          logicalId(synth.stack.recordsApi.api.deploymentStage),
        ]),
      );
      expect(JSON.stringify(association.ResourceArn)).toContain("/stages/");
    });

    it("logs blocked and counted requests, redacted, to an encrypted aws-waf-logs-* group", () => {
      const firewall = synth.stack.recordsApi.firewall;
      const logGroup = props(firewall.logGroup);
      expect(logGroup.LogGroupName).toBe(`aws-waf-logs-chartbridge-${envName}-api`);
      expect(logGroup.KmsKeyId).toEqual(getAttArn(keys.logs));
      template.hasResourceProperties("AWS::WAFv2::LoggingConfiguration", {
        ResourceArn: getAttArn(logicalId(firewall.webAcl)),
        LogDestinationConfigs: [
          { "Fn::Join": ["", Match.arrayWith([`:log-group:aws-waf-logs-chartbridge-${envName}-api`])] },
        ],
        RedactedFields: Match.arrayWith([{ SingleHeader: { Name: "authorization" } }, { QueryString: {} }]),
        LoggingFilter: Match.objectLike({ DefaultBehavior: "DROP" }),
      });
    });
  });
});
