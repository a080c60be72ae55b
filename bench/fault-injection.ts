/**
 * Nothing lost, nothing misfiled, under faults: a vendor batch through the local stack while DynamoDB and S3
 * throttle and fail, Textract throttles, fails and loses jobs, deliveries repeat out of order and DynamoDB
 * Local is killed mid-run (test/support/faults/fault-scenario.ts). Prints the faults injected by kind and
 * the outcome: files final, duplicated, lost, stale search documents, dead letters.
 *
 *   npm run bench:faults -- [--documents 200] [--seed 12] [--rate 0.05] [--json]
 */
import { parseArgs } from "node:util";
import { runFaultScenario } from "../test/support/faults/fault-scenario";

const { values } = parseArgs({
  options: {
    documents: { type: "string", default: "200" },
    seed: { type: "string", default: "12" },
    rate: { type: "string", default: "0.05" },
    json: { type: "boolean", default: false },
  },
});

const tally = await runFaultScenario({
  documents: Number(values.documents),
  seed: Number(values.seed),
  serviceFaultRate: Number(values.rate),
  log: values.json ? undefined : (line) => console.log(line),
});
if (values.json) {
  console.log(JSON.stringify(tally));
} else {
  console.log(`\n${tally.documents} documents in ${tally.seconds.toFixed(0)} s`);
  console.log("\nInjected faults");
  for (const [kind, n] of Object.entries(tally.injected)) console.log(`  ${kind.padEnd(28)} ${n}`);
  console.log("\nOutcome");
  for (const [what, n] of Object.entries(tally.outcome))
    console.log(`  ${what.padEnd(28)} ${typeof n === "number" ? n : JSON.stringify(n)}`);
}
process.exit(0);
