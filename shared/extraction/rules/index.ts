/** Registry of field rules. A new field family = a module exporting a FieldRule + one line here. */
import { compileLabels, type CompiledLabel } from "../labels";
import { admissionDateRule, dateOfBirthRule, dateOfServiceRule, dischargeDateRule } from "./dates";
import { DELIMITER_LABELS } from "./delimiters";
import { facilityRule } from "./facility";
import { mrnRule } from "./identifiers";
import { familyNameRule, givenNameRule, middleNameRule, patientNameRule, sexRule } from "./patient";
import { providerRule } from "./provider";
import type { FieldRule, RuleTarget } from "./types";

/** In priority order for QUERIES matching (first rule whose alias/question matches wins). */
export const FIELD_RULES: readonly FieldRule[] = [
  patientNameRule,
  givenNameRule,
  familyNameRule,
  middleNameRule,
  dateOfBirthRule,
  sexRule,
  mrnRule,
  admissionDateRule,
  dischargeDateRule,
  dateOfServiceRule,
  facilityRule,
  providerRule,
];

export const RULES_BY_TARGET = new Map<RuleTarget, FieldRule>(FIELD_RULES.map((r) => [r.target, r]));

/** Every label chartbridge knows — extracted and delimiter-only — compiled longest first. */
export const ALL_LABELS: readonly CompiledLabel[] = compileLabels([
  ...FIELD_RULES.map((r) => ({ target: r.target, labels: r.labels })),
  { target: null, labels: DELIMITER_LABELS },
]);

export { letterheadCandidates } from "./facility";
export type { Candidate, FieldRule, RuleContext, RuleTarget, ParsedValue } from "./types";
