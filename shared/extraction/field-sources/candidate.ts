import type { CompiledLabel } from "../labels";
import { evidence } from "../model/document-model";
import {
  CERTAINTY,
  type Candidate,
  type CandidateSource,
  type FieldRule,
  type ParsedValue,
} from "../rules/types";

/** A rule's parsed value as a candidate: its source, certainty (lowered for a repaired value) and evidence. */
export function candidate(
  rule: FieldRule,
  parsed: ParsedValue,
  certainty: number,
  source: CandidateSource,
  label?: CompiledLabel,
): Candidate {
  const ev = evidence(parsed.tokens);
  const repaired = parsed.repaired === true || rule.doubtedWords?.(parsed.tokens) === true;
  return {
    target: rule.target,
    value: parsed.value,
    certainty: certainty * (repaired ? CERTAINTY.repairedFactor : 1),
    ocr: ev.ocr,
    page: ev.page ?? 1,
    box: ev.box,
    source,
    ...(repaired ? { repaired: true } : {}),
    ...(label?.def.whoseUnsaid ? { whoseUnsaid: true } : {}),
  };
}
