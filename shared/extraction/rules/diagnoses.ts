/** Diagnoses: items under a diagnosis/assessment/impression heading, plus any line printing an ICD-10-CM code. */
import type { Diagnosis } from "../../domain/fields";
import type { DocModel, OcrLine } from "../model/document-model";
import { cleanText } from "../normalize/names";
import { clinicalList } from "./clinical-list";
import { sectionItems, stripListMarker, type Section } from "./sections";

/** ICD-10-CM code shape: letter (not U), digit, digit/A/B, optional dot and 1–4 more characters. */
export const ICD10_CM = /^[A-TV-Z][0-9][0-9AB](\.[0-9A-TV-Z]{1,4})?$/;

/** Candidate codes in free text; checked against ICD10_CM after trimming brackets and punctuation. */
const CODE_IN_TEXT = /(?<![A-Za-z0-9.])[A-TV-Z][0-9][0-9AB](?:\.[0-9A-TV-Z]{1,4})?(?![A-Za-z0-9])/g;

export function isIcd10Code(code: string): boolean {
  return ICD10_CM.test(code);
}

/**
 * Split an item into its code and description: "I50.9 Heart failure", "Heart failure (I50.9)",
 * "CHF - I50.9", "ICD-10: E11.9 Type 2 diabetes". Without a code, the whole text is the description.
 */
export function parseDiagnosis(raw: string, opts: { strict: boolean }): Diagnosis | undefined {
  const text = stripListMarker(cleanText(raw));
  if (!text) return undefined;
  let code: string | undefined;
  for (const m of text.matchAll(CODE_IN_TEXT)) {
    const c = m[0];
    if (!isIcd10Code(c)) continue;
    // Outside a diagnosis section, a bare 3-character code is too weak ("vitamin B12", "T12 vertebra"): it
    // needs a dot, brackets around it, or an "ICD" label before it.
    const before = text.slice(Math.max(0, (m.index ?? 0) - 12), m.index ?? 0);
    const after = text.slice((m.index ?? 0) + c.length, (m.index ?? 0) + c.length + 1);
    const bracketed = /[([]\s*$/.test(before) && /^[)\]]/.test(after);
    if (
      opts.strict &&
      !c.includes(".") &&
      !bracketed &&
      !/icd[-\s]?(?:10)?(?:-cm)?\s*(?:code)?\s*[:#]?\s*$/i.test(before)
    )
      continue;
    code = c;
    break;
  }
  if (!code) return opts.strict ? undefined : { text };
  const description = cleanText(
    text
      .replace(new RegExp(`[([]?\\s*${code.replace(".", "\\.")}\\s*[)\\]]?`), " ")
      .replace(/\bicd[-\s]?(?:10)?(?:-cm)?\s*(?:code)?\s*[:#]?/i, " ")
      .replace(/^\s*(?:diagnosis|dx)\s*[:#]?/i, " ")
      .replace(/\s[-–—:]\s/g, " ")
      .replace(/\(\s*\)/g, " "),
  ).replace(/^[-–—:,]\s*/, "");
  return { text: description || code, code };
}

export function extractDiagnoses(model: DocModel, sections: readonly Section[]): Diagnosis[] {
  const out: Diagnosis[] = [];
  const inSection = new Set<OcrLine>();
  for (const section of sections.filter((s) => s.kind === "diagnoses")) {
    if (section.inline.length) {
      const d = parseDiagnosis(section.inline.map((t) => t.text).join(" "), { strict: false });
      if (d) out.push({ ...d, page: section.heading.page });
    }
    for (const item of sectionItems(section.lines)) {
      item.lines.forEach((l) => inSection.add(l));
      const d = parseDiagnosis(item.text, { strict: false });
      if (d) out.push({ ...d, page: item.page });
    }
  }
  // Codes printed anywhere else (problem lists in tables, billing boxes).
  for (const line of model.lines) {
    if (inSection.has(line)) continue;
    const d = parseDiagnosis(line.text, { strict: true });
    if (d) out.push({ ...d, page: line.page });
  }
  return clinicalList(out, (d) => d.code ?? d.text);
}
