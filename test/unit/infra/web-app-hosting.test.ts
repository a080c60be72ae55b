/**
 * The web app in AWS: a private bucket behind CloudFront (origin access control), the API under /api never
 * cached, a strict CSP and the other security headers, the edge stack's CLOUDFRONT web ACL, TLS 1.2+ with the
 * app's domain, and a Cognito client that returns people to the app.
 */
import { Template } from "aws-cdk-lib/assertions";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { webAclArnParameter } from "../../../infra/stacks/edge-stack";
import { synthChartbridge, SYNTH_TIMEOUT_MS, type SynthesizedChartbridge } from "./synth-chartbridge";
import { logicalId, ofType, referencedIds, type Resources } from "./template";

/** AWS managed cache policies (CloudFront documents these ids). */
const CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad";
const CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6";

type Behavior = {
  PathPattern?: string;
  CachePolicyId: string;
  TargetOriginId: string;
  AllowedMethods?: string[];
  ViewerProtocolPolicy: string;
  ResponseHeadersPolicyId: unknown;
  FunctionAssociations?: { EventType: string; FunctionARN: unknown }[];
  OriginRequestPolicyId?: string;
};

describe.each(["dev", "prod"])("the web app's hosting (%s)", (envName) => {
  let synth: SynthesizedChartbridge;
  let main: Resources;
  let edge: Resources;

  beforeAll(() => {
    synth = synthChartbridge(envName);
    if (synth.synthError) throw synth.synthError;
    main = Template.fromStack(synth.stack).toJSON().Resources as Resources;
    edge = Template.fromStack(synth.edgeStack).toJSON().Resources as Resources;
  }, SYNTH_TIMEOUT_MS);
  afterAll(() => synth?.cleanup());

  const distribution = () => {
    const [, props] = ofType(main, "AWS::CloudFront::Distribution")[0]!;
    return props.DistributionConfig as Record<string, unknown> & {
      DefaultCacheBehavior: Behavior;
      CacheBehaviors: Behavior[];
      Origins: {
        Id: string;
        DomainName: unknown;
        S3OriginConfig?: unknown;
        OriginAccessControlId?: unknown;
      }[];
    };
  };

  it("keeps the app's files in a private bucket that only this distribution may read", () => {
    const bucket = main[logicalId(synth.stack.webApp.bucket)]!.Properties!;
    expect(bucket.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    const s3Origin = distribution().Origins.find((o) => o.S3OriginConfig)!;
    expect(s3Origin.OriginAccessControlId).toBeDefined();
    const policy = ofType(main, "AWS::S3::BucketPolicy").find(([, p]) =>
      referencedIds(p.Bucket).has(logicalId(synth.stack.webApp.bucket)),
    )![1];
    const statements = (policy.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement;
    const read = statements.find((s) => JSON.stringify(s.Principal).includes("cloudfront.amazonaws.com"))!;
    expect(read.Action).toBe("s3:GetObject");
    expect(JSON.stringify(read.Condition)).toContain(logicalId(synth.stack.webApp.distribution));
  });

  it("serves the API under /api, never cached, every method, the prefix removed before API Gateway", () => {
    const api = distribution().CacheBehaviors.find((b) => b.PathPattern === "/api/*")!;
    expect(api.CachePolicyId).toBe(CACHING_DISABLED);
    expect(api.AllowedMethods).toEqual(expect.arrayContaining(["GET", "POST", "PATCH", "OPTIONS"]));
    expect(api.ViewerProtocolPolicy).toBe("https-only");
    expect(api.OriginRequestPolicyId).toBeDefined();
    expect(api.FunctionAssociations?.[0]?.EventType).toBe("viewer-request");
    const origin = distribution().Origins.find((o) => o.Id === api.TargetOriginId)!;
    expect(referencedIds(origin.DomainName)).toContain(logicalId(synth.stack.recordsApi.api));

    const [, fn] = ofType(main, "AWS::CloudFront::Function")[0]!;
    const code = String(fn.FunctionCode);
    const handler = new Function(`${code}; return handler;`)() as (e: { request: { uri: string } }) => {
      uri: string;
    };
    expect(handler({ request: { uri: "/api/search" } }).uri).toBe("/search");
    expect(handler({ request: { uri: "/api/records/doc_1/pages/2" } }).uri).toBe("/records/doc_1/pages/2");
    expect(handler({ request: { uri: "/api" } }).uri).toBe("/");
    expect(handler({ request: { uri: "/apiary" } }).uri).toBe("/apiary");
  });

  it("never caches index.html and config.json, and caches the content-hashed assets", () => {
    expect(distribution().DefaultCacheBehavior.CachePolicyId).toBe(CACHING_DISABLED);
    expect(distribution().DefaultCacheBehavior.ViewerProtocolPolicy).toBe("redirect-to-https");
    const assets = distribution().CacheBehaviors.find((b) => b.PathPattern === "/assets/*")!;
    expect(assets.CachePolicyId).toBe(CACHING_OPTIMIZED);
  });

  it("sends a strict Content-Security-Policy and the other security headers on every answer", () => {
    const [id, props] = ofType(main, "AWS::CloudFront::ResponseHeadersPolicy")[0]!;
    const config = props.ResponseHeadersPolicyConfig as {
      SecurityHeadersConfig: Record<string, Record<string, unknown>>;
    };
    const headers = config.SecurityHeadersConfig;
    const csp = JSON.stringify(headers.ContentSecurityPolicy!.ContentSecurityPolicy);
    for (const directive of [
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self'",
      "frame-ancestors 'none'",
      "object-src 'none'",
    ]) {
      expect(csp).toContain(directive);
    }
    expect(csp).not.toContain("unsafe-inline");
    expect(csp).not.toContain("unsafe-eval");
    // Images only from the results bucket (the page images' presigned links).
    expect(referencedIds(headers.ContentSecurityPolicy!.ContentSecurityPolicy)).toContain(
      logicalId(synth.stack.results.bucket),
    );
    expect(headers.StrictTransportSecurity).toMatchObject({
      AccessControlMaxAgeSec: 63072000,
      IncludeSubdomains: true,
    });
    expect(headers.FrameOptions).toMatchObject({ FrameOption: "DENY" });
    expect(headers.ContentTypeOptions).toMatchObject({ Override: true });
    expect(headers.ReferrerPolicy).toMatchObject({ ReferrerPolicy: "no-referrer" });
    for (const behavior of [distribution().DefaultCacheBehavior, ...distribution().CacheBehaviors]) {
      expect(referencedIds(behavior.ResponseHeadersPolicyId)).toContain(id);
    }
  });

  it("is protected by the edge stack's CLOUDFRONT web ACL, read from its parameter in us-east-1", () => {
    expect(synth.edgeStack.region).toBe("us-east-1");
    const [, acl] = ofType(edge, "AWS::WAFv2::WebACL")[0]!;
    expect(acl.Scope).toBe("CLOUDFRONT");
    expect((acl.Rules as { Name: string }[]).map((r) => r.Name)).toEqual([
      "AWSManagedRulesAmazonIpReputationList",
      "RateLimitPerIp",
      "AWSManagedRulesCommonRuleSet",
      "AWSManagedRulesKnownBadInputsRuleSet",
    ]);
    const [, parameter] = ofType(edge, "AWS::SSM::Parameter")[0]!;
    expect(parameter.Name).toBe(webAclArnParameter(envName));
    const [, logging] = ofType(edge, "AWS::WAFv2::LoggingConfiguration")[0]!;
    expect(logging.RedactedFields).toEqual(
      expect.arrayContaining([
        { QueryString: {} },
        { UriPath: {} },
        { SingleHeader: { Name: "authorization" } },
      ]),
    );

    const webAcl = distribution().WebACLId as { "Fn::GetAtt": [string, string] };
    expect(webAcl["Fn::GetAtt"][1]).toBe("Parameter.Value");
    const reader = main[webAcl["Fn::GetAtt"][0]]!.Properties!;
    expect(JSON.parse(reader.Create as string)).toMatchObject({
      service: "SSM",
      action: "GetParameter",
      region: "us-east-1",
      parameters: { Name: webAclArnParameter(envName) },
    });
    expect(synth.stack.dependencies).toContain(synth.edgeStack);
  });

  it("logs viewer requests, and requires TLS 1.2 with the app's own domain where one is configured", () => {
    expect(distribution().Logging).toMatchObject({ IncludeCookies: false, Prefix: "cloudfront/" });
    if (envName === "prod") {
      expect(distribution().Aliases).toEqual([synth.config.web.domainName]);
      expect(distribution().ViewerCertificate).toMatchObject({
        AcmCertificateArn: synth.config.web.certificateArn,
        MinimumProtocolVersion: "TLSv1.2_2021",
        SslSupportMethod: "sni-only",
      });
    } else {
      expect(distribution().Aliases).toBeUndefined();
    }
  });

  it("signs people in through the hosted UI with a code + PKCE client that returns them to the app", () => {
    const client = main[logicalId(synth.stack.webApp.userPoolClient)]!.Properties!;
    expect(client.GenerateSecret).toBe(false);
    expect(client.AllowedOAuthFlows).toEqual(["code"]);
    const scopes = client.AllowedOAuthScopes as unknown[];
    expect(scopes).toContain("openid");
    // records/staff, named through the resource server (so the client is created after it).
    expect(scopes.some((s) => JSON.stringify(s).includes("/staff"))).toBe(true);
    const callbacks = JSON.stringify(client.CallbackURLs);
    if (envName === "prod") expect(client.CallbackURLs).toEqual(["https://records.example.org/"]);
    else expect(callbacks).toContain(logicalId(synth.stack.webApp.distribution));
  });

  it("deploys the built app with a config.json naming the hosted UI, the app client and /api", () => {
    const [, deployment] = ofType(main, "Custom::CDKBucketDeployment")[0]!;
    expect(referencedIds(deployment.DestinationBucketName)).toContain(logicalId(synth.stack.webApp.bucket));
    expect(deployment.DistributionPaths).toEqual(["/index.html", "/config.json"]);
    expect(deployment.Prune).toBe(false);
    const markers = JSON.stringify(deployment.SourceMarkers);
    expect(markers).toContain(logicalId(synth.stack.webApp.userPoolClient));
    expect(markers).toContain(logicalId(synth.stack.recordsApi.userPool));
  });
});
