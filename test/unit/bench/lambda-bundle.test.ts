import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { App, Stack } from "aws-cdk-lib";
import * as lambda from "aws-cdk-lib/aws-lambda";
import { NodejsFunction } from "aws-cdk-lib/aws-lambda-nodejs";
import { build } from "esbuild";
import { afterEach, describe, expect, it } from "vitest";
import { BUNDLE_FILE, esbuildOptionsOf, LAMBDA_ESBUILD_OPTIONS } from "../../../bench/bundles/lambda-bundle";
import { LAMBDA_BUNDLING } from "../../../infra/constructs/chartbridge-function";

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));
const ENTRY = fileURLToPath(new URL("./fixtures/bundle-entry.ts", import.meta.url));

const tempDirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "chartbridge-bundle-test-"));
  tempDirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** The bundle NodejsFunction builds from `entry` with ChartbridgeFunction's bundling options. */
function cdkBundle(entry: string): string {
  const outdir = tempDir();
  const app = new App({ outdir });
  new NodejsFunction(new Stack(app, "Bundle"), "Function", {
    entry,
    runtime: lambda.Runtime.NODEJS_22_X,
    projectRoot: ROOT,
    depsLockFilePath: path.join(ROOT, "package-lock.json"),
    bundling: LAMBDA_BUNDLING,
  });
  app.synth();
  const [asset] = readdirSync(outdir).filter((name) => name.startsWith("asset."));
  return readFileSync(path.join(outdir, asset!, BUNDLE_FILE), "utf8");
}

/** The bundle bench/bundles.ts builds from `entry`. */
async function benchBundle(entry: string): Promise<string> {
  const outfile = path.join(tempDir(), BUNDLE_FILE);
  await build({
    ...LAMBDA_ESBUILD_OPTIONS,
    entryPoints: [entry],
    outfile,
    absWorkingDir: ROOT,
    logLevel: "silent",
  });
  return readFileSync(outfile, "utf8");
}

// Loading aws-cdk-lib and running esbuild twice takes a while on a busy machine.
describe(
  "the bundle benchmark's esbuild options, derived from ChartbridgeFunction's bundling",
  { timeout: 120_000 },
  () => {
    it("build the same bundle NodejsFunction deploys", async () => {
      const [deployed, benchmarked] = [cdkBundle(ENTRY), await benchBundle(ENTRY)];
      expect(benchmarked).toBe(deployed);
      // The alias applied in both: the Lambda environment provider, not the SDK's whole default chain.
      expect(deployed).toContain("Unable to find environment variable credentials.");
      expect(deployed).not.toContain("AWS_WEB_IDENTITY_TOKEN_FILE");
    });

    it("refuse a bundling option they do not translate", () => {
      expect(() => esbuildOptionsOf({ ...LAMBDA_BUNDLING, define: { "process.env.X": '"1"' } })).toThrow(
        /does not translate bundling.define/,
      );
      expect(() => esbuildOptionsOf({ ...LAMBDA_BUNDLING, esbuildArgs: { "--log-limit": "0" } })).toThrow(
        /does not translate --log-limit/,
      );
    });

    it("alias to files that exist, relative to the project root (esbuild's working directory)", () => {
      for (const target of Object.values(LAMBDA_ESBUILD_OPTIONS.alias)) {
        expect(target.startsWith("./")).toBe(true);
        expect(existsSync(path.join(ROOT, target))).toBe(true);
      }
    });
  },
);
