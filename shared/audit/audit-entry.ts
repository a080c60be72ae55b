import type { Principal } from "../auth/principal";

/** Why PHI is requested (header `X-Purpose-Of-Use`), after HL7's PurposeOfUse; required of machine clients. */
export const PURPOSES_OF_USE = [
  "TREATMENT",
  "PAYMENT",
  "OPERATIONS",
  "PATIENT_REQUEST",
  "LEGAL",
  "PUBLIC_HEALTH",
  "RESEARCH",
  "OVERSIGHT",
] as const;
export type PurposeOfUse = (typeof PURPOSES_OF_USE)[number];

/** What was done with PHI: one per route that returns or changes it. */
export const AUDIT_ACTIONS = [
  "search",
  "record.read",
  "page.read",
  "original.read",
  "record.correct",
  "record.reprocess",
  "review.list",
  "timeline.read",
  "audit.read",
  "disclosures.read",
  // The FHIR API (/fhir): what a downstream system read, resource by resource.
  "patient.search",
  "patient.read",
  "document.search",
  "document.read",
  "binary.read",
  // FHIR bulk export: the kick-off and status polls disclose nothing; each patient the files hold is one
  // `bulk.export` disclosure, recorded before the links to the files are given.
  "export.start",
  "export.status",
  "bulk.export",
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** A route's account of what it returned or changed; the router adds who, when and how. */
export interface AuditFacts {
  action: AuditAction;
  /** Every record whose content the response carried or the request changed (search: the hits returned). */
  recordIds: string[];
  /** The patients involved, by MRN as read (normalized for lookup by the audit log). */
  mrns: string[];
}

/** One audit event as the router hands it to the audit log: written before the response is sent. */
export interface AuditEntry extends AuditFacts {
  /** ISO timestamp. */
  at: string;
  actor: Pick<Principal, "kind" | "sub" | "name" | "roles" | "scopes">;
  /** "denied": the caller asked for PHI it may not see (nothing was returned). */
  outcome: "success" | "denied";
  /** "GET /records/{id}": the route template, never the path (paths carry caller input). */
  route: string;
  requestId: string;
  sourceIp?: string;
  purposeOfUse?: PurposeOfUse;
  /**
   * A disclosure outside the covered entity (HIPAA §164.528): anything a downstream system's client reads.
   * The accounting of disclosures lists exactly these.
   */
  disclosure: boolean;
}
