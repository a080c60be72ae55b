import { OutputFormat, type BundlingOptions } from "aws-cdk-lib/aws-lambda-nodejs";
import type { BuildOptions } from "esbuild";
import { LAMBDA_BUNDLING } from "../../infra/constructs/chartbridge-function";
import { FUNCTION_RUNTIME_FILES } from "../../infra/constructs/function-defaults";

/** NodejsFunction props that do not change what esbuild produces when it bundles locally. */
const NOT_ESBUILD = new Set<keyof BundlingOptions>(["forceDockerBundling", "workingDirectory"]);

/**
 * The esbuild options NodejsFunction runs esbuild with for `bundling` (its `--bundle --platform=node
 * --target --format --minify --sourcemap --sources-content --main-fields --banner:js --alias --external`
 * flags). Refuses any option it does not translate, so the benchmark never measures other bundles than
 * the CDK app deploys.
 */
export function esbuildOptionsOf(bundling: BundlingOptions) {
  const translated = new Set<string>([
    "minify",
    "sourceMap",
    "sourcesContent",
    "format",
    "mainFields",
    "target",
    "banner",
    "externalModules",
    "esbuildArgs",
  ]);
  const unknown = Object.keys(bundling).filter(
    (option) => !translated.has(option) && !NOT_ESBUILD.has(option as keyof BundlingOptions),
  );
  if (unknown.length > 0)
    throw new Error(`esbuildOptionsOf does not translate bundling.${unknown.join(", ")}`);
  if (!bundling.target)
    throw new Error("bundling.target must be set (NodejsFunction derives it from the runtime)");

  const alias: Record<string, string> = {};
  for (const [flag, value] of Object.entries(bundling.esbuildArgs ?? {})) {
    const module = /^--alias:(.+)$/.exec(flag)?.[1];
    if (!module || typeof value !== "string") throw new Error(`esbuildOptionsOf does not translate ${flag}`);
    alias[module] = value;
  }
  return {
    bundle: true,
    platform: "node",
    target: bundling.target,
    format: bundling.format === OutputFormat.ESM ? "esm" : "cjs",
    minify: bundling.minify ?? false,
    sourcemap: bundling.sourceMap ?? false,
    sourcesContent: bundling.sourcesContent ?? true,
    ...(bundling.mainFields ? { mainFields: bundling.mainFields } : {}),
    ...(bundling.banner ? { banner: { js: bundling.banner } } : {}),
    alias,
    // NodejsFunction's default on Node 18+ runtimes: the SDK the runtime provides.
    external: bundling.externalModules ?? ["@aws-sdk/*"],
  } satisfies BuildOptions;
}

/** How the CDK app bundles a chartbridge Lambda function (ChartbridgeFunction), as esbuild options. */
export const LAMBDA_ESBUILD_OPTIONS = esbuildOptionsOf(LAMBDA_BUNDLING);

/** NodejsFunction names the ESM output index.mjs. */
export const BUNDLE_FILE = "index.mjs";

/** Files copied beside a bundle, per function (relative to the project root). */
export const RUNTIME_FILES: Readonly<Record<string, readonly string[] | undefined>> = FUNCTION_RUNTIME_FILES;

/**
 * The environment a function initializes with in Lambda: what the CDK app sets (dummy values for resource
 * names and ARNs), what the Lambda runtime sets, and dummy credentials so nothing looks for real ones.
 * Initialization makes no network call: SDK clients resolve credentials and endpoints on first request.
 */
export function lambdaEnvironment(name: string): Record<string, string> {
  const region = "us-east-1";
  return {
    // Lambda runtime
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_EXECUTION_ENV: "AWS_Lambda_nodejs22.x",
    AWS_LAMBDA_FUNCTION_NAME: `Chartbridge-bench-${name}`,
    AWS_LAMBDA_FUNCTION_VERSION: "$LATEST",
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: "1024",
    AWS_LAMBDA_LOG_FORMAT: "JSON",
    AWS_ACCESS_KEY_ID: "AKIABENCHMARKONLY000",
    AWS_SECRET_ACCESS_KEY: "benchmark-only-not-a-secret",
    AWS_SESSION_TOKEN: "benchmark-only",
    AWS_EC2_METADATA_DISABLED: "true",
    TZ: ":UTC",
    // ChartbridgeFunction
    POWERTOOLS_SERVICE_NAME: `chartbridge-${name}`,
    LOG_LEVEL: "INFO",
    // ProcessingPipeline / RecordsApi (the union: each handler reads what it needs)
    TABLE_NAME: "chartbridge-bench-records",
    UPLOAD_BUCKET: "chartbridge-bench-uploads",
    RESULTS_BUCKET: "chartbridge-bench-results",
    OCR_FEATURES: "text",
    OCR_ENGINE: "textract",
    TEXTRACT_SNS_TOPIC_ARN: `arn:aws:sns:${region}:000000000000:chartbridge-bench-textract`,
    TEXTRACT_ROLE_ARN: "arn:aws:iam::000000000000:role/chartbridge-bench-textract",
    SEARCH_ENGINE: "opensearch",
    SEARCH_ENDPOINT: `https://vpc-chartbridge-bench.${region}.es.amazonaws.com`,
    // Node 20 here; the SDK's notice about Node 22 would only add noise.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
  };
}
