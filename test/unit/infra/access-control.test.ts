import { describe, expect, it } from "vitest";
import { AUDIT_TABLE_SCHEMA } from "../../../shared/adapters/dynamodb/audit-table-design";
import { AUDIT_IMMUTABLE_ACTIONS } from "../../../infra/constructs/audit-table";
import { synthesizedOnce } from "./synth-chartbridge";
import * as cfn from "./template";

describe("access control and audit in AWS (dev)", () => {
  const synthesized = synthesizedOnce("dev");

  it("has a records resource server with a read scope for systems and a staff scope for people", () => {
    const [[, server]] = cfn.ofType(synthesized().resources, "AWS::Cognito::UserPoolResourceServer") as [
      [string, Record<string, unknown>],
    ];
    expect(server.Identifier).toBe("records");
    expect((server.Scopes as { ScopeName: string }[]).map((s) => s.ScopeName).sort()).toEqual([
      "read",
      "staff",
    ]);
  });

  it("has a FHIR resource server named system, so its scopes read as SMART spells them", () => {
    const servers = cfn.ofType(synthesized().resources, "AWS::Cognito::UserPoolResourceServer");
    const fhir = servers.map(([, s]) => s as Record<string, unknown>).find((s) => s.Identifier === "system")!;
    expect((fhir.Scopes as { ScopeName: string }[]).map((s) => `system/${s.ScopeName}`).sort()).toEqual([
      "system/*.read",
      "system/Binary.read",
      "system/DocumentReference.read",
      "system/Patient.read",
    ]);
  });

  it("gives downstream systems a client-credentials client that can only ask for records/read and system/*.read", () => {
    const { stack, resources } = synthesized();
    const client = resources[cfn.logicalId(stack.recordsApi.machineClient)]!.Properties!;
    expect(client).toMatchObject({ GenerateSecret: true, AllowedOAuthFlows: ["client_credentials"] });
    const server = cfn.logicalId(stack.recordsApi.resourceServer);
    // The scope is named through the resource server (its identifier is "records").
    const fhir = cfn.logicalId(stack.recordsApi.fhirResourceServer);
    expect((client.AllowedOAuthScopes as unknown[]).map((s) => cfn.flat(s))).toEqual([
      `<${server}>/read`,
      `<${fhir}>/*.read`,
    ]);
    expect(client.ExplicitAuthFlows ?? []).not.toContain("ALLOW_USER_SRP_AUTH");
  });

  it("signs people in to the web app with the authorization code flow, no client secret", () => {
    const { stack, resources } = synthesized();
    const client = resources[cfn.logicalId(stack.recordsApi.userPoolClient)]!.Properties!;
    expect(client.GenerateSecret).toBe(false);
    expect(client.AllowedOAuthFlows).toEqual(["code"]);
    const server = cfn.logicalId(stack.recordsApi.resourceServer);
    expect((client.AllowedOAuthScopes as unknown[]).map((s) => cfn.flat(s))).toEqual([
      "openid",
      "email",
      `<${server}>/staff`,
    ]);
    expect(client.CallbackURLs).toEqual(["http://localhost:5173/"]);
    expect(cfn.ofType(resources, "AWS::Cognito::UserPoolDomain")).toHaveLength(1);
  });

  it("lets API Gateway pass only access tokens with a records or FHIR scope, except on /health, /openapi.json and /fhir/metadata", () => {
    const { stack, resources } = synthesized();
    const root = stack.recordsApi.api.root;
    const open = new Set(
      ["health", "openapi.json", "fhir/metadata"].map((p) =>
        cfn.logicalId(root.resourceForPath(p).node.findChild("GET")),
      ),
    );
    const methods = cfn.ofType(resources, "AWS::ApiGateway::Method");
    expect(methods.filter(([id]) => open.has(id)).map(([, m]) => m.AuthorizationType)).toEqual([
      "NONE",
      "NONE",
      "NONE",
    ]);
    const closed = methods.filter(([id]) => !open.has(id));
    expect(closed.length).toBeGreaterThan(0);
    for (const [id, method] of closed) {
      expect(method.AuthorizationType, id).toBe("COGNITO_USER_POOLS");
      expect(method.AuthorizationScopes, id).toEqual([
        "records/read",
        "records/staff",
        "system/Patient.read",
        "system/DocumentReference.read",
        "system/Binary.read",
        "system/*.read",
      ]);
    }
  });

  it("keeps the audit trail in its own table: the design's keys, its own key, PITR, updates and deletes denied to all", () => {
    const { stack, resources } = synthesized();
    const table = resources[cfn.logicalId(stack.audit.table)]!.Properties!;
    expect(cfn.tableSchemaOf(table)).toMatchObject({ KeySchema: AUDIT_TABLE_SCHEMA.KeySchema });
    expect(table.SSESpecification).toMatchObject({
      SSEEnabled: true,
      SSEType: "KMS",
      KMSMasterKeyId: cfn.getAttArn(cfn.logicalId(stack.keys.audit)),
    });
    expect(table.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    const statements = (table.ResourcePolicy as { PolicyDocument: { Statement: cfn.Statement[] } })
      .PolicyDocument.Statement;
    expect(statements).toHaveLength(1);
    expect(statements[0]).toMatchObject({ Effect: "Deny", Principal: { AWS: "*" }, Resource: "*" });
    expect(cfn.actionsOf(statements[0]!).sort()).toEqual([...AUDIT_IMMUTABLE_ACTIONS].sort());
  });

  it("lets only the api function write audit events, and no function change or delete them", () => {
    const { stack, resources } = synthesized();
    const auditArn = `<${cfn.logicalId(stack.audit.table)}.Arn>`;
    const apiRole = cfn.logicalId(stack.recordsApi.apiFunction.role);
    const grants = cfn
      .ofType(resources, "AWS::IAM::Policy")
      .flatMap(([, p]) =>
        (p.PolicyDocument as { Statement: cfn.Statement[] }).Statement.map((s) => ({
          roles: cfn.referencedIds(p.Roles),
          s,
        })),
      )
      .filter(({ s }) => cfn.flat(s.Resource).includes(auditArn));
    expect(grants.length).toBeGreaterThan(0);
    for (const { roles, s } of grants) {
      expect([...roles]).toEqual([apiRole]);
      expect(cfn.actionsOf(s).filter((a) => /Update|Delete|BatchWrite|PartiQL|\*/.test(a))).toEqual([]);
    }
    expect(grants.flatMap(({ s }) => cfn.actionsOf(s)).sort()).toEqual([
      "dynamodb:BatchGetItem",
      "dynamodb:GetItem",
      "dynamodb:PutItem",
      "dynamodb:Query",
    ]);
    const env = (
      resources[cfn.logicalId(stack.recordsApi.apiFunction.function)]!.Properties!.Environment as {
        Variables: Record<string, unknown>;
      }
    ).Variables;
    expect(env.AUDIT_TABLE_NAME).toEqual({ Ref: cfn.logicalId(stack.audit.table) });
  });

  it("runs background jobs through a queue only the api may send to, and a worker limited to ocr/ and exports/", () => {
    const { stack, resources } = synthesized();
    const { queue, workerFunction } = stack.reprocessJobs;
    const queueArn = `<${cfn.logicalId(queue)}.Arn>`;
    const senders = cfn
      .ofType(resources, "AWS::IAM::Policy")
      .flatMap(([, p]) =>
        (p.PolicyDocument as { Statement: cfn.Statement[] }).Statement.filter(
          (s) => cfn.flat(s.Resource).includes(queueArn) && cfn.actionsOf(s).includes("sqs:SendMessage"),
        ).map(() => [...cfn.referencedIds(p.Roles)]),
      );
    expect(senders).toEqual([[cfn.logicalId(stack.recordsApi.apiFunction.role)]]);
    const api = resources[cfn.logicalId(stack.recordsApi.apiFunction.function)]!.Properties!.Environment as {
      Variables: Record<string, unknown>;
    };
    expect(api.Variables.REPROCESS_QUEUE_URL).toEqual({ Ref: cfn.logicalId(queue) });

    const mappings = cfn
      .ofType(resources, "AWS::Lambda::EventSourceMapping")
      .filter(([, m]) => cfn.referencedIds(m.EventSourceArn).has(cfn.logicalId(queue)));
    expect(mappings).toHaveLength(1);
    const [, mapping] = mappings[0]!;
    expect(mapping).toMatchObject({ BatchSize: 1, FunctionResponseTypes: ["ReportBatchItemFailures"] });
    expect(cfn.referencedIds(mapping.FunctionName).has(cfn.logicalId(workerFunction.function))).toBe(true);

    const results = `<${cfn.logicalId(stack.results.bucket)}.Arn>`;
    const s3Resources = cfn
      .statementsOfRole(resources, cfn.logicalId(workerFunction.role))
      .filter((s) => cfn.actionsOf(s).some((a) => a.startsWith("s3:")))
      .flatMap((s) => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]).map((r) => cfn.flat(r)));
    expect(s3Resources.length).toBeGreaterThan(0);
    for (const r of s3Resources) expect([results, `${results}/ocr/*`, `${results}/exports/*`]).toContain(r);
  });

  it("records every read and write of the scans and OCR output with CloudTrail, validated and encrypted", () => {
    const { stack, resources } = synthesized();
    const [[, trail]] = cfn.ofType(resources, "AWS::CloudTrail::Trail") as [
      [string, Record<string, unknown>],
    ];
    expect(trail).toMatchObject({ EnableLogFileValidation: true, IsMultiRegionTrail: true, IsLogging: true });
    expect(trail.KMSKeyId).toEqual(cfn.getAttArn(cfn.logicalId(stack.keys.audit)));
    const selectors = trail.EventSelectors as {
      ReadWriteType: string;
      DataResources: { Type: string; Values: unknown[] }[];
    }[];
    const dataValues = selectors.flatMap((s) =>
      s.DataResources.flatMap((d) => d.Values.map((v) => cfn.flat(v))),
    );
    for (const bucket of [stack.storage.uploadsBucket, stack.results.bucket]) {
      expect(dataValues.some((v) => v.includes(cfn.logicalId(bucket)))).toBe(true);
    }
    expect(selectors.every((s) => s.ReadWriteType === "All")).toBe(true);
  });
});
