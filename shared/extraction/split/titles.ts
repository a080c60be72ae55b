/**
 * Document titles near the top of a page ("DISCHARGE SUMMARY", "Progress Note"), recognized with the
 * classifier's own title patterns so splitting and classification agree on what a title is.
 *
 * classify-document.ts does not export its title table, so `titleType` asks `classifyModel` about a
 * two-line probe page: the candidate line first, then a decoy line that is certainly a title. The classifier
 * returns the type of the first title line it recognizes, so the answer is the candidate's type when the
 * candidate is a title and the decoy's type otherwise (a second decoy settles the case where both would be
 * the same). Its keyword fallback never runs, because the decoy always matches.
 * TODO: if classify-document exports a `titleTypeOf(text)`, call that instead.
 */
import type { DocumentType } from "../../domain/document-types";
import { classifyModel } from "../classify-document";
import type { DocModel, OcrLine, PageModel } from "../model/document-model";

export interface PageTitle {
  type: DocumentType;
  /** The title as printed, normalized for comparison (upper case, single spaces, no punctuation). */
  text: string;
  line: OcrLine;
}

/** How far down, and how many lines into, the page a document title may be. */
const TITLE_TOP = 0.3;
const TITLE_MAX_LINE = 8;
const TITLE_MAX_WORDS = 8;

const BOX = { left: 0.3, width: 0.4, height: 0.02 };
const DECOY_A: { text: string; type: DocumentType } = {
  text: "HEALTH INSURANCE CLAIM FORM",
  type: "insurance_claim",
};
const DECOY_B: { text: string; type: DocumentType } = {
  text: "DISCHARGE SUMMARY",
  type: "discharge_summary",
};

function probeLine(text: string, top: number): OcrLine {
  return { page: 1, index: 0, text, tokens: [], box: { ...BOX, top } };
}

function probe(text: string, decoy: string): DocumentType {
  const lines = [probeLine(text, 0.05), probeLine(decoy, 0.08)];
  const page: PageModel = { number: 1, lines, keyValues: [], tables: [], queries: [] };
  const model: DocModel = { pageCount: 1, pages: [page], lines };
  return classifyModel(model);
}

const cache = new Map<string, DocumentType | null>();

/** The document type whose title pattern `text` matches, if any (the classifier's title table). */
export function titleType(text: string): DocumentType | undefined {
  const key = text.trim();
  const cached = cache.get(key);
  if (cached !== undefined) return cached ?? undefined;
  let type: DocumentType | undefined = probe(key, DECOY_A.text);
  if (type === DECOY_A.type) type = probe(key, DECOY_B.text) === DECOY_A.type ? DECOY_A.type : undefined;
  if (cache.size > 5000) cache.clear();
  cache.set(key, type ?? null);
  return type;
}

const SMALL_WORDS = new Set([
  "of",
  "and",
  "&",
  "the",
  "for",
  "to",
  "in",
  "on",
  "a",
  "an",
  "at",
  "with",
  "/",
  "-",
]);

/**
 * Shaped like a title rather than prose or a field: short, no "Label: value", not a "Heading:" of a
 * section, and ALL CAPS or Title Case (body text that mentions "consultation" is not a title).
 */
function titleShaped(text: string): boolean {
  const t = text.trim();
  const words = t.split(/\s+/).filter(Boolean);
  if (!words.length || words.length > TITLE_MAX_WORDS) return false;
  if (/:\s*\S/.test(t) || /:\s*$/.test(t)) return false;
  return words.every((w) => {
    if (SMALL_WORDS.has(w.toLowerCase())) return true;
    const letters = w.replace(/[^\p{L}]/gu, "");
    return !letters || /^\p{Lu}/u.test(letters);
  });
}

/** A sentence of body text: many words, mostly lower case. */
function isProse(text: string): boolean {
  const words = text.trim().split(/\s+/);
  if (words.length < 8) return false;
  return words.filter((w) => /^\p{Ll}/u.test(w)).length * 2 >= words.length;
}

export function normalizeTitle(text: string): string {
  return text
    .toUpperCase()
    .replace(/[^A-Z0-9&]+/g, " ")
    .trim();
}

/** The first title-shaped line near the top of the page that the classifier knows as a document title. */
export function pageTitle(page: PageModel): PageTitle | undefined {
  const lines = page.lines;
  for (let i = 0; i < lines.length && i < TITLE_MAX_LINE; i++) {
    const line = lines[i] as OcrLine;
    if (line.box.top > TITLE_TOP) continue;
    // Below running text a heading is a section of the document, not its title.
    if (isProse(line.text)) break;
    // "DISCHARGE SUMMARY   Page 2 of 3": the page number is not part of the title.
    const text = line.text.replace(
      /\b(?:page|pg)\.?\s*\(?\d{1,3}\)?(?:\s*(?:of|0f|\/)\s*\d{1,3})?\b.*$/i,
      "",
    );
    if (!titleShaped(text)) continue;
    const type = titleType(text.replace(/[:\s]+$/, ""));
    if (type) return { type, text: normalizeTitle(text), line };
  }
  return undefined;
}
