/**
 * Lambda bundle report against the goal in GOAL_BYTES and GOAL_INIT_MS (infra/README.md, "Lambda bundles").
 * Bundles every `functions/<name>/handler.ts` with esbuild exactly as the CDK app does (options derived from
 * its bundling props in bench/bundles/lambda-bundle.ts), copies its runtime files beside it, then imports each bundle in fresh
 * Node processes with the function's Lambda environment (dummy names and credentials; no network):
 *
 *   npx tsx bench/bundles.ts [--runs 5] [--json] [--verbose] [--external '@aws-sdk/*'] [--source-maps] [--keep]
 *
 * Init time is the median over --runs spawns of the in-process time to `import()` the bundle, minus the
 * median for an empty module (Node's ESM loader start-up), as wall-clock and as CPU time (user + system of
 * every thread: steadier on a busy machine, but it counts parallel work such as WebAssembly compilation
 * several times). Spawns are interleaved across bundles so load changes hit them alike; "(min)" is the
 * fastest spawn minus the fastest empty module, a lower bound that other work on the machine disturbs less
 * than the median. Lambda runs without `--enable-source-maps` (--source-maps measures with it: Node then scans
 * the whole bundle for line lengths at import, whatever the map's size). Lambda runs Node 22 on arm64
 * with a share of a vCPU proportional to memory, so absolute numbers there differ; compare bundles here.
 * Lambda's Init Duration also includes starting Node and the runtime client, which the baseline removes.
 *
 * --external marks modules external (e.g. '@aws-sdk/*' to see what the runtime-provided SDK would give);
 * they then load from this project's node_modules. --verbose lists each bundle's 5 largest packages and files.
 */
import { spawnSync } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { build, version as esbuildVersion } from "esbuild";
import {
  BUNDLE_FILE,
  LAMBDA_ESBUILD_OPTIONS,
  lambdaEnvironment,
  RUNTIME_FILES,
} from "./bundles/lambda-bundle";
import { formatBytes, median, renderTable, topInputs, type InputShare } from "./bundles/report";

const GOAL_BYTES = 1_000_000;
const GOAL_INIT_MS = 150;

const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "5" },
    json: { type: "boolean", default: false },
    verbose: { type: "boolean", default: false },
    external: { type: "string", multiple: true, default: [] },
    "source-maps": { type: "boolean", default: false },
    keep: { type: "boolean", default: false },
  },
});
const RUNS = Number(values.runs);
if (!Number.isInteger(RUNS) || RUNS < 1)
  throw new Error(`--runs must be a positive integer, not ${values.runs}`);
const EXTERNAL = values.external;
const SOURCE_MAPS = values["source-maps"];

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const FUNCTIONS = readdirSync(path.join(ROOT, "functions"))
  .filter((name) => existsSync(path.join(ROOT, "functions", name, "handler.ts")))
  .sort();

interface Sample {
  wallMs: number;
  cpuMs: number;
  rssMb: number;
  handler: string;
}

interface BundleReport {
  name: string;
  jsBytes: number;
  sourceMapBytes: number;
  runtimeFiles: { file: string; bytes: number }[];
  initWallMs: number;
  /** The fastest spawn minus the fastest empty module: a lower bound less sensitive to other load. */
  initWallMinMs: number;
  initCpuMs: number;
  rssMb: number;
  exportsHandler: boolean;
  withinGoal: { size: boolean; init: boolean };
  topPackages: InputShare[];
  topFiles: InputShare[];
  samples: Sample[];
}

/** What is known about a bundle before it is imported. */
type BundleFacts = Pick<
  BundleReport,
  "name" | "jsBytes" | "sourceMapBytes" | "runtimeFiles" | "topPackages" | "topFiles"
>;

interface Setup {
  node: string;
  esbuild: string;
  runs: number;
  sourceMaps: boolean;
  external: string[];
  goal: { bytes: number; initMs: number };
  /** 1-minute load average when the measurements ended (other work on the machine inflates the times). */
  loadAverage: number;
  baseline: { wallMs: number; cpuMs: number; rssMb: number };
}

