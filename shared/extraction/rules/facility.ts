/** The facility: a "Facility:" label, or the letterhead at the top of page 1. */
import { FORM_CAPTION_WORDS } from "../label-words";
import { withinOneEdit } from "../normalize/edit-distance";
import { cleanText } from "../normalize/names";
import type { OcrLine } from "../model/document-model";
import { evidence } from "../model/document-model";
import type { Token } from "../model/tokens";
import { CERTAINTY, takeWhile, type Candidate, type FieldRule } from "./types";

export const facilityRule: FieldRule = {
  target: "facility",
  labels: [
    { text: "Facility", generic: true },
    { text: "Facility Name" },
    { text: "Hospital", generic: true },
    { text: "Hospital Name" },
    { text: "Clinic", generic: true },
    { text: "Clinic Name" },
    { text: "Practice Name" },
    { text: "Performing Facility" },
    { text: "Place of Service", weight: 0.9 },
  ],
  parse(tokens: readonly Token[]) {
    // Stop where an address starts ("St. Mary's Hospital, 123 Main St").
    const used = takeWhile(tokens, (t, i) => i < 10 && !/^\d/.test(t.text));
    const value = cleanText(used.map((t) => t.text).join(" "));
    if (NOTICE.test(value) || isCaptionOnly(value)) return undefined;
    return value.length >= 3 && /[A-Za-z]{3}/.test(value) ? { value, tokens: used } : undefined;
  },
  query: {
    alias: /^(?:FACILITY|HOSPITAL|CLINIC)(?:_?NAME)?$/i,
    question: /\b(?:facility|hospital|clinic)(?: name)?\b/i,
  },
};

/**
 * Footer and stamp notices are not facility names: "Maplewood General Hospital - CONFIDENTIAL PATIENT
 * INFORMATION" reads as the label "Hospital" followed by the notice.
 */
const NOTICE = /\b(?:confidential|privileged|information|do not (?:copy|disclose|release))\b/i;

const LONG_CAPTION_WORDS = [...FORM_CAPTION_WORDS].filter((w) => w.length >= 6);

/**
 * Every word a form's caption word (one OCR slip forgiven in long words: "INFCRMATION"): an empty box's
 * caption ("32. SERVICE FACILITY LOCATION INFORMATION"), or a "Facility Name" caption read as its own value.
 */
function isCaptionOnly(value: string): boolean {
  const words = value.toLowerCase().match(/\p{L}+/gu) ?? [];
  const isCaption = (w: string) =>
    w === "name" ||
    FORM_CAPTION_WORDS.has(w) ||
    (w.length >= 6 && LONG_CAPTION_WORDS.some((c) => withinOneEdit(w, c)));
  return words.length > 0 && words.every(isCaption);
}

/**
 * A letterhead line ending in a caption ("Clinic Location ____"): a form's caption, not the facility. Fewer
 * words than FORM_CAPTION_WORDS: "Riverside Medical Group" and "Health Plan" are facilities.
 */
const ENDS_IN_CAPTION = /\b(?:location|address|name|phone|telephone|fax|information|number)$/i;

const FACILITY_WORDS =
  /\b(?:hospital|hospitals|medical cent(?:er|re)|health ?care|health (?:system|center|centre|services|partners|network|clinic)|clinic|clinics|medical group|medical associates|infirmary|surgery cent(?:er|re)|surgical cent(?:er|re)|imaging cent(?:er|re)|urgent care|physicians group|family (?:practice|medicine)|pediatrics|laboratories|sanatorium|hospice|rehabilitation cent(?:er|re)|nursing (?:home|facility))\b/i;

/** Lines that name the document rather than the facility ("DISCHARGE SUMMARY", "Radiology Report"). */
const NOT_A_FACILITY =
  /\b(?:report|summary|note|form|record|consent|authorization|instructions|claim|results?|list|history|patient|page)\b/i;

const CONNECTORS = new Set(["of", "and", "the", "at", "for", "in", "on", "&", "de", "la"]);

/** A name as printed on letterhead: every word capitalized but connectors ("do not resuscitate, healthcare proxy" is prose). */
function isTitleCased(value: string): boolean {
  return value
    .split(/\s+/)
    .filter((w) => /\p{L}/u.test(w))
    .every((w) => CONNECTORS.has(w.toLowerCase()) || /^[^\p{L}]*\p{Lu}/u.test(w));
}

/**
 * Letterhead: among the first lines at the top of page 1, one that names a hospital, clinic or medical
 * center. Prominent (taller than the page's typical line) letterheads are more certain.
 */
export function letterheadCandidates(firstPageLines: readonly OcrLine[]): Candidate[] {
  if (!firstPageLines.length) return [];
  const heights = firstPageLines.map((l) => l.box.height).sort((a, b) => a - b);
  const median = heights[Math.floor(heights.length / 2)] ?? 0;
  const out: Candidate[] = [];
  // The top of the page by position, not reading order: OCR may read a left column of labels first.
  const top = firstPageLines
    .filter((l) => l.box.top <= 0.3)
    .sort((a, b) => a.box.top - b.box.top)
    .slice(0, 8);
  for (const line of top) {
    const text = cleanText(line.text);
    if (!FACILITY_WORDS.test(text) || NOT_A_FACILITY.test(text) || /:/.test(text) || text.length > 80)
      continue;
    // Leading words only: "Mercy Hospital  123 Main St" → "Mercy Hospital"; a logo read as a short word
    // with next to no confidence before the name ("Ne Maplewood General Hospital") is not part of it.
    const start = line.tokens.findIndex((t) => !(t.text.length <= 3 && t.confidence < 40));
    const used = takeWhile(line.tokens.slice(Math.max(0, start)), (t) => !/^\d/.test(t.text));
    const value = cleanText(used.map((t) => t.text).join(" "));
    if (!FACILITY_WORDS.test(value) || !isTitleCased(value) || ENDS_IN_CAPTION.test(value)) continue;
    const prominent = median > 0 && line.box.height >= median * 1.15;
    const ev = evidence(used);
    out.push({
      target: "facility",
      value,
      certainty: prominent ? CERTAINTY.letterheadProminent : CERTAINTY.letterhead,
      ocr: ev.ocr,
      page: line.page,
      box: ev.box,
      source: "letterhead",
    });
  }
  return out;
}
