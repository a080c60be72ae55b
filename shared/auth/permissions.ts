import { FHIR_SCOPES, RECORDS_READ_SCOPE, type Principal, type Role } from "./principal";

/** What a route may require. Deny by default: a principal holds only what ROLE_GRANTS and CLIENT_GRANTS list. */
export const PERMISSIONS = [
  /** Search charts (hits carry identity fields). */
  "records:search",
  /** Read a record, its page images and original scan, and a patient's timeline. */
  "records:read",
  /** Work the review queue and correct fields. */
  "records:correct",
  /** Re-run split and extraction from stored OCR output. */
  "records:reprocess",
  /** The access report of the audit trail. */
  "audit:read",
  /** A patient's accounting of disclosures. */
  "disclosures:read",
  /** A vendor's own uploads: status, reason codes and record ids, never extracted content. */
  "uploads:own",
  /** Create, upload to, close and reconcile the vendor's own batches. */
  "batches:own",
  /** Any vendor's batch and its reconciliation report (the hospital signs off deliveries). */
  "batches:read",
  /** The FHIR API (SMART Backend Services scopes `system/<Type>.read`), one permission per resource type. */
  "fhir:Patient.read",
  "fhir:DocumentReference.read",
  "fhir:Binary.read",
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const STAFF: Permission[] = ["records:search", "records:read", "records:correct", "disclosures:read"];

export const ROLE_GRANTS: Readonly<Record<Role, readonly Permission[]>> = {
  admin: [...STAFF, "records:reprocess", "audit:read", "batches:read"],
  "records-staff": STAFF,
  vendor: ["uploads:own", "batches:own"],
};

/** Downstream systems read, never write: scope → permissions. */
export const CLIENT_GRANTS: Readonly<Record<string, readonly Permission[]>> = {
  [RECORDS_READ_SCOPE]: ["records:search", "records:read"],
  [FHIR_SCOPES.patient]: ["fhir:Patient.read"],
  [FHIR_SCOPES.documentReference]: ["fhir:DocumentReference.read"],
  [FHIR_SCOPES.binary]: ["fhir:Binary.read"],
  [FHIR_SCOPES.all]: ["fhir:Patient.read", "fhir:DocumentReference.read", "fhir:Binary.read"],
};

export function permissionsOf(principal: Principal): Set<Permission> {
  const grants =
    principal.kind === "user"
      ? principal.roles.flatMap((r) => ROLE_GRANTS[r])
      : principal.scopes.flatMap((s) => CLIENT_GRANTS[s] ?? []);
  return new Set(grants);
}

/** Whether the principal holds at least one of `required`. */
export function holdsAny(principal: Principal, required: readonly Permission[]): boolean {
  const held = permissionsOf(principal);
  return required.some((p) => held.has(p));
}
