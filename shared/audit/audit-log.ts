import type { AuditEntry } from "./audit-entry";

/**
 * The audit trail port: append-only. Production: a DynamoDB table of its own; tests: in memory.
 * `append` resolves only once the event is durably stored; the API returns no PHI before that (fail closed).
 */
export interface AuditLog {
  append(entry: AuditEntry): Promise<void>;
}
