/**
 * Builds the web app when its sources changed since the last build, so `npm start` always serves the current
 * app without a separate build step. The build records a hash of its inputs next to its output.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";

/** What the app is built from: its own sources, the shared code it imports, and the installed packages. */
const INPUTS = [
  "web/src",
  "web/index.html",
  "web/vite.config.ts",
  "shared/domain",
  "shared/extraction/normalize",
  "package-lock.json",
];
const STAMP = ".source-hash";

function files(root: string, path: string): string[] {
  const full = join(root, path);
  if (!existsSync(full)) return [];
  if (!statSync(full).isDirectory()) return [path];
  return readdirSync(full)
    .sort()
    .flatMap((name) => files(root, join(path, name)));
}

export function webSourceHash(root: string): string {
  const hash = createHash("sha256");
  for (const file of INPUTS.flatMap((p) => files(root, p))) {
    hash
      .update(relative(root, join(root, file)))
      .update("\0")
      .update(readFileSync(join(root, file)));
  }
  return hash.digest("hex");
}

export function webDistDir(root: string): string {
  return join(root, "web", "dist");
}

/**
 * Builds web/dist unless it is current. Returns "current" or "built"; throws when the build fails (Vite's
 * message says why).
 */
export async function ensureWebBuild(root: string): Promise<"current" | "built"> {
  const dist = webDistDir(root);
  const hash = webSourceHash(root);
  const stamp = join(dist, STAMP);
  if (existsSync(stamp) && readFileSync(stamp, "utf8") === hash && existsSync(join(dist, "index.html"))) {
    return "current";
  }
  const { build } = await import("vite");
  // Vite takes NODE_ENV from the environment when set: a build started under a test runner ("test") would
  // bundle React's development build. The app is always built for production.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = "production";
  try {
    await build({ configFile: join(root, "web", "vite.config.ts"), logLevel: "warn", mode: "production" });
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
  writeFileSync(stamp, hash);
  return "built";
}

/**
 * Builds the app into `outDir` synchronously, in a child process (CDK's local bundling is synchronous).
 * Throws when the build fails.
 */
export function buildWebSync(root: string, outDir: string): void {
  const vite = join(root, "node_modules", "vite", "bin", "vite.js");
  execFileSync(
    process.execPath,
    [
      vite,
      "build",
      "--config",
      join(root, "web", "vite.config.ts"),
      "--outDir",
      outDir,
      "--emptyOutDir",
      "--logLevel",
      "warn",
    ],
    {
      cwd: root,
      env: { ...process.env, NODE_ENV: "production" },
      stdio: ["ignore", "inherit", "inherit"],
    },
  );
}
