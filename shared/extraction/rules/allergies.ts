/** Allergies: items under an ALLERGIES heading; "NKDA"/"No known (drug) allergies" → one entry "NKDA". */
import type { Allergy } from "../../domain/fields";
import type { DocModel } from "../model/document-model";
import { cleanText } from "../normalize/names";
import { clinicalList } from "./clinical-list";
import { sectionItems, type Section } from "./sections";

/** Any way of saying the patient has no known allergies. (NKA — no known allergies — implies NKDA.) */
const NO_KNOWN =
  /\b(?:nkda|nka|no known (?:drug |medication )?allerg(?:y|ies)|no allergies|denies allergies)\b/i;

/** Split "Penicillin (rash), Sulfa; Codeine" at top-level commas/semicolons (not inside brackets). */
export function splitAllergies(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let cur = "";
  for (const ch of text) {
    if (ch === "(" || ch === "[") depth++;
    if (ch === ")" || ch === "]") depth = Math.max(0, depth - 1);
    if ((ch === "," || ch === ";") && depth === 0) {
      parts.push(cur);
      cur = "";
    } else {
      cur += ch;
    }
  }
  parts.push(cur);
  return parts.map((p) => cleanText(p)).filter(Boolean);
}

export function extractAllergies(model: DocModel, sections: readonly Section[]): Allergy[] {
  const found: Allergy[] = [];
  let nkdaPage: number | undefined;
  const sectionsOfKind = sections.filter((s) => s.kind === "allergies");
  for (const section of sectionsOfKind) {
    const texts = [
      { text: section.inline.map((t) => t.text).join(" "), page: section.heading.page },
      ...sectionItems(section.lines).map((i) => ({ text: i.text, page: i.page })),
    ];
    for (const { text, page } of texts) {
      for (const part of splitAllergies(text)) {
        if (NO_KNOWN.test(part)) nkdaPage ??= page;
        else found.push({ text: part, page });
      }
    }
  }
  if (!sectionsOfKind.length) {
    // No heading at all ("Allergies NKDA" in prose, "NKDA" in a header box).
    const line = model.lines.find((l) => NO_KNOWN.test(l.text));
    if (line) nkdaPage = line.page;
  }
  if (found.length) return clinicalList(found);
  return nkdaPage !== undefined ? [{ text: "NKDA", page: nkdaPage }] : [];
}
