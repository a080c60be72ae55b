#!/usr/bin/env node
// The CLI is TypeScript. It runs from a build compiled once (at `npm install`, or here when the sources
// changed since); tsx compiles it on the fly only when no build can be made (esbuild not installed).
import { pathToFileURL } from "node:url";
import { buildCli, freshBundle } from "../local/cli/build-cli.mjs";

// Known and documented (README): the SDK will need Node 22 from 2027; the local tools run on Node 20 meanwhile.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const entry = freshBundle() ?? (await buildCli().catch(() => undefined));
if (entry) {
  await import(pathToFileURL(entry).href);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import("../local/cli/main.ts");
}
