import { Duration, RemovalPolicy, Validations } from "aws-cdk-lib";
import * as apigw from "aws-cdk-lib/aws-apigateway";
import * as cognito from "aws-cdk-lib/aws-cognito";
import type * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import * as logs from "aws-cdk-lib/aws-logs";
import type * as s3 from "aws-cdk-lib/aws-s3";
import { Construct } from "constructs";
import { FHIR_SCOPE_SERVER, FHIR_SCOPES } from "../../shared/auth/principal";
import type { OcrFeatureSet } from "../../shared/ocr/ocr-engine";
import { WebFirewall } from "./web-firewall";
import type { AuditTable } from "./audit-table";
import { ChartbridgeFunction } from "./chartbridge-function";
import { functionEntry, type FunctionDefaults } from "./function-defaults";
import { EXPORTS_PREFIX, OCR_OUTPUT_PREFIX, type ReprocessJobs } from "./reprocess-jobs";
import {
  acknowledge,
  KMS_GRANT_FINDINGS,
  S3_PUT_FINDINGS,
  S3_READ_FINDINGS,
  TABLE_GRANT_INDEX_REASON,
  wildcardActionFinding,
  wildcardResourceFinding,
} from "./nag";

/** Where the api keeps the page images it renders in the results bucket (shared/api/routes/pages.ts). */
const PAGE_IMAGES_PREFIX = "pages/";
import type { SearchDomain } from "./search-domain";

/** Cognito groups the api Lambda authorizes against (`cognito:groups` claim). */
export const USER_GROUPS = {
  // Precedence: lower wins when a user is in several groups.
  admin: {
    precedence: 0,
    description: "Administrators: everything records-staff can do, plus reprocessing and user administration",
  },
  "records-staff": {
    precedence: 10,
    description: "Health-information staff: search, view and correct chart records",
  },
  vendor: {
    precedence: 20,
    description: "Scanning vendors: upload scans and see the status of their own batches",
  },
} as const;

/**
 * The resource server of the records API and its scopes: what an access token must carry for API Gateway to
 * pass it on. Roles within `staff` come from the user's groups (USER_GROUPS), checked by the api Lambda.
 */
export const RECORDS_RESOURCE_SERVER = "records";
export const RECORDS_SCOPES = {
  /** Downstream systems (client-credentials): search and read; every answer is a disclosure. */
  read: "Read chart records (downstream systems; every read is a disclosure)",
  /** People signed in to the web app; what they may do follows their groups. */
  staff: "Use the records API as a signed-in person (roles from the user's groups)",
} as const;

/**
 * The FHIR API's resource server: named `system`, so Cognito writes its scopes as SMART Backend Services
 * spells them (`system/Patient.read`). Scope names are those of FHIR_SCOPES after the `system/`.
 */
export const FHIR_SCOPE_DESCRIPTIONS: Record<keyof typeof FHIR_SCOPES, string> = {
  patient: "FHIR: read Patient resources (every read is a disclosure)",
  documentReference: "FHIR: read DocumentReference resources (every read is a disclosure)",
  binary: "FHIR: read the scans (Binary; every read is a disclosure)",
  all: "FHIR: read every resource type the API serves (every read is a disclosure)",
};

/** Routes anyone may call without a token (no PHI): the Lambda's route table marks the same ones public. */
export const PUBLIC_ROUTES = ["health", "openapi.json", "fhir/metadata"] as const;

export interface RecordsApiProps {
  /** Names the REST API (`chartbridge-<env>`) and the WAF web ACL (`chartbridge-<env>-api`). */
  readonly envName: string;
  readonly table: dynamodb.ITable;
  /** Where POST /reprocess queues a job's chunks. */
  readonly reprocessJobs: ReprocessJobs;
  /** The audit trail: the api function is its only writer. */
  readonly auditTable: AuditTable;
  /** Prefix of the Cognito hosted domain. */
  readonly authDomainPrefix: string;
  /** Where the hosted UI may return the web app's users to. */
  readonly webCallbackUrls: string[];
  /** The FHIR API's MRN identifier system and, behind a custom domain, its base URL. */
  readonly fhir: { mrnSystem: string; baseUrl?: string };
  readonly uploadsBucket: s3.IBucket;
  readonly resultsBucket: s3.IBucket;
  readonly search: SearchDomain;
  readonly ocrFeatures: OcrFeatureSet;
  readonly rateLimit: number;
  readonly burstLimit: number;
  /** WAF rate-based rule: requests per client IP per 5 minutes. */
  readonly wafRequestsPer5MinPerIp: number;
  readonly reservedConcurrency: number;
  readonly deletionProtection: boolean;
  readonly functionDefaults: FunctionDefaults;
}

