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
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      // PHI must never reach logs: console is for the CLI only.
      "no-console": "off",
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
