/**
 * What vendor batches need in AWS: presigned PUTs the api's role may sign only under `<vendor>/<batch>/` keys
 * with the scans key, the record-events consumer of the table stream, and the event bus batch.completed goes to.
 */
import { describe, expect, it } from "vitest";
import { synthesizedOnce } from "./synth-chartbridge";
import * as cfn from "./template";

describe("vendor batches in the chartbridge stack (dev)", () => {
  const synthesized = synthesizedOnce("dev");

  it("lets the api sign batch uploads only under <vendor>/<batch>/ keys of the uploads bucket, with the scans key", () => {
    const { stack, resources } = synthesized();
    const apiFn = stack.recordsApi.apiFunction;
    const statements = cfn.statementsOfRole(resources, cfn.logicalId(apiFn.role));
    const puts = statements.filter((s) => cfn.actionsOf(s).includes("s3:PutObject"));
    const bucketId = cfn.logicalId(stack.storage.uploadsBucket);
    const putTargets = puts.flatMap((s) =>
      (Array.isArray(s.Resource) ? s.Resource : [s.Resource]).map(cfn.flat),
    );
    expect(putTargets.filter((r) => r.includes(bucketId))).toEqual([`<${bucketId}.Arn>/*/*/*`]);
    const env = (resources[cfn.logicalId(apiFn.function)]!.Properties!.Environment as { Variables: object })
      .Variables;
    expect(env).toMatchObject({ UPLOAD_KMS_KEY_ID: cfn.getAttArn(cfn.logicalId(stack.keys.scans)) });
    const kms = statements.filter((s) => cfn.actionsOf(s).some((a) => a.startsWith("kms:GenerateDataKey")));
    expect(kms.some((s) => cfn.flat(s.Resource).includes(cfn.logicalId(stack.keys.scans)))).toBe(true);
  });

  it("feeds record-events from the table stream (records and batches only), with retries and a failure queue", () => {
    const { stack, resources } = synthesized();
    const fnId = cfn.logicalId(stack.recordEvents.function.function);
    const mappings = cfn
      .ofType(resources, "AWS::Lambda::EventSourceMapping")
      .filter(([, m]) => cfn.referencedIds(m.FunctionName).has(fnId));
    expect(mappings).toHaveLength(1);
    const [, mapping] = mappings[0]!;
    expect(cfn.referencedIds(mapping.EventSourceArn)).toContain(cfn.logicalId(stack.records.table));
    expect(mapping).toMatchObject({
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ["ReportBatchItemFailures"],
      StartingPosition: "TRIM_HORIZON",
    });
    expect(
      JSON.parse((mapping.FilterCriteria as { Filters: { Pattern: string }[] }).Filters[0]!.Pattern),
    ).toEqual({
      dynamodb: { NewImage: { sk: { S: ["RECORD", "BATCH"] } } },
    });
    expect(cfn.referencedIds(mapping.DestinationConfig)).toContain(
      cfn.logicalId(stack.recordEvents.failureQueue),
    );
  });

  it("announces batch.completed on the stack's own event bus, which record-events alone may put to", () => {
    const { stack, resources } = synthesized();
    const busId = cfn.logicalId(stack.recordEvents.bus);
    expect(resources[busId]!.Properties).toMatchObject({ Name: "chartbridge-dev-events" });
    const putters = cfn
      .ofType(resources, "AWS::IAM::Policy")
      .filter(([, p]) => JSON.stringify(p.PolicyDocument).includes("events:PutEvents"))
      .flatMap(([, p]) => [...cfn.referencedIds(p.Roles)]);
    expect(putters).toEqual([cfn.logicalId(stack.recordEvents.function.role)]);
    const fn = resources[cfn.logicalId(stack.recordEvents.function.function)]!.Properties!;
    expect((fn.Environment as { Variables: object }).Variables).toMatchObject({
      EVENT_BUS_NAME: { Ref: busId },
    });
  });
});
