// CDK entry point (cdk.json "app"): `npx cdk synth -c env=dev|prod`.
import { buildChartbridgeApp } from "./chartbridge-app";

buildChartbridgeApp().app.synth();