/**
 * The records API: a regional REST API proxying every path to the api Lambda (in the VPC, next to the
 * search domain), behind a Cognito user-pool authorizer. Staff sign in to a user pool with MFA required,
 * no self sign-up, and the groups in USER_GROUPS. Stage-wide throttling, X-Ray, JSON access logs and
 * error-level execution logs (never request/response bodies: they carry PHI) to KMS-encrypted log groups.
 * A WAFv2 web ACL (WebFirewall) filters requests before they reach the stage.
 */
/** Keys a batch upload may have: `<vendor>/<batch>/<file>` (the file name may hold folders). */
const BATCH_UPLOAD_KEYS = "*/*/*";

export class RecordsApi extends Construct {
  readonly api: apigw.RestApi;
  readonly userPool: cognito.UserPool;
  /** The web app's client: authorization code with PKCE, no secret, scopes openid, email, records/staff. */
  readonly userPoolClient: cognito.UserPoolClient;
  /** A downstream system's client: client-credentials grant, scopes records/read and system/*.read. */
  readonly machineClient: cognito.UserPoolClient;
  readonly resourceServer: cognito.UserPoolResourceServer;
  /** `system/*.read` and one `system/<Type>.read` per FHIR resource type (SMART Backend Services). */
  readonly fhirResourceServer: cognito.UserPoolResourceServer;
  /** `records/staff`: what a person's access token carries (their groups decide the rest). */
  readonly staffScope: cognito.ResourceServerScope;
  readonly domain: cognito.UserPoolDomain;
  readonly apiFunction: ChartbridgeFunction;
  readonly firewall: WebFirewall;

  constructor(scope: Construct, id: string, props: RecordsApiProps) {
    super(scope, id);
    const defaults = props.functionDefaults;

    // ── Identity ─────────────────────────────────────────────────────────────────────────────────
    this.userPool = new cognito.UserPool(this, "UserPool", {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      mfa: cognito.Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      featurePlan: cognito.FeaturePlan.PLUS,
      standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
      deletionProtection: props.deletionProtection,
      removalPolicy: defaults.removalPolicy,
    });
    for (const [groupName, { precedence, description }] of Object.entries(USER_GROUPS)) {
      new cognito.UserPoolGroup(this, `Group-${groupName}`, {
        userPool: this.userPool,
        groupName,
        description,
        precedence,
      });
    }
    const scopes = Object.fromEntries(
      Object.entries(RECORDS_SCOPES).map(([name, description]) => [
        name,
        new cognito.ResourceServerScope({ scopeName: name, scopeDescription: description }),
      ]),
    ) as Record<keyof typeof RECORDS_SCOPES, cognito.ResourceServerScope>;
    this.resourceServer = this.userPool.addResourceServer("RecordsResourceServer", {
      identifier: RECORDS_RESOURCE_SERVER,
      userPoolResourceServerName: "chartbridge records API",
      scopes: Object.values(scopes),
    });
    this.staffScope = scopes.staff;
    const fhirScopes = Object.fromEntries(
      Object.entries(FHIR_SCOPES).map(([key, scope]) => [
        key,
        new cognito.ResourceServerScope({
          scopeName: scope.slice(FHIR_SCOPE_SERVER.length + 1),
          scopeDescription: FHIR_SCOPE_DESCRIPTIONS[key as keyof typeof FHIR_SCOPES],
        }),
      ]),
    ) as Record<keyof typeof FHIR_SCOPES, cognito.ResourceServerScope>;
    this.fhirResourceServer = this.userPool.addResourceServer("FhirResourceServer", {
      identifier: FHIR_SCOPE_SERVER,
      userPoolResourceServerName: "chartbridge FHIR API",
      scopes: Object.values(fhirScopes),
    });
    this.domain = this.userPool.addDomain("Domain", {
      cognitoDomain: { domainPrefix: props.authDomainPrefix },
    });
    this.userPoolClient = this.userPool.addClient("WebClient", {
      authFlows: { userSrp: true },
      generateSecret: false,
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [
          cognito.OAuthScope.OPENID,
          cognito.OAuthScope.EMAIL,
          cognito.OAuthScope.resourceServer(this.resourceServer, scopes.staff),
        ],
        callbackUrls: props.webCallbackUrls,
        logoutUrls: props.webCallbackUrls,
      },
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
    });
    this.machineClient = this.userPool.addClient("DownstreamSystemClient", {
      generateSecret: true,
      authFlows: {},
      oAuth: {
        flows: { clientCredentials: true },
        scopes: [
          cognito.OAuthScope.resourceServer(this.resourceServer, scopes.read),
          cognito.OAuthScope.resourceServer(this.fhirResourceServer, fhirScopes.all),
        ],
      },
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: Duration.hours(1),
    });

