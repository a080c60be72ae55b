import { join, resolve } from "node:path";
import { AssetHashType, DockerImage, Duration, type RemovalPolicy, Stack } from "aws-cdk-lib";
import type * as apigw from "aws-cdk-lib/aws-apigateway";
import * as acm from "aws-cdk-lib/aws-certificatemanager";
import * as cloudfront from "aws-cdk-lib/aws-cloudfront";
import * as origins from "aws-cdk-lib/aws-cloudfront-origins";
import * as cognito from "aws-cdk-lib/aws-cognito";
import type * as kms from "aws-cdk-lib/aws-kms";
import * as logs from "aws-cdk-lib/aws-logs";
import * as s3 from "aws-cdk-lib/aws-s3";
import * as s3deploy from "aws-cdk-lib/aws-s3-deployment";
import { Construct } from "constructs";
import { buildWebSync, webSourceHash } from "../../web/scripts/web-build";
import { accessLogsBucketProps } from "./phi-bucket-props";
import { RECORDS_RESOURCE_SERVER } from "./records-api";
import { acknowledge, acknowledgeDeployTimeFunction, deployTimeRole, wildcardResourceFinding } from "./nag";

const DEPLOYMENT_GRANTS =
  "CDK's BucketDeployment grants: read the built app from the CDK asset bucket and write it to the app's bucket, nothing else.";

/** The repository root: the web app's sources are under web/. */
const ROOT = resolve(import.meta.dirname, "../..");

/** Where the app calls the API: CloudFront forwards `/api/*` to the REST API stage with the prefix removed. */
export const API_PATH_PREFIX = "/api";

export interface WebAppHostingProps {
  readonly envName: string;
  /** The records API: served under /api on the app's own origin (no CORS, one TLS policy, one WAF). */
  readonly api: apigw.RestApi;
  readonly userPool: cognito.IUserPool;
  /** The hosted UI people sign in on. */
  readonly userPoolDomain: cognito.UserPoolDomain;
  readonly resourceServer: cognito.IUserPoolResourceServer;
  /** The scope a person's access token must carry for the API (`records/staff`). */
  readonly staffScope: cognito.ResourceServerScope;
  /** Page images are fetched from here (short-lived presigned links): the CSP allows this bucket only. */
  readonly resultsBucket: s3.IBucket;
  /** Server access logs of the app's buckets. */
  readonly accessLogsBucket: s3.IBucket;
  readonly accessLogRetentionDays: number;
  /** ARN of the CLOUDFRONT-scope web ACL (created in us-east-1 by the edge stack). */
  readonly webAclArn: string;
  readonly idleTimeoutMinutes: number;
  /** Fields below this confidence are flagged (the pipeline's REVIEW_THRESHOLD). */
  readonly reviewThreshold: number;
  /**
   * The app's host name and its ACM certificate in us-east-1.
   * @default - the distribution's cloudfront.net name
   */
  readonly customDomain?: { readonly domainName: string; readonly certificateArn: string };
  /**
   * The built app.
   * @default - web/ built with Vite at synth (in Docker when local bundling is not possible)
   */
  readonly assets?: s3deploy.ISource;
  readonly logsKey: kms.IKey;
  readonly logRetention: logs.RetentionDays;
  readonly removalPolicy: RemovalPolicy;
}

/** The app's files as a deployment source: Vite builds web/ into the asset at synth. */
export function builtWebApp(): s3deploy.ISource {
  return s3deploy.Source.asset(join(ROOT, "web"), {
    // The build also depends on shared code and the lockfile: hash what it is built from.
    assetHash: webSourceHash(ROOT),
    assetHashType: AssetHashType.CUSTOM,
    exclude: ["dist", "node_modules"],
    bundling: {
      image: DockerImage.fromRegistry("public.ecr.aws/docker/library/node:22-bookworm-slim"),
      command: [
        "bash",
        "-c",
        "echo 'build the web app locally: npm install at the repository root' && exit 1",
      ],
      local: {
        tryBundle(outputDir: string): boolean {
          buildWebSync(ROOT, outputDir);
          return true;
        },
      },
    },
  });
}

/**
 * The records-staff web app in AWS: its built files in a private, versioned S3 bucket readable only by a
 * CloudFront distribution (origin access control); the API under `/api/*` of the same origin, never cached;
 * a strict Content-Security-Policy and the other security headers on every answer; the CLOUDFRONT web ACL of
 * the edge stack; TLS 1.2 or later with the app's own domain; access logs. A Cognito app client for the app
 * (authorization code + PKCE, no secret) returns people to the distribution's URL, and `config.json` tells
 * the app where the hosted UI and the API are.
 */
