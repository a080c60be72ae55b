import type { ChangeFeedStore, ChangePage, RecordChange } from "../../shared/events/change-feed";
import { InvalidCursorError } from "../../shared/search/search-cursor";

/** The change feed in memory, ordered and deduplicated as the DynamoDB adapter orders and deduplicates it. */
export class InMemoryChangeFeed implements ChangeFeedStore {
  readonly entries: RecordChange[] = [];
  private readonly logged = new Set<string>();

  async append(change: RecordChange): Promise<void> {
    const key = `${change.recordId}#${change.version}`;
    if (this.logged.has(key)) return;
    this.logged.add(key);
    this.entries.push(change);
    this.entries.sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : 1));
  }

  async list(opts: { cursor?: string; before: string; limit: number }): Promise<ChangePage> {
    const after = opts.cursor === undefined ? "" : Buffer.from(opts.cursor, "base64url").toString("utf8");
    if (opts.cursor !== undefined && !after.includes("#")) throw new InvalidCursorError();
    const changes = this.entries
      .filter((c) => sortKey(c) > after && sortKey(c) < opts.before)
      .slice(0, opts.limit);
    const last = changes.at(-1);
    return { changes, cursor: last ? Buffer.from(sortKey(last)).toString("base64url") : (opts.cursor ?? "") };
  }
}

const sortKey = (c: RecordChange) => `${c.loggedAt}#${c.recordId}#${String(c.version).padStart(10, "0")}`;
