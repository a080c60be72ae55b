/**
 * The change feed: every stored change of a record, in the order the feed logged it, for systems that poll
 * rather than subscribe (GET /changes). The records table's stream writes it (one entry per record version,
 * however often the stream repeats the change); a reader resumes from the cursor of the last entry it read.
 *
 * Order and completeness: an entry is stamped when it is logged and is listed by that stamp. Stream shards are
 * processed in parallel, so an entry may be committed a moment after one stamped later; entries younger than
 * the settle window are therefore not listed yet, and a reader that resumes from a cursor never misses one.
 */
import type { ChartRecord } from "../domain/chart-record";
import type { DocumentStatus, ReasonCode } from "../domain/status";

/** What the feed says of one change: ids, states and times, no chart content (entries are not disclosures). */
export interface RecordChange {
  recordId: string;
  version: number;
  status: DocumentStatus;
  reasonCode?: ReasonCode;
  documentType?: ChartRecord["documentType"];
  fileRecordId?: string;
  /** When the record changed. */
  changedAt: string;
  /** When the feed logged the change (its place in the feed). */
  loggedAt: string;
}

export interface ChangePage {
  changes: RecordChange[];
  /** Where to resume: after the last change listed (or where the caller was, when nothing was new). */
  cursor: string;
}

/** Entries younger than this are not listed yet (see the module comment). */
export const SETTLE_MS = 5_000;

/** Where the feed is kept: the records table in AWS and locally (shared/adapters/dynamodb/change-feed-repository.ts). */
export interface ChangeFeedStore {
  /** Logs the change once: a second append of the same record version changes nothing. */
  append(change: RecordChange): Promise<void>;
  /**
   * Changes after `cursor` (from the start without one) logged before `before`, oldest first, at most
   * `limit`. An unreadable cursor throws InvalidCursorError.
   */
  list(opts: { cursor?: string; before: string; limit: number }): Promise<ChangePage>;
}

/** The feed entry of a stored record version. */
export function changeOf(record: ChartRecord, loggedAt: string): RecordChange {
  return {
    recordId: record.id,
    version: record.version,
    status: record.status,
    ...(record.statusReason ? { reasonCode: record.statusReason } : {}),
    ...(record.documentType ? { documentType: record.documentType } : {}),
    ...(record.split ? { fileRecordId: record.split.fileRecordId } : {}),
    changedAt: record.updatedAt,
    loggedAt,
  };
}

/** A page of the feed for a reader: settled entries only. */
export function readChanges(
  feed: Pick<ChangeFeedStore, "list">,
  opts: { cursor?: string; limit: number; now: string },
): Promise<ChangePage> {
  const before = new Date(Date.parse(opts.now) - SETTLE_MS).toISOString();
  return feed.list({ ...(opts.cursor ? { cursor: opts.cursor } : {}), before, limit: opts.limit });
}
