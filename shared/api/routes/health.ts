import * as z from "zod";
import { defineRoute } from "../route";

export const health = defineRoute({
  method: "GET",
  path: "/health",
  access: "public",
  audited: false,
  summary: "Liveness of the API (no token needed)",
  response: z.object({ status: z.literal("ok") }),
  handle: async () => ({ body: { status: "ok" } }),
});
