#!/usr/bin/env node
// The CLI is TypeScript; tsx compiles it on the fly so `npx chartbridge` works straight from a checkout.
import { register } from "tsx/esm/api";

// Known and documented (README): the SDK will need Node 22 from 2027; the local tools run on Node 20 meanwhile.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
register();
await import("../local/cli/main.ts");
