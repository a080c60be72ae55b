/**
 * Section structure of clinical text: headings ("DISCHARGE DIAGNOSES:", "MEDICATIONS", "Allergies:") and the
 * lines under each until the next heading. Lists (diagnoses, medications, allergies) read their sections.
 */
import type { DocModel, OcrLine, TableModel } from "../model/document-model";
import { bottom, horizontalOverlap } from "../model/geometry";
import { endsWithColon, isSeparator, type Token } from "../model/tokens";

export type SectionKind = "diagnoses" | "medications" | "allergies";

const QUALIFIERS =
  "(?:(?:principal|primary|secondary|admitting|admission|discharge|final|preoperative|pre-operative|postoperative|post-operative|working|differential|clinical|current|active|home|outpatient|new|other)\\s+)*";

const SECTION_PATTERNS: readonly { kind: SectionKind; re: RegExp }[] = [
  {
    kind: "diagnoses",
    re: new RegExp(
      `^${QUALIFIERS}(?:diagnosis|diagnoses|dx|assessment(?:\\s*(?:and|&|/)\\s*plan)?|impressions?|problem list|problems)$`,
      "i",
    ),
  },
  {
    kind: "medications",
    re: new RegExp(
      `^${QUALIFIERS}(?:medications?|meds|medication list|medication reconciliation)(?:\\s+(?:on|at)\\s+(?:admission|discharge))?$`,
      "i",
    ),
  },
  {
    kind: "allergies",
    re: /^(?:drug\s+|medication\s+|known\s+)?(?:allergy|allergies)(?:\s*(?:\/|and)\s*(?:adverse\s+)?(?:reactions?|intolerances?))?$/i,
  },
];

/** Headings that end a section (besides the ones above and ALL-CAPS lines). */
const OTHER_HEADINGS =
  /^(?:chief complaint|cc|hpi|history of present illness|history|past medical history|pmh|past surgical history|psh|social history|family history|review of systems|ros|physical exam(?:ination)?|exam|vital signs|vitals|labs?|laboratory(?: data| results)?|results|findings|imaging|plan|recommendations?|hospital course|procedures?|procedure performed|follow[- ]?up|disposition|condition(?: at discharge)?|discharge instructions|instructions|diet|activity|subjective|objective|signature|comments?|notes?|reason for (?:visit|consultation|referral)|indications?|technique|comparison|operative findings|anesthesia|estimated blood loss|specimens?|complications|immunizations|vaccines)$/i;

/**
 * Matches the start of a line whose first words are one of the headings above (derived from those patterns):
 * a cheap test before trying each prefix of the line.
 */
const HEADING_PREFIX = new RegExp(
  `^(?:${[...SECTION_PATTERNS.map((p) => p.re), OTHER_HEADINGS]
    .map((re) => re.source.replace(/^\^/, "").replace(/\$$/, ""))
    .join("|")})(?=$|[\\s:\\-–—])`,
  "i",
);

export interface Heading {
  line: OcrLine;
  /** Null for a heading that is not a list section (it only ends the previous section). */
  kind: SectionKind | null;
  /** Content on the heading line after it ("ALLERGIES: NKDA" → [NKDA]). */
  inline: Token[];
}

export interface Section {
  kind: SectionKind;
  heading: OcrLine;
  inline: Token[];
  lines: OcrLine[];
  /** The heading that ended this section, if any. */
  endHeading?: OcrLine;
}

function headingText(tokens: readonly Token[]): string {
  return tokens
    .map((t) => t.text)
    .join(" ")
    .replace(/[\s:\-–—]+$/, "")
    .trim();
}

function isAllCaps(text: string): boolean {
  return /[A-Z]{2}/.test(text) && !/[a-z]/.test(text);
}