/** Imports a module in a fresh Node process and reports how long the import took. */
const PROBE = `
const c0 = process.cpuUsage();
const t0 = performance.now();
const mod = await import(process.argv[1]);
const wallMs = performance.now() - t0;
const c = process.cpuUsage(c0);
process.stdout.write(JSON.stringify({ wallMs, cpuMs: (c.user + c.system) / 1000, rssMb: process.memoryUsage().rss / 1e6, handler: typeof mod.handler }));
`;

function probe(file: string, env: Record<string, string>): Sample {
  const result = spawnSync(process.execPath, ["--input-type=module", "-e", PROBE, pathToFileURL(file).href], {
    cwd: path.dirname(file),
    // A clean environment: nothing of this shell (AWS_PROFILE, tsx's NODE_OPTIONS loader) leaks in.
    env: { PATH: process.env.PATH ?? "", ...env, NODE_OPTIONS: SOURCE_MAPS ? "--enable-source-maps" : "" },
    encoding: "utf8",
    timeout: 120_000,
  });
  if (result.status !== 0) {
    throw new Error(`importing ${file} failed (exit ${result.status}):\n${result.stderr || result.error}`);
  }
  return JSON.parse(result.stdout) as Sample;
}

async function main(): Promise<void> {
  const workDir = mkdtempSync(path.join(tmpdir(), "chartbridge-bundles-"));
  try {
    // External modules resolve from the project's node_modules, as they would from the runtime's.
    if (EXTERNAL.length > 0)
      symlinkSync(path.join(ROOT, "node_modules"), path.join(workDir, "node_modules"), "dir");

    const bundles: { name: string; file: string; report: BundleFacts }[] = [];
    for (const name of FUNCTIONS) {
      const outDir = path.join(workDir, name);
      mkdirSync(outDir, { recursive: true });
      const file = path.join(outDir, BUNDLE_FILE);
      const result = await build({
        ...LAMBDA_ESBUILD_OPTIONS,
        external: [...LAMBDA_ESBUILD_OPTIONS.external, ...EXTERNAL],
        entryPoints: [path.join(ROOT, "functions", name, "handler.ts")],
        outfile: file,
        absWorkingDir: ROOT,
        metafile: true,
        logLevel: "warning",
      });
      const runtimeFiles = (RUNTIME_FILES[name] ?? []).map((relative) => {
        const target = path.join(outDir, path.basename(relative));
        copyFileSync(path.join(ROOT, relative), target);
        return { file: path.basename(relative), bytes: statSync(target).size };
      });
      const output = Object.entries(result.metafile.outputs).find(([out]) => out.endsWith(BUNDLE_FILE));
      if (!output) throw new Error(`esbuild produced no ${BUNDLE_FILE} for ${name}`);
      bundles.push({
        name,
        file,
        report: {
          name,
          jsBytes: statSync(file).size,
          sourceMapBytes: existsSync(`${file}.map`) ? statSync(`${file}.map`).size : 0,
          runtimeFiles,
          topPackages: topInputs(output[1].inputs, 5),
          topFiles: topInputs(output[1].inputs, 5, false),
        },
      });
    }

    const emptyModule = path.join(workDir, "empty.mjs");
    writeFileSync(emptyModule, "export {};\n");
    const targets = [{ name: "(empty module)", file: emptyModule }, ...bundles];
    const samples = new Map<string, Sample[]>(targets.map((t) => [t.name, []]));
    // One untimed import each (file cache), then RUNS interleaved rounds.
    for (const t of targets) probe(t.file, lambdaEnvironment(t.name));
    for (let run = 0; run < RUNS; run++) {
      for (const t of targets) samples.get(t.name)!.push(probe(t.file, lambdaEnvironment(t.name)));
    }
    const stat = (name: string, key: "wallMs" | "cpuMs" | "rssMb") =>
      median(samples.get(name)!.map((s) => s[key]));
    const fastest = (name: string) => Math.min(...samples.get(name)!.map((s) => s.wallMs));
    const baseline = {
      wallMs: stat("(empty module)", "wallMs"),
      cpuMs: stat("(empty module)", "cpuMs"),
      rssMb: stat("(empty module)", "rssMb"),
    };

    const reports: BundleReport[] = bundles.map(({ name, report }) => {
      const own = samples.get(name)!;
      const initWallMs = stat(name, "wallMs") - baseline.wallMs;
      return {
        ...report,
        initWallMs,
        initWallMinMs: fastest(name) - fastest("(empty module)"),
        initCpuMs: stat(name, "cpuMs") - baseline.cpuMs,
        rssMb: stat(name, "rssMb") - baseline.rssMb,
        exportsHandler: own.every((s) => s.handler === "function"),
        withinGoal: { size: report.jsBytes <= GOAL_BYTES, init: initWallMs <= GOAL_INIT_MS },
        samples: own,
      };
    });

    const setup: Setup = {
      node: process.version,
      esbuild: esbuildVersion,
      runs: RUNS,
      sourceMaps: SOURCE_MAPS,
      external: EXTERNAL,
      goal: { bytes: GOAL_BYTES, initMs: GOAL_INIT_MS },
      loadAverage: Number(loadavg()[0]?.toFixed(2)),
      baseline,
    };
    if (values.json) {
      console.log(JSON.stringify({ ...setup, functions: reports }, null, 2));
    } else {
      printReport(setup, reports);
    }
    if (values.keep) console.error(`bundles kept in ${workDir}`);
    if (reports.some((r) => !r.exportsHandler)) process.exitCode = 1;
  } finally {
    if (!values.keep) rmSync(workDir, { recursive: true, force: true });
  }
}

