/**
 * How long a CLI command takes to start: `node bin/chartbridge.js --help` (or the command after `--`),
 * spawned `--runs` times (default 5); prints the median and fastest wall-clock time. The first run after a
 * source change also compiles the CLI once; later runs load the compiled build.
 *
 *   npx tsx bench/cli-startup.ts [--runs 5] [-- search x --data-dir .chartbridge]
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const CLI = fileURLToPath(new URL("../bin/chartbridge.js", import.meta.url));
const argv = process.argv.slice(2);
const runsAt = argv.indexOf("--runs");
const runs = runsAt >= 0 ? Number(argv[runsAt + 1]) : 5;
const dashDash = argv.indexOf("--");
const args = dashDash >= 0 ? argv.slice(dashDash + 1) : ["--help"];

const walls: number[] = [];
for (let i = 0; i < runs; i++) {
  const started = performance.now();
  const out = spawnSync(process.execPath, [CLI, ...args], { stdio: "ignore" });
  walls.push(performance.now() - started);
  if (out.status !== 0) throw new Error(`chartbridge ${args.join(" ")} exited with ${out.status}`);
}
walls.sort((a, b) => a - b);
console.log(
  `chartbridge ${args.join(" ")}: median ${walls[Math.floor(runs / 2)]!.toFixed(0)} ms, ` +
    `fastest ${walls[0]!.toFixed(0)} ms over ${runs} runs`,
);
