/**
 * A person's correction of a record's fields. Pure: the route reads the record, audits, and saves the result.
 */
import { transition, revise, type ChartRecord, type FieldCorrection } from "../domain/chart-record";
import type { ExtractedField, FieldName } from "../domain/fields";
import { ChartbridgeError } from "../errors/chartbridge-error";
import { needsReview } from "../extraction/review";
import { normalizeFieldValue } from "../extraction/normalize/field-value";

/** A value a person typed that the field cannot hold: `reason` names the field and the rule. */
export class InvalidCorrectionError extends ChartbridgeError {
  constructor(reason: string) {
    super({ name: "InvalidCorrectionError", code: "INVALID_CORRECTION", retryable: false }, reason);
  }
}

/** Records without extracted fields (still in processing, rejected, duplicate, failed) cannot be corrected. */
export class NotCorrectableError extends ChartbridgeError {
  constructor() {
    super(
      { name: "NotCorrectableError", code: "NOT_CORRECTABLE", retryable: false },
      "only INDEXED and NEEDS_REVIEW records can be corrected",
    );
  }
}

export interface Correction {
  /** New values as typed; null removes the field's value. The current value again confirms it. */
  fields: Partial<Record<FieldName, string | null>>;
  reason: string;
  by: { sub: string; name: string };
  now: string;
  reviewThreshold: number;
}

/** Where a typed value sits when OCR never read the field: no page. */
const NOWHERE = { page: 0, bbox: { left: 0, top: 0, width: 0, height: 0 } };

/**
 * The record after the correction: each field set by a person (confidence 1, `source: "human"`, its box kept),
 * a correction history entry per field, and one new version. A NEEDS_REVIEW record whose identity no longer
 * needs review moves to INDEXED.
 */
export function correctRecord(record: ChartRecord, correction: Correction): ChartRecord {
  if (record.status !== "INDEXED" && record.status !== "NEEDS_REVIEW") throw new NotCorrectableError();
  const fields = { ...record.fields };
  const version = record.version + 1;
  const history: FieldCorrection[] = [];
  for (const [name, raw] of Object.entries(correction.fields) as [FieldName, string | null][]) {
    const old = record.fields[name];
    let newValue: string | null = null;
    if (raw === null) delete fields[name];
    else {
      const normalized = normalizeFieldValue(name, raw, new Date(correction.now));
      if (!normalized.ok) throw new InvalidCorrectionError(normalized.reason);
      newValue = normalized.value;
      const field: ExtractedField = {
        value: newValue,
        confidence: 1,
        page: old?.page ?? NOWHERE.page,
        bbox: old?.bbox ?? NOWHERE.bbox,
        source: "human",
      };
      fields[name] = field;
    }
    history.push({
      field: name,
      oldValue: old?.value ?? null,
      newValue,
      by: correction.by,
      at: correction.now,
      reason: correction.reason,
      version,
    });
  }
  const changes = { fields, corrections: [...(record.corrections ?? []), ...history] };
  const leavesReview =
    record.status === "NEEDS_REVIEW" &&
    !needsReview({ fields } as Parameters<typeof needsReview>[0], correction.reviewThreshold);
  return leavesReview
    ? transition({ ...record, ...changes }, "INDEXED", { now: correction.now, detail: "corrected" })
    : revise(record, changes, correction.now);
}
