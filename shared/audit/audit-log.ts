import type { AuditEvent, ChainLink } from "./audit-chain";
import type { AuditEntry } from "./audit-entry";

/** What the access report and the accounting of disclosures look events up by. */
export type AuditLookup =
  | { by: "record"; recordId: string }
  | { by: "mrn"; mrn: string }
  | { by: "user"; user: string }
  /** Disclosures outside the covered entity that involved this patient (HIPAA §164.528). */
  | { by: "disclosure"; mrn: string };

export interface AuditQuery {
  lookup: AuditLookup;
  /** Inclusive ISO timestamps (a date alone means its whole day for `to`). */
  from?: string;
  to?: string;
  limit: number;
  /** Opaque, from the previous page's `nextCursor`. */
  cursor?: string;
}

export interface AuditPage {
  /** Oldest first. */
  events: AuditEvent[];
  nextCursor?: string;
}

/**
 * The audit trail port: append-only. Production: a DynamoDB table of its own; tests: in memory.
 * `append` resolves only once the event is durably stored; the API returns no PHI before that (fail closed).
 */
export interface AuditLog {
  append(entry: AuditEntry): Promise<void>;
  find(query: AuditQuery): Promise<AuditPage>;
}

/** What `audit verify` reads: one day's chain as stored, with its head. */
export interface AuditChainReader {
  /** Every day that has events or a head, sorted. */
  days(): Promise<string[]>;
  readDay(day: string): Promise<{ head?: ChainLink; events: AuditEvent[] }>;
}
