import { verifyDay, type ChainProblem } from "./audit-chain";
import type { AuditChainReader } from "./audit-log";

export interface AuditVerification {
  days: number;
  events: number;
  problems: ChainProblem[];
}

/** Checks every chain of `days` (YYYY-MM-DD) as stored: see audit-chain.ts for what is detected. */
export async function verifyAuditTrail(reader: AuditChainReader, days: string[]): Promise<AuditVerification> {
  const result: AuditVerification = { days: 0, events: 0, problems: [] };
  for (const day of days) {
    const { head, events } = await reader.readDay(day);
    result.days += 1;
    result.events += events.length;
    result.problems.push(...verifyDay(day, events, head));
  }
  return result;
}

/** A problem in one line, without any content of the event (ids and numbers only). */
export function describeProblem(p: ChainProblem): string {
  switch (p.kind) {
    case "altered":
      return `${p.day} event ${p.seq}: altered (its hash does not match its content)`;
    case "broken-link":
      return `${p.day} event ${p.seq}: does not follow the event before it`;
    case "gap":
      return `${p.day} events ${p.missingFrom}–${p.missingTo}: missing`;
    case "truncated":
      return `${p.day}: the day's head names event ${p.headSeq} but the last stored is ${p.lastSeq}`;
    case "head-mismatch":
      return `${p.day}: the day's head does not match its last event`;
  }
}
