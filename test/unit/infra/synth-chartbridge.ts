import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { CloudAssembly } from "aws-cdk-lib/cx-api";
import { Template } from "aws-cdk-lib/assertions";
import { afterAll, beforeAll } from "vitest";
import { buildChartbridgeApp, type ChartbridgeApp } from "../../../infra/chartbridge-app";
import type { ChartbridgeStack } from "../../../infra/stacks/chartbridge-stack";
import type { Resources } from "./template";

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

/** Synthesis of the whole app takes seconds; 2 cores under load need far more than vitest's default. */
export const SYNTH_TIMEOUT_MS = 60_000;

export interface SynthesizedStack {
  readonly stack: ChartbridgeStack;
  readonly resources: Resources;
}

/**
 * Synthesizes the main stack of `envName` once for the enclosing describe block (in beforeAll) and removes
 * the assembly after it. Call the returned function inside tests.
 */
export function synthesizedOnce(envName: string): () => SynthesizedStack {
  let synth: SynthesizedChartbridge | undefined;
  let resources: Resources | undefined;
  beforeAll(() => {
    synth = synthChartbridge(envName);
    if (synth.synthError) throw synth.synthError;
    resources = Template.fromStack(synth.stack).toJSON().Resources as Resources;
  }, SYNTH_TIMEOUT_MS);
  afterAll(() => synth?.cleanup());
  return () => {
    if (!synth || !resources) throw new Error("synthesizedOnce: used outside a test");
    return { stack: synth.stack, resources };
  };
}
