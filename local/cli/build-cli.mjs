// Compiles the TypeScript CLI once, so a command starts without compiling at every run. Run by `npm install`
// (the package's own `prepare` script) and, when the sources changed since, by bin/chartbridge.js before it
// runs the CLI. Dependencies stay external (they load from node_modules), and each command is its own chunk,
// so `--help` or `search` load neither the OCR engine nor the AWS SDKs.
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const OUT_DIR = join(ROOT, ".chartbridge-cli");
const CURRENT = join(OUT_DIR, "current.json");
/** Builds kept: a stack started from an older build may still load chunks from it. */
const KEEP_BUILDS = 3;

/** The compiled entry point if it is up to date with every source it was built from, else undefined. */
export function freshBundle() {
  let current;
  try {
    current = JSON.parse(readFileSync(CURRENT, "utf8"));
  } catch {
    return undefined;
  }
  const entry = join(OUT_DIR, current.dir, "main.js");
  try {
    const built = statSync(entry).mtimeMs;
    for (const file of [...current.inputs, "package-lock.json"])
      if (statSync(join(ROOT, file)).mtimeMs > built) return undefined;
  } catch {
    return undefined; // a source or the build is gone
  }
  return entry;
}

/** Builds the CLI and returns its entry point; throws if esbuild is not installed. */
export async function buildCli() {
  const { build } = await import("esbuild");
  const dir = `build-${Date.now()}-${process.pid}`;
  const outdir = join(OUT_DIR, dir);
  mkdirSync(outdir, { recursive: true });
  const result = await build({
    entryPoints: { main: join(ROOT, "local/cli/main.ts") },
    outdir,
    bundle: true,
    splitting: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    sourcemap: "inline",
    metafile: true,
    logLevel: "error",
  });
  const inputs = Object.keys(result.metafile.inputs).map((p) => relative(ROOT, resolve(ROOT, p)));
  // The pointer is replaced in one rename, so a concurrent run sees the old build or the new one.
  const tmp = `${CURRENT}.${process.pid}`;
  writeFileSync(tmp, JSON.stringify({ dir, inputs }));
  renameSync(tmp, CURRENT);
  const builds = readdirSync(OUT_DIR)
    .filter((d) => d.startsWith("build-"))
    .sort((a, b) => Number(b.split("-")[1]) - Number(a.split("-")[1]));
  for (const old of builds.slice(KEEP_BUILDS)) rmSync(join(OUT_DIR, old), { recursive: true, force: true });
  return join(outdir, "main.js");
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await buildCli().catch((err) => {
    // Without esbuild (an install without dev dependencies) the CLI still runs, through tsx.
    console.warn(`chartbridge: CLI not precompiled (${err.message}); it will compile at each run.`);
  });
}
