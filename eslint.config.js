// @ts-check
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import globals from "globals";

export default tseslint.config(
  {
    ignores: [
      "node_modules/",
      "cdk.out/",
      ".chartbridge/",
      ".chartbridge-cli/",
      "coverage/",
      "samples/output/",
      ".debug/",
      "web/dist/",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      // PHI must never reach logs: console is for the CLI, benchmarks and the sample generator only.
      "no-console": "error",
    },
  },
  {
    // The web app runs in browsers.
    files: ["web/src/**/*.{ts,tsx}"],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ["local/cli/**", "bin/**", "bench/**", "samples/**", "web/scripts/**", "scripts/**"],
    rules: { "no-console": "off" },
  },
  {
    // Use cases (and the throughput governor) depend on ports, never on adapters or SDK clients.
    files: [
      "shared/pipeline/**/*.ts",
      "shared/api/**/*.ts",
      "shared/batches/**/*.ts",
      "shared/jobs/**/*.ts",
      "shared/throughput/**/*.ts",
    ],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["**/adapters/**"], message: "Depend on a port in shared/pipeline/ports.ts instead." },
            {
              group: ["@aws-sdk/*", "@opensearch-project/*", "@aws-lambda-powertools/*"],
              message: "No SDK classes in use cases.",
            },
          ],
        },
      ],
    },
  },
  {
    // Domain code stays pure: no AWS SDK in shared/domain, shared/extraction, shared/search (query side).
    files: ["shared/domain/**/*.ts", "shared/extraction/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: ["@aws-sdk/*", "aws-cdk-lib*", "@opensearch-project/*"] },
      ],
    },
  },
);
