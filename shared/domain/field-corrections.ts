import type { ChartRecord } from "./chart-record";
import type { ExtractedFields, FieldName } from "./fields";

/**
 * Fields as re-extraction would set them, with every field a person corrected kept as the person left it
 * (a removal included): OCR never overwrites a human's value.
 */
export function withHumanCorrections(
  extracted: ExtractedFields,
  record: Pick<ChartRecord, "fields" | "corrections">,
): ExtractedFields {
  const fields: ExtractedFields = { ...extracted };
  const latest = new Map<FieldName, string | null>();
  for (const c of record.corrections ?? []) latest.set(c.field, c.newValue);
  for (const [name, value] of latest) {
    const human = record.fields[name];
    if (value === null || !human) delete fields[name];
    else fields[name] = human;
  }
  return fields;
}
