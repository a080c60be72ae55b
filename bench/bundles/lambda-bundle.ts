import type { BuildOptions } from "esbuild";

/**
 * How the CDK app bundles a chartbridge Lambda function, as esbuild options. Mirrors `LAMBDA_BUNDLING` in
 * infra/constructs/chartbridge-function.ts (NodejsFunction turns those props into these esbuild flags:
 * `--bundle --platform=node --target=node22 --format=esm --minify --sourcemap --sources-content=false
 * --main-fields=module,main --banner:js=… --alias:…`, no `--external` because `externalModules: []`). Keep the
 * two in step (test/unit/bench/lambda-bundle-sync.test.ts compares them).
 */
export const LAMBDA_ESBUILD_OPTIONS = {
  bundle: true,
  platform: "node",
  target: "node22",
  format: "esm",
  minify: true,
  sourcemap: true,
  sourcesContent: false,
  mainFields: ["module", "main"],
  // CommonJS dependencies bundled into an ESM file still call require() for Node built-ins.
  banner: {
    js: "import { createRequire as __cbCreateRequire } from 'node:module'; const require = __cbCreateRequire(import.meta.url);",
  },
  // The SDK's default credential chain → the environment credentials Lambda provides (see that module).
  // Relative to the working directory (the project root), as esbuild resolves alias targets.
  alias: { "@aws-sdk/credential-provider-node": "./functions/lambda-credential-provider.ts" },
  external: [],
} as const satisfies BuildOptions;

/** NodejsFunction names the ESM output index.mjs. */
export const BUNDLE_FILE = "index.mjs";

/**
 * Files copied beside a bundle (ChartbridgeFunction `runtimeFiles`, relative to the project root), per
 * function: see infra/constructs/processing-pipeline.ts.
 */
export const RUNTIME_FILES: Readonly<Record<string, readonly string[]>> = {
  ingest: ["node_modules/mupdf/dist/mupdf-wasm.wasm"],
};

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
