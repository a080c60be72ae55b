import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { OutputFormat } from "aws-cdk-lib/aws-lambda-nodejs";
import { describe, expect, it } from "vitest";
import { LAMBDA_ESBUILD_OPTIONS } from "../../../bench/bundles/lambda-bundle";
import { LAMBDA_BUNDLING } from "../../../infra/constructs/chartbridge-function";

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));

/** The esbuild options NodejsFunction derives from ChartbridgeFunction's bundling props (its CLI flags). */
function esbuildOptionsOf(bundling: typeof LAMBDA_BUNDLING) {
  const alias: Record<string, string> = {};
  const other: Record<string, unknown> = {};
  for (const [flag, value] of Object.entries(bundling.esbuildArgs ?? {})) {
    if (flag.startsWith("--alias:")) alias[flag.slice("--alias:".length)] = String(value);
    else other[flag] = value;
  }
  return {
    options: {
      bundle: true,
      platform: "node",
      target: bundling.target,
      format: bundling.format === OutputFormat.ESM ? "esm" : bundling.format,
      minify: bundling.minify ?? false,
      sourcemap: bundling.sourceMap ?? false,
      sourcesContent: bundling.sourcesContent ?? true,
      mainFields: bundling.mainFields,
      banner: { js: bundling.banner },
      alias,
      external: bundling.externalModules,
    },
    other,
  };
}

describe("bench/bundles/lambda-bundle.ts mirrors ChartbridgeFunction's bundling", () => {
  it("has the esbuild options the CDK app builds with", () => {
    const { options, other } = esbuildOptionsOf(LAMBDA_BUNDLING);
    expect(LAMBDA_ESBUILD_OPTIONS).toEqual(options);
    // Every esbuildArgs flag is accounted for above.
    expect(other).toEqual({});
    // Nothing that would change the bundle without the bench knowing.
    for (const prop of [
      "define",
      "loader",
      "keepNames",
      "inject",
      "footer",
      "tsconfig",
      "nodeModules",
      "preCompilation",
      "charset",
    ]) {
      expect(LAMBDA_BUNDLING).not.toHaveProperty(prop);
    }
  });

  it("aliases to files that exist, relative to the project root (esbuild's working directory)", () => {
    for (const target of Object.values(LAMBDA_ESBUILD_OPTIONS.alias)) {
      expect(target.startsWith("./")).toBe(true);
      expect(existsSync(path.join(ROOT, target))).toBe(true);
    }
  });
});