    // ── Handler ──────────────────────────────────────────────────────────────────────────────────
    this.apiFunction = new ChartbridgeFunction(this, "Handler", {
      ...defaults,
      entry: functionEntry("api"),
      serviceName: "api",
      description: "chartbridge records API (search, view, review, upload URLs)",
      timeout: Duration.seconds(29),
      memorySize: 512,
      reservedConcurrentExecutions: props.reservedConcurrency,
      invokedBy: "API Gateway (Lambda proxy integration)",
      environment: {
        TABLE_NAME: props.table.tableName,
        AUDIT_TABLE_NAME: props.auditTable.table.tableName,
        UPLOAD_BUCKET: props.uploadsBucket.bucketName,
        RESULTS_BUCKET: props.resultsBucket.bucketName,
        OCR_FEATURES: props.ocrFeatures,
        SEARCH_ENGINE: "opensearch",
        SEARCH_ENDPOINT: props.search.endpointUrl,
        REPROCESS_QUEUE_URL: props.reprocessJobs.queue.queueUrl,
        FHIR_MRN_SYSTEM: props.fhir.mrnSystem,
        ...(props.fhir.baseUrl ? { FHIR_BASE_URL: props.fhir.baseUrl } : {}),
        ...(props.uploadsBucket.encryptionKey
          ? { UPLOAD_KMS_KEY_ID: props.uploadsBucket.encryptionKey.keyArn }
          : {}),
      },
    });
    const fn = this.apiFunction.function;
    // Corrections save new record versions (conditional puts); reads for search hits, records, the review queue.
    props.table.grantReadWriteData(fn);
    // The only writer of the audit trail, and its reader for the access report and accounting of disclosures.
    props.auditTable.grantAppend(fn);
    props.auditTable.grantReadEvents(fn);
    // Presigned links are signed with the function's role: it may read the scans (every version) it links to,
    // and read and write the page images it renders under `pages/` of the results bucket.
    props.uploadsBucket.grantRead(fn);
    // Vendors' batch uploads are presigned PUTs signed with this role: it may put (with the scans key) only
    // under `<vendor>/<batch>/`, and the API decides the key from the caller's vendor and the manifest.
    props.uploadsBucket.grantPut(fn, BATCH_UPLOAD_KEYS);
    props.resultsBucket.grantReadWrite(fn, `${PAGE_IMAGES_PREFIX}*`);
    // Reprocessing one record (POST /records/{id}/reprocess) reads its OCR output and rewrites its text;
    // a bulk reprocess queues chunks for the worker.
    props.resultsBucket.grantRead(fn, `${OCR_OUTPUT_PREFIX}*`);
    props.resultsBucket.grantPut(fn, `${OCR_OUTPUT_PREFIX}*`);
    props.reprocessJobs.grantSendChunks(fn);
    // FHIR bulk export: the status route reads an export's disclosures and links to its files.
    props.resultsBucket.grantRead(fn, `${EXPORTS_PREFIX}*`);
    props.search.grantRead(fn);
    props.search.connections.allowDefaultPortFrom(fn, `HTTPS from ${fn.node.path}`);
    acknowledge(this.apiFunction, {
      ...KMS_GRANT_FINDINGS,
      ...S3_READ_FINDINGS,
      ...S3_PUT_FINDINGS,
      [wildcardActionFinding("s3:DeleteObject*")]:
        "Bucket.grantReadWrite on the results bucket's pages/ prefix only: replacing a page image the api rendered.",
      [wildcardResourceFinding(props.uploadsBucket, "/*")]:
        "Presigned links to any scan a permitted caller may open: reads of the uploads bucket's objects only.",
      [wildcardResourceFinding(props.uploadsBucket, `/${BATCH_UPLOAD_KEYS}`)]:
        "Presigned PUTs for vendor batches under <vendor>/<batch>/ keys (decided by the API from the caller's vendor and the manifest), in the uploads bucket only.",
      [wildcardResourceFinding(props.resultsBucket, `/${PAGE_IMAGES_PREFIX}*`)]:
        "Page images the api renders and links to, under the results bucket's pages/ prefix only.",
      [wildcardResourceFinding(props.resultsBucket, `/${OCR_OUTPUT_PREFIX}*`)]:
        "Reprocessing one record reads its stored OCR output and rewrites its text (per-record keys), under the results bucket's ocr/ prefix only.",
      [wildcardResourceFinding(props.resultsBucket, `/${EXPORTS_PREFIX}*`)]:
        "Links to a finished FHIR bulk export's files and reads its disclosures (per-job keys), under the results bucket's exports/ prefix only.",
      [wildcardResourceFinding(props.table, "/index/*")]: TABLE_GRANT_INDEX_REASON,
      [props.search.indexPathFinding]:
        "Search requests go to index paths under the domain (_search on the records index); limited to this one domain.",
    });

