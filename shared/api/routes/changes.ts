/**
 * The change feed for systems that poll (GET /changes): every record change in the order it was logged,
 * resumable from the cursor of the last page. Ids, states and times only, so reading it discloses nothing;
 * fetching a record it names is the disclosure, audited as every record read is.
 */
import * as z from "zod";
import { readChanges } from "../../events/change-feed";
import { defineRoute } from "../route";
import { ChangesBody } from "../response-schemas";

const changesQuery = z
  .object({
    since: z.string().min(1).max(2048).optional(),
    limit: z.coerce.number().int("must be a whole number").min(1).max(1000).default(100),
  })
  .strict();
type ChangesQuery = z.infer<typeof changesQuery>;

export const listChanges = defineRoute<Record<string, never>, ChangesQuery>({
  method: "GET",
  path: "/changes",
  access: ["records:read"],
  audited: false,
  summary:
    "Every record change in order (ids, states, times), from `since` (the cursor of the last page) or the start; the last 5 seconds are held back until they settle",
  response: ChangesBody,
  request: { query: changesQuery },
  handle: async ({ query, deps }) => {
    const page = await readChanges(deps.changes, {
      ...(query.since ? { cursor: query.since } : {}),
      limit: query.limit,
      now: deps.now(),
    });
    return { body: page };
  },
});
