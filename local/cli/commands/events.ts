import { eventFeed } from "../../events/event-feed";
import { deliver, webhookSecret } from "../../events/webhook";

export interface EventsOptions {
  dataDir: string;
  since?: string;
  type?: string[];
  follow: boolean;
  webhook?: string;
  json: boolean;
}

/**
 * `chartbridge events`: the local stack's domain events (what EventBridge carries in AWS), oldest first;
 * `--follow` keeps printing them as they happen (Ctrl-C ends it); `--webhook URL` also posts each one to a
 * receiver, signed with the data dir's webhook secret. Exit 1 when a receiver refused an event.
 */
export async function eventsCommand(opts: EventsOptions): Promise<number> {
  const stop = new AbortController();
  process.once("SIGINT", () => stop.abort());
  const hook = opts.webhook ? webhookSecret(opts.dataDir) : undefined;
  if (hook?.created) console.error(`Webhook secret written to ${hook.file} (share it with the receiver)`);
  let refused = 0;
  const feed = eventFeed(opts.dataDir, {
    since: opts.since,
    types: opts.type,
    follow: opts.follow,
    signal: stop.signal,
  });
  for await (const event of feed) {
    if (opts.json) console.log(JSON.stringify(event));
    else console.log([event.time, event.type.padEnd(20), describe(event.detail)].join("  "));
    if (opts.webhook && hook) {
      try {
        await deliver(opts.webhook, event, hook.secret);
      } catch (err) {
        refused += 1;
        console.error(`not delivered: ${event.id}: ${(err as Error).message}`);
      }
    }
  }
  return refused > 0 ? 1 : 0;
}

/** The ids and states of an event's detail, for a line on a terminal. */
function describe(detail: Record<string, unknown>): string {
  const keys = ["recordId", "batchId", "status", "reasonCode", "documentType", "version"];
  return keys
    .filter((k) => detail[k] !== undefined)
    .map((k) => `${k}=${String(detail[k])}`)
    .join(" ");
}