function printReport(setup: Setup, reports: BundleReport[]): void {
  const ms = (n: number) => n.toFixed(0);
  console.log(
    `Lambda bundles (esbuild ${setup.esbuild}, as the CDK app builds them${setup.external.length ? `; external: ${setup.external.join(", ")}` : ""}); ` +
      `init = median of ${setup.runs} fresh \`node\` ${setup.node} imports${setup.sourceMaps ? " with --enable-source-maps" : ""}, ` +
      `minus an empty module's (${ms(setup.baseline.wallMs)} ms wall, ${ms(setup.baseline.cpuMs)} ms CPU)`,
  );
  console.log(
    `Goal: JS ≤ ${formatBytes(GOAL_BYTES)}, init ≤ ${GOAL_INIT_MS} ms (wall). ` +
      `Load average ${setup.loadAverage} on ${availableParallelism()} CPUs.\n`,
  );
  console.log(
    renderTable(
      [
        "function",
        "JS",
        "source map",
        "runtime files",
        "init wall ms",
        "(min)",
        "init CPU ms",
        "RSS MB",
        "goal",
      ],
      reports.map((r) => [
        r.name,
        formatBytes(r.jsBytes),
        formatBytes(r.sourceMapBytes),
        r.runtimeFiles.map((f) => `${f.file} ${formatBytes(f.bytes)}`).join(", ") || "-",
        ms(r.initWallMs),
        ms(r.initWallMinMs),
        ms(r.initCpuMs),
        r.rssMb.toFixed(0),
        !r.exportsHandler
          ? "NO HANDLER EXPORT"
          : r.withinGoal.size && r.withinGoal.init
            ? "met"
            : `over: ${[!r.withinGoal.size && "size", !r.withinGoal.init && "init"].filter(Boolean).join(", ")}`,
      ]),
    ),
  );
  if (!values.verbose) return;
  for (const r of reports) {
    const list = (shares: InputShare[]) => shares.map((s) => `${s.name} ${formatBytes(s.bytes)}`).join(", ");
    console.log(`\n${r.name}`);
    console.log(`  top packages: ${list(r.topPackages)}`);
    console.log(`  top files:    ${list(r.topFiles)}`);
  }
}

await main();
