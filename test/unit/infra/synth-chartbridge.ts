import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { CloudAssembly } from "aws-cdk-lib/cx-api";
import { buildChartbridgeApp, type ChartbridgeApp } from "../../../infra/chartbridge-app";

const CDK_JSON = fileURLToPath(new URL("../../../cdk.json", import.meta.url));

/** The `context` block of cdk.json (feature flags and environments), as the CLI would pass it. */
export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(CDK_JSON, "utf8")) as { context: Record<string, unknown> };
  return cdkJson.context;
}

export interface SynthesizedChartbridge extends ChartbridgeApp {
  /** Undefined when synthesis (including the cdk-nag validation plugins) failed; see `synthError`. */
  readonly assembly?: CloudAssembly;
  readonly synthError?: Error;
  /** Remove the temporary cloud assembly directory. */
  readonly cleanup: () => void;
}

/**
 * Build and synthesize the app for one environment exactly as `cdk synth -c env=<envName>` does, except
 * that Lambda bundling is skipped (`aws:cdk:bundling-stacks: []`) to keep the tests fast; the templates
 * are otherwise identical. Synthesis runs the cdk-nag plugins; a failure is captured, not thrown, so
 * the cdk-nag test can report it.
 */
export function synthChartbridge(
  envName: string,
  extraContext: Record<string, unknown> = {},
): SynthesizedChartbridge {
  const outdir = mkdtempSync(join(tmpdir(), `chartbridge-cdk-${envName}-`));
  const cleanup = (): void => rmSync(outdir, { recursive: true, force: true });
  const built = buildChartbridgeApp({
    context: { ...cdkJsonContext(), env: envName, "aws:cdk:bundling-stacks": [], ...extraContext },
    outdir,
  });
  try {
    return { ...built, assembly: built.app.synth(), cleanup };
  } catch (error) {
    return { ...built, synthError: error as Error, cleanup };
  }
}