    // ── REST API ─────────────────────────────────────────────────────────────────────────────────
    const accessLogs = new logs.LogGroup(this, "AccessLogs", {
      retention: defaults.logRetention,
      encryptionKey: defaults.logsKey,
      removalPolicy: defaults.removalPolicy,
    });
    this.api = new apigw.RestApi(this, "Api", {
      // Distinct per environment: dev and prod can share an account.
      restApiName: `chartbridge-${props.envName}`,
      description: "chartbridge records API",
      endpointTypes: [apigw.EndpointType.REGIONAL],
      // The account-level role API Gateway needs to write execution logs (one per account and region).
      cloudWatchRole: true,
      cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN,
      deployOptions: {
        stageName: "v1",
        accessLogDestination: new apigw.LogGroupLogDestination(accessLogs),
        accessLogFormat: apigw.AccessLogFormat.jsonWithStandardFields(),
        loggingLevel: apigw.MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
        metricsEnabled: true,
        tracingEnabled: true,
        throttlingRateLimit: props.rateLimit,
        throttlingBurstLimit: props.burstLimit,
        cachingEnabled: false,
      },
    });
    const authorizer = new apigw.CognitoUserPoolsAuthorizer(this, "Authorizer", {
      cognitoUserPools: [this.userPool],
    });
    const requestValidator = this.api.addRequestValidator("RequestValidator", {
      validateRequestParameters: true,
      validateRequestBody: true,
    });
    // Access tokens only (ID tokens carry no scope): a signed-in person's (records/staff) or a downstream
    // system's (records/read). Everything else about who may do what is decided by the api Lambda.
    const methodOptions: apigw.MethodOptions = {
      authorizationType: apigw.AuthorizationType.COGNITO,
      authorizer,
      authorizationScopes: [
        ...Object.keys(RECORDS_SCOPES).map((s) => `${RECORDS_RESOURCE_SERVER}/${s}`),
        ...Object.values(FHIR_SCOPES),
      ],
      requestValidator,
    };
    const integration = new apigw.LambdaIntegration(fn, { proxy: true });
    this.api.root.addMethod("ANY", integration, methodOptions);
    this.api.root.addProxy({
      anyMethod: true,
      defaultIntegration: integration,
      defaultMethodOptions: methodOptions,
    });
    // /fhir gets its own catch-all: API Gateway routes a path under an explicit resource (fhir/metadata) by
    // that resource's children, so the root's {proxy+} would not see /fhir/Patient.
    this.api.root.addResource("fhir").addProxy({
      anyMethod: true,
      defaultIntegration: integration,
      defaultMethodOptions: methodOptions,
    });
    for (const path of PUBLIC_ROUTES) {
      const method = this.api.root.resourceForPath(path).addMethod("GET", integration, {
        authorizationType: apigw.AuthorizationType.NONE,
      });
      acknowledge(method, {
        "AwsSolutions-APIG4": `GET /${path} carries no PHI and must answer without a token (liveness, API description).`,
        "AwsSolutions-COG4": `GET /${path} carries no PHI and must answer without a token (liveness, API description).`,
      });
    }

    const ackApi = (id: string, reason: string): void => Validations.of(this.api).acknowledge({ id, reason });
    ackApi(
      "HIPAA.Security-APIGWCacheEnabledAndEncrypted",
      "Caching is deliberately off: responses are per-user PHI and must not be served from a shared stage cache.",
    );
    ackApi(
      "HIPAA.Security-APIGWSSLEnabled",
      "The rule asks for a client certificate that API Gateway presents to an HTTP backend; the only integration is a Lambda proxy invoked through IAM, where a client certificate does not apply.",
    );
    ackApi(
      "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]",
      "The account-level API Gateway logging role uses the AWS-managed policy API Gateway documents for it; it only allows writing to CloudWatch Logs.",
    );

    this.firewall = new WebFirewall(this, "Firewall", {
      name: `chartbridge-${props.envName}-api`,
      protects: "chartbridge records API",
      stage: this.api.deploymentStage,
      requestsPer5MinPerIp: props.wafRequestsPer5MinPerIp,
      logsKey: defaults.logsKey,
      logRetention: defaults.logRetention,
      removalPolicy: defaults.removalPolicy,
    });
  }
}
