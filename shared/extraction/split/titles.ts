/**
 * Document titles near the top of a page ("DISCHARGE SUMMARY", "Progress Note"), recognized with the
 * classifier's own title patterns so splitting and classification agree on what a title is.
 */
import type { DocumentType } from "../../domain/document-types";
import { titleTypeOf } from "../classify-document";
import type { OcrLine, PageModel } from "../model/document-model";

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
    const type = titleTypeOf(text);
    if (type) return { type, text: normalizeTitle(text), line };
  }
  return undefined;
}
