import { App, type AppProps, Tags, Validations } from "aws-cdk-lib";
import { AwsSolutionsChecks, HIPAASecurityChecks } from "cdk-nag";
import { DEFAULT_ENV, parseConfig, type ChartbridgeConfig } from "./config";
import { ChartbridgeStack } from "./stacks/chartbridge-stack";

export interface ChartbridgeApp {
  readonly app: App;
  readonly stack: ChartbridgeStack;
  readonly config: ChartbridgeConfig;
}

/**
 * Build the chartbridge CDK app: one environment-agnostic stack for the environment chosen with
 * `-c env=…` (default dev), checked by the cdk-nag AwsSolutions and HIPAA Security packs during synthesis.
 * Tests call this with the cdk.json context; infra/app.ts calls it with what the CLI passes.
 */
export function buildChartbridgeApp(props: AppProps = {}): ChartbridgeApp {
  const app = new App(props);
  const envName = String(app.node.tryGetContext("env") ?? DEFAULT_ENV);
  const config = parseConfig(app.node.tryGetContext("environments"), envName);

  const stack = new ChartbridgeStack(app, `Chartbridge-${envName}`, {
    description: `chartbridge (${envName}): scanned medical charts → records`,
    config,
    terminationProtection: config.production,
  });
  Tags.of(stack).add("application", "chartbridge");
  Tags.of(stack).add("environment", envName);
  Tags.of(stack).add("data-classification", "phi");

  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new HIPAASecurityChecks(app));
  return { app, stack, config };
}
