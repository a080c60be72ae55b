/**
 * Textract throughput under a burst: `--documents` uploads (default 10,000) land at once and go through the
 * real pipeline (ingest and ocr-complete handlers, the throughput governor, the sweeper) over in-memory ports,
 * an SQS simulation and a Textract stand-in that enforces us-east-1's default quotas, in virtual time.
 * Prints quota utilization while work was queued, wall time against the ideal, throttles, lost and
 * duplicated documents and dead letters (bench/throughput/*.ts says how each is counted).
 *
 *   npm run bench:throughput -- [--documents 10000] [--seed 1] [--start-tps 15] [--get-tps 10] [--jobs 600]
 *     [--margin 0.1] [--throttle-rate 0.01] [--server-error-rate 0.005] [--crash-rate 0.002]
 *     [--without-governor] [--json]
 *
 * `--without-governor` runs the same burst with TEXTRACT_GOVERNOR=off, to see what the governor prevents.
 */
import { parseArgs } from "node:util";
import { ingestMaxConcurrency, ocrCompleteMaxConcurrency } from "../infra/pipeline-sizing";
import { reportOf, renderReport } from "./throughput/report";
import { DEFAULT_SIMULATION, simulate } from "./throughput/simulation";

const { values } = parseArgs({
  options: {
    documents: { type: "string", default: "10000" },
    seed: { type: "string", default: String(DEFAULT_SIMULATION.seed) },
    "start-tps": { type: "string", default: String(DEFAULT_SIMULATION.quotas.startTps) },
    "get-tps": { type: "string", default: String(DEFAULT_SIMULATION.quotas.getTps) },
    jobs: { type: "string", default: String(DEFAULT_SIMULATION.quotas.maxJobs) },
    margin: { type: "string", default: String(DEFAULT_SIMULATION.margin) },
    "throttle-rate": { type: "string", default: String(DEFAULT_SIMULATION.throttleRate) },
    "server-error-rate": { type: "string", default: String(DEFAULT_SIMULATION.serverErrorRate) },
    "crash-rate": { type: "string", default: String(DEFAULT_SIMULATION.crashRate) },
    "without-governor": { type: "boolean", default: false },
    json: { type: "boolean", default: false },
  },
});

const number = (name: keyof typeof values) => {
  const n = Number(values[name]);
  if (!Number.isFinite(n) || n < 0)
    throw new Error(`--${name} must be a non-negative number, not ${String(values[name])}`);
  return n;
};

const quotas = { startTps: number("start-tps"), getTps: number("get-tps"), maxJobs: number("jobs") };
const run = await simulate({
  ...DEFAULT_SIMULATION,
  documents: number("documents"),
  seed: number("seed"),
  quotas,
  // Event sources sized as the CDK app sizes them for these quotas (ocr-complete's prod reservation: 20).
  ingestConcurrency: ingestMaxConcurrency(quotas.startTps),
  ocrCompleteConcurrency: ocrCompleteMaxConcurrency(20, quotas.getTps),
  margin: number("margin"),
  throttleRate: number("throttle-rate"),
  serverErrorRate: number("server-error-rate"),
  crashRate: number("crash-rate"),
  governor: !values["without-governor"],
});
const report = reportOf(run);
if (values.json) console.log(JSON.stringify(report));
else console.log(renderReport(report));
