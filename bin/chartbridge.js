#!/usr/bin/env node
// The CLI is TypeScript; tsx compiles it on the fly so `npx chartbridge` works straight from a checkout.
import { register } from "tsx/esm/api";

register();
await import("../local/cli/main.ts");
