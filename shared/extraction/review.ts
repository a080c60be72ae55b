import type { ExtractionResult, FieldName } from "../domain/fields";
import type { ReasonCode } from "../domain/status";

export const IDENTITY_FIELDS = ["patientName", "dateOfBirth", "mrn"] as const satisfies readonly FieldName[];
export type IdentityField = (typeof IDENTITY_FIELDS)[number];

export const DEFAULT_REVIEW_THRESHOLD = 0.8;

export interface ReviewFlag {
  reasonCode: Extract<ReasonCode, "MISSING_IDENTITY" | "LOW_CONFIDENCE_IDENTITY">;
  /** The identity fields behind the flag: the missing ones, or the ones below the threshold. */
  fields: IdentityField[];
}

/**
 * Does a human need to check this record's identity? Missing identity wins over low confidence:
 *  - MISSING_IDENTITY: no patient name, or neither date of birth nor MRN;
 *  - LOW_CONFIDENCE_IDENTITY: an identity field that is present has confidence below `threshold`.
 */
export function needsReview(
  result: ExtractionResult,
  threshold = DEFAULT_REVIEW_THRESHOLD,
): ReviewFlag | undefined {
  const f = result.fields;
  const missing: IdentityField[] = [];
  if (!f.patientName) missing.push("patientName");
  if (!f.dateOfBirth && !f.mrn) missing.push("dateOfBirth", "mrn");
  if (missing.length) return { reasonCode: "MISSING_IDENTITY", fields: missing };
  const low = IDENTITY_FIELDS.filter((name) => {
    const field = f[name];
    return field !== undefined && field.confidence < threshold;
  });
  return low.length ? { reasonCode: "LOW_CONFIDENCE_IDENTITY", fields: low } : undefined;
}