export class WebAppHosting extends Construct {
  readonly bucket: s3.Bucket;
  /** CloudFront's standard logs (object ACLs, as their delivery requires). */
  readonly cdnLogsBucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  readonly userPoolClient: cognito.UserPoolClient;
  readonly responseHeadersPolicy: cloudfront.ResponseHeadersPolicy;
  /** `https://<host>/`: where the app is, and where the hosted UI sends people back to. */
  readonly url: string;
  readonly contentSecurityPolicy: string;

  constructor(scope: Construct, id: string, props: WebAppHostingProps) {
    super(scope, id);
    const region = Stack.of(this).region;

    this.bucket = new s3.Bucket(this, "Assets", {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // The app's code and styles, no PHI: SSE-S3 lets CloudFront's origin access control read without a key grant.
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: true,
      serverAccessLogsBucket: props.accessLogsBucket,
      serverAccessLogsPrefix: "web-app-assets/",
      lifecycleRules: [{ id: "expire-old-builds", noncurrentVersionExpiration: Duration.days(30) }],
      removalPolicy: props.removalPolicy,
    });

    // CloudFront's standard logs are delivered with object ACLs: their bucket must allow them.
    const cdnLogs = (this.cdnLogsBucket = new s3.Bucket(this, "CdnLogs", {
      ...accessLogsBucketProps({
        removalPolicy: props.removalPolicy,
        retentionDays: props.accessLogRetentionDays,
      }),
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      serverAccessLogsBucket: props.accessLogsBucket,
      serverAccessLogsPrefix: "web-app-cdn-logs/",
    }));

    const hostedUi = props.userPoolDomain.baseUrl();
    this.contentSecurityPolicy = [
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self'",
      `img-src 'self' blob: https://${props.resultsBucket.bucketRegionalDomainName}`,
      // The OIDC client reads the pool's discovery document and exchanges the code at the hosted UI's domain.
      `connect-src 'self' https://cognito-idp.${region}.amazonaws.com ${hostedUi}`,
      "font-src 'self'",
      "object-src 'none'",
      "base-uri 'self'",
      `form-action 'self' ${hostedUi}`,
      "frame-ancestors 'none'",
      "upgrade-insecure-requests",
    ].join("; ");
    this.responseHeadersPolicy = new cloudfront.ResponseHeadersPolicy(this, "SecurityHeaders", {
      comment: `chartbridge ${props.envName} web app: CSP, HSTS and the other security headers`,
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: this.contentSecurityPolicy, override: true },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(730),
          includeSubdomains: true,
          preload: true,
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER, override: true },
      },
      customHeadersBehavior: {
        customHeaders: [
          { header: "Cross-Origin-Opener-Policy", value: "same-origin", override: true },
          { header: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=()", override: true },
        ],
      },
    });

    // `/api/search` → the stage's `/search`: the API's routes do not know the prefix.
    const stripApiPrefix = new cloudfront.Function(this, "StripApiPrefix", {
      comment: "Removes the /api prefix before the request reaches API Gateway",
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      code: cloudfront.FunctionCode.fromInline(
        `function handler(event) { var r = event.request; r.uri = r.uri.replace(/^\\${API_PATH_PREFIX}(?=\\/|$)/, "") || "/"; return r; }`,
      ),
    });

    const files = origins.S3BucketOrigin.withOriginAccessControl(this.bucket);
    const https = cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS;
    this.distribution = new cloudfront.Distribution(this, "Distribution", {
      comment: `chartbridge ${props.envName} web app`,
      defaultRootObject: "index.html",
      // index.html and config.json: never cached, so a deployment takes effect at the next load.
      defaultBehavior: {
        origin: files,
        viewerProtocolPolicy: https,
        cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
        responseHeadersPolicy: this.responseHeadersPolicy,
      },
      additionalBehaviors: {
        // Named by content hash: cached for good.
        "/assets/*": {
          origin: files,
          viewerProtocolPolicy: https,
          cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
          responseHeadersPolicy: this.responseHeadersPolicy,
        },
        // PHI: never cached; every viewer header (the bearer token) passed to API Gateway.
        [`${API_PATH_PREFIX}/*`]: {
          origin: new origins.RestApiOrigin(props.api),
          viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
          cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
          originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
          responseHeadersPolicy: this.responseHeadersPolicy,
          functionAssociations: [
            { function: stripApiPrefix, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST },
          ],
        },
      },
      webAclId: props.webAclArn,
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      enableLogging: true,
      logBucket: cdnLogs,
      logFilePrefix: "cloudfront/",
      logIncludesCookies: false,
      ...(props.customDomain
        ? {
            domainNames: [props.customDomain.domainName],
            minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
            certificate: acm.Certificate.fromCertificateArn(
              this,
              "Certificate",
              props.customDomain.certificateArn,
            ),
          }
        : {}),
    });

    this.url = `https://${props.customDomain?.domainName ?? this.distribution.distributionDomainName}/`;
    this.userPoolClient = props.userPool.addClient("WebAppClient", {
      generateSecret: false,
      authFlows: {},
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [
          cognito.OAuthScope.OPENID,
          cognito.OAuthScope.EMAIL,
          cognito.OAuthScope.resourceServer(props.resourceServer, props.staffScope),
        ],
        callbackUrls: [this.url],
        logoutUrls: [this.url],
      },
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
    });

    const deployLogs = new logs.LogGroup(this, "DeployLogs", {
      encryptionKey: props.logsKey,
      retention: props.logRetention,
      removalPolicy: props.removalPolicy,
    });
    const deployRole = deployTimeRole(
      this,
      "DeployRole",
      deployLogs,
      "Copies the built web app into its bucket at deployment",
    );
    new s3deploy.BucketDeployment(this, "Deploy", {
      role: deployRole,
      destinationBucket: this.bucket,
      sources: [
        props.assets ?? builtWebApp(),
        s3deploy.Source.jsonData("config.json", {
          apiBaseUrl: API_PATH_PREFIX,
          auth: {
            mode: "cognito",
            authority: `https://cognito-idp.${region}.amazonaws.com/${props.userPool.userPoolId}`,
            clientId: this.userPoolClient.userPoolClientId,
            domain: hostedUi,
            scope: `openid email ${RECORDS_RESOURCE_SERVER}/${props.staffScope.scopeName}`,
          },
          idleTimeoutMinutes: props.idleTimeoutMinutes,
          reviewThreshold: props.reviewThreshold,
        }),
      ],
      // Old hashed assets stay: a person mid-session may still load a chunk of the previous build.
      prune: false,
      distribution: this.distribution,
      distributionPaths: ["/index.html", "/config.json"],
      memoryLimit: 512,
      logGroup: deployLogs,
    });

    acknowledge(this.bucket, {
      "HIPAA.Security-S3DefaultEncryptionKMS":
        "The app's built code and styles, no PHI: SSE-S3, so CloudFront's origin access control reads them without a key grant.",
      "HIPAA.Security-S3BucketReplicationEnabled":
        "Rebuilt from the repository by every deployment: nothing here exists only in this bucket.",
    });
    acknowledge(cdnLogs, {
      "HIPAA.Security-S3DefaultEncryptionKMS":
        "CloudFront standard logs, like server access logs, are delivered to SSE-S3 buckets; the app's paths carry no PHI (hash routing) and API paths are logged as CloudFront sees them.",
      "HIPAA.Security-S3BucketReplicationEnabled":
        "Operational request logs with a short retention, not a record of PHI; the audit trail of PHI access is the audit table.",
    });
    acknowledge(this.distribution, {
      "AwsSolutions-CFR1":
        "Records staff work wherever their organization allows; who may sign in is decided by Cognito (MFA) and the WAF, not by country.",
      ...(props.customDomain
        ? {}
        : {
            "AwsSolutions-CFR4":
              "No custom domain in this environment: the cloudfront.net certificate's TLS policy cannot be raised. Production requires web.domainName and web.certificateArn (TLS 1.2_2021), see infra/config.ts.",
          }),
    });
    acknowledgeDeployTimeFunction(this, "Custom::CDKBucketDeployment", {
      "AwsSolutions-L1": "CDK's BucketDeployment provider pins its own runtime; it runs only at deployment.",
    });
    acknowledge(deployRole, {
      "HIPAA.Security-IAMNoInlinePolicy": "The grants CDK adds for its BucketDeployment provider.",
      "AwsSolutions-IAM5[Action::s3:GetBucket*]": DEPLOYMENT_GRANTS,
      "AwsSolutions-IAM5[Action::s3:GetObject*]": DEPLOYMENT_GRANTS,
      "AwsSolutions-IAM5[Action::s3:List*]": DEPLOYMENT_GRANTS,
      "AwsSolutions-IAM5[Action::s3:Abort*]": DEPLOYMENT_GRANTS,
      "AwsSolutions-IAM5[Action::s3:DeleteObject*]": DEPLOYMENT_GRANTS,
      "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*]":
        "Reads the built app from the CDK asset bucket, where `cdk deploy` uploaded it.",
      [wildcardResourceFinding(this.bucket, "/*")]: "Writes the built app into the app's own bucket.",
      "AwsSolutions-IAM5[Resource::*]":
        "cloudfront:CreateInvalidation and GetInvalidation, as CDK grants them, so the new index.html and config.json are served at once.",
    });
  }
}