/** Is this line a heading, and of which section? */
export function classifyHeading(line: OcrLine): Heading | undefined {
  const tokens = line.tokens;
  if (!tokens.length) return undefined;
  // Longest heading prefix (up to 6 words) that names a known section; most lines start with none.
  const startsWithHeading = HEADING_PREFIX.test(
    tokens
      .slice(0, 6)
      .map((t) => t.text)
      .join(" "),
  );
  for (let k = startsWithHeading ? Math.min(6, tokens.length) : 0; k >= 1; k--) {
    const head = tokens.slice(0, k);
    const text = headingText(head);
    const known = SECTION_PATTERNS.find((p) => p.re.test(text));
    const other = !known && OTHER_HEADINGS.test(text);
    if (!known && !other) continue;
    let rest = tokens.slice(k);
    const colon =
      endsWithColon(head[head.length - 1] as Token) || (rest[0] !== undefined && isSeparator(rest[0]));
    while (rest[0] && isSeparator(rest[0])) rest = rest.slice(1);
    // "Assessment of the patient…" is prose; a heading stands alone, has a colon, or is in capitals.
    if (rest.length && !colon && !isAllCaps(text)) return undefined;
    if (!rest.length && !colon && !isAllCaps(text) && tokens.length > 4) return undefined;
    return { line, kind: known ? known.kind : null, inline: rest };
  }
  // Any other ALL-CAPS line without digits reads as a heading ("HOSPITAL COURSE", "PLAN:"), but a single
  // capitalized word with no colon may be a drug name ("ASPIRIN"), so it needs a colon or two words.
  const text = headingText(tokens);
  const words = text.split(/\s+/).filter(Boolean);
  if (isAllCaps(text) && !/\d/.test(text) && words.length <= 6 && /[A-Z]{3}/.test(text)) {
    const colon = endsWithColon(tokens[tokens.length - 1] as Token);
    if (colon || words.length >= 2) return { line, kind: null, inline: [] };
  }
  // "Plan:" / "Hospital Course:" in Title Case, ending in a colon.
  if (
    endsWithColon(tokens[tokens.length - 1] as Token) &&
    words.length <= 4 &&
    !/\d/.test(text) &&
    /^\p{Lu}/u.test(text)
  ) {
    return { line, kind: null, inline: [] };
  }
  return undefined;
}

/** Page furniture to skip inside sections: "Page 2 of 3", repeated identity headers. */
export function isPageFurniture(line: OcrLine): boolean {
  const t = line.text.trim();
  return (
    /^page\s*\d+(\s*(of|\/)\s*\d+)?$/i.test(t) ||
    /^\d+\s*(of|\/)\s*\d+$/.test(t) ||
    /^(continued|cont'?d\.?)$/i.test(t)
  );
}

/** Every list section in the document, each with its lines up to the next heading (across pages). */
export function findSections(model: DocModel, isFieldLine: (line: OcrLine) => boolean): Section[] {
  const sections: Section[] = [];
  let current: Section | undefined;
  const tables = model.pages.flatMap((p) => p.tables);
  for (const line of model.lines) {
    // A table's column header ("Medication | Dose") is not a section heading.
    const inTable = tables.some((t) => t.page === line.page && lineInsideTable(line, t));
    const heading = inTable ? undefined : classifyHeading(line);
    if (heading) {
      if (current) current.endHeading = line;
      current = heading.kind
        ? { kind: heading.kind, heading: line, inline: heading.inline, lines: [] }
        : undefined;
      if (current) sections.push(current);
      continue;
    }
    if (!current) continue;
    if (isPageFurniture(line)) continue;
    // A labelled field line ("Attending: …", a running "Patient: … MRN: …" header) is not list content.
    if (isFieldLine(line)) {
      current = undefined;
      continue;
    }
    current.lines.push(line);
  }
  return sections;
}

const LIST_MARKER = /^\s*(?:\(?\d{1,2}[.)]|\(?[a-z][.)]|[-–•*·▪●◦‣>]|\[\s?\]|☐|□)\s*/;

export function hasListMarker(text: string): boolean {
  return LIST_MARKER.test(text) && !/^\s*\d{1,2}[.)]\d/.test(text);
}

export function stripListMarker(text: string): string {
  return text.replace(LIST_MARKER, "").trim();
}

/**
 * Turn section lines into items: one per line, except that when the list is numbered or bulleted, a line
 * without a marker continues the previous item (a wrapped line).
 */
export function sectionItems(lines: readonly OcrLine[]): { text: string; page: number; lines: OcrLine[] }[] {
  const marked = lines.some((l) => hasListMarker(l.text));
  const items: { text: string; page: number; lines: OcrLine[] }[] = [];
  for (const line of lines) {
    const text = line.text.trim();
    if (!text) continue;
    const last = items[items.length - 1];
    if (marked && last && !hasListMarker(text)) {
      last.text = `${last.text} ${text}`;
      last.lines.push(line);
      continue;
    }
    items.push({ text: stripListMarker(text), page: line.page, lines: [line] });
  }
  return items;
}

/** The line's vertical middle is within the table and most of it overlaps the table horizontally. */
export function lineInsideTable(line: OcrLine, table: TableModel): boolean {
  const cy = line.box.top + line.box.height / 2;
  return (
    cy >= table.box.top &&
    cy <= bottom(table.box) &&
    horizontalOverlap(line.box, table.box) > line.box.width * 0.5
  );
}
