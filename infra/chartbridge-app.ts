import { App, type AppProps, Tags, Validations } from "aws-cdk-lib";
import { AwsSolutionsChecks, HIPAASecurityChecks } from "cdk-nag";
import { DEFAULT_ENV, parseConfig, type ChartbridgeConfig } from "./config";
import { ChartbridgeStack } from "./stacks/chartbridge-stack";
import { ChartbridgeReplicaStack } from "./stacks/replica-stack";
import { ChartbridgeEdgeStack } from "./stacks/edge-stack";

export interface ChartbridgeApp {
  readonly app: App;
  readonly stack: ChartbridgeStack;
  /** `Chartbridge-<env>-replica`, when the environment configures `replication`. */
  readonly replicaStack?: ChartbridgeReplicaStack;
  /** `Chartbridge-<env>-edge` in us-east-1: the web app's CloudFront web ACL. */
  readonly edgeStack: ChartbridgeEdgeStack;
  readonly config: ChartbridgeConfig;
}

/**
 * Build the chartbridge CDK app for the environment chosen with `-c env=…` (default dev): the
 * environment-agnostic main stack and, with `replication`, the replica stack in the replica region (the
 * main stack depends on it but never references it), checked by the cdk-nag AwsSolutions and HIPAA
 * Security packs during synthesis. Tests call this with the cdk.json context; infra/app.ts calls it with
 * what the CLI passes.
 */
export function buildChartbridgeApp(props: AppProps = {}): ChartbridgeApp {
  const app = new App(props);
  const envName = String(app.node.tryGetContext("env") ?? DEFAULT_ENV);
  const config = parseConfig(app.node.tryGetContext("environments"), envName);

  const replicaStack =
    config.replication &&
    new ChartbridgeReplicaStack(app, `Chartbridge-${envName}-replica`, {
      description: `chartbridge (${envName}): cross-region replicas of scans, OCR output, access logs and records backups`,
      config,
      region: config.replication.region,
      terminationProtection: config.production,
    });
  const edgeStack = new ChartbridgeEdgeStack(app, `Chartbridge-${envName}-edge`, {
    description: `chartbridge (${envName}): the web app's CloudFront web ACL, in us-east-1`,
    config,
    terminationProtection: config.production,
  });
  const stack = new ChartbridgeStack(app, `Chartbridge-${envName}`, {
    description: `chartbridge (${envName}): scanned medical charts → records`,
    config,
    replica: replicaStack?.targets,
    terminationProtection: config.production,
  });
  // Replication and backup copies need the replica buckets and vault to exist first.
  if (replicaStack) stack.addStackDependency(replicaStack, "replicates into its buckets and backup vault");
  // The web app's distribution names the edge stack's web ACL (read from its SSM parameter at deploy).
  stack.addStackDependency(edgeStack, "the web app's distribution uses its web ACL");

  for (const tagged of [stack, edgeStack, replicaStack].filter((s) => s !== undefined)) {
    Tags.of(tagged).add("application", "chartbridge");
    Tags.of(tagged).add("environment", envName);
    Tags.of(tagged).add("data-classification", "phi");
  }

  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new HIPAASecurityChecks(app));
  return { app, stack, edgeStack, replicaStack, config };
}
