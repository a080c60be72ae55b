/**
 * The audit trail's tamper evidence: per UTC day, events are numbered 1, 2, 3… and each carries the hash of
 * the one before it and its own hash over its canonical JSON (RFC 8785). The day's head item names the last
 * event. Altering an event breaks its hash, removing one leaves a gap in the numbers, and cutting the tail
 * contradicts the head. Pure: the adapters store events, this module makes and checks them.
 */
import { createHash } from "node:crypto";
import canonicalize from "canonicalize";
import type { AuditEntry } from "./audit-entry";

export interface ChainLink {
  seq: number;
  hash: string;
}

export interface AuditEvent extends AuditEntry {
  /** `<day>/<seq>`: unique and ordered within the day. */
  id: string;
  /** UTC day of `at`, YYYY-MM-DD: the chain the event belongs to. */
  day: string;
  seq: number;
  prevHash: string;
  /** Hex SHA-256 of the canonical JSON of every other property. */
  hash: string;
}

export const auditDay = (at: string): string => at.slice(0, 10);

/** Where a day's chain starts: a fixed value per day, so the first event's link can be checked too. */
export const genesisHash = (day: string): string => sha256(`chartbridge-audit:${day}`);

/** The event that follows `previous` (undefined: the day's first) in `entry`'s day. */
export function chainEvent(entry: AuditEntry, previous: ChainLink | undefined): AuditEvent {
  const day = auditDay(entry.at);
  const seq = (previous?.seq ?? 0) + 1;
  const unhashed: Omit<AuditEvent, "hash"> = {
    ...entry,
    id: `${day}/${String(seq).padStart(10, "0")}`,
    day,
    seq,
    prevHash: previous?.hash ?? genesisHash(day),
  };
  return { ...unhashed, hash: eventHash(unhashed) };
}

export function eventHash(event: Omit<AuditEvent, "hash">): string {
  const { hash: _ignored, ...rest } = event as AuditEvent;
  return sha256(canonicalize(rest) ?? "");
}

export type ChainProblem =
  | { kind: "altered"; day: string; seq: number }
  | { kind: "broken-link"; day: string; seq: number }
  | { kind: "gap"; day: string; missingFrom: number; missingTo: number }
  | { kind: "truncated"; day: string; headSeq: number; lastSeq: number }
  | { kind: "head-mismatch"; day: string };

/**
 * Checks one day's events (in any order) against each other and the day's head. Returns every problem
 * found; an empty list means the day is intact.
 */
export function verifyDay(day: string, events: AuditEvent[], head: ChainLink | undefined): ChainProblem[] {
  const problems: ChainProblem[] = [];
  const sorted = [...events].sort((a, b) => a.seq - b.seq);
  let expectedSeq = 1;
  let prevHash = genesisHash(day);
  for (const event of sorted) {
    if (event.seq > expectedSeq) {
      problems.push({ kind: "gap", day, missingFrom: expectedSeq, missingTo: event.seq - 1 });
    }
    const hashOk = eventHash(event) === event.hash && event.day === day && auditDay(event.at) === day;
    if (!hashOk) problems.push({ kind: "altered", day, seq: event.seq });
    // After a gap the link cannot be checked against the missing event; it is checked for the rest.
    else if (event.seq === expectedSeq && event.prevHash !== prevHash) {
      problems.push({ kind: "broken-link", day, seq: event.seq });
    }
    expectedSeq = event.seq + 1;
    prevHash = event.hash;
  }
  const last = sorted.at(-1);
  if (head) {
    if (!last || head.seq > last.seq) {
      problems.push({ kind: "truncated", day, headSeq: head.seq, lastSeq: last?.seq ?? 0 });
    } else if (head.seq !== last.seq || head.hash !== last.hash)
      problems.push({ kind: "head-mismatch", day });
  } else if (last) problems.push({ kind: "head-mismatch", day });
  return problems;
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
