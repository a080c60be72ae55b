/**
 * Page-level signals for document splitting that need no field rules: blank pages, separator sheets, and
 * printed page numbering ("Page 2 of 3").
 */
import type { OcrLine, PageModel } from "../model/document-model";

export interface PageNumbering {
  /** The printed page number n. */
  n: number;
  /** The printed total m, when printed ("Page n of m"). */
  of?: number;
}

/** Header/footer bands where page numbers are printed. */
const NUMBERING_TOP = 0.2;
const NUMBERING_BOTTOM = 0.8;

// "Page 2 of 3", "Pg. 2 of 3", "Page 2/3", "Page: 2 of 3", "PAGE 2 0F 3" (OCR), "p. 2 of 3", "Page (2)".
const PAGE_N_OF_M = /\b(?:page|pg|p)\.?\s*[:#]?\s*\(?(\d{1,3})\)?\s*(?:of|0f|\/)\s*(\d{1,3})\b/gi;
// "Page 7" alone counts only at the start or end of its line ("see page 4 of the report" is prose).
const PAGE_N = /\b(?:page|pg)\.?\s*[:#]?\s*\(?(\d{1,3})\)?(?![\d/.-])/gi;
// A line that is only "2 of 3" or "- 2 -".
const BARE_N_OF_M = /^\s*(\d{1,3})\s*(?:of|\/)\s*(\d{1,3})\s*$/i;

/** Every page numbering printed on one line (usually none or one). */
export function numberingsOnLine(text: string): PageNumbering[] {
  const out: PageNumbering[] = [];
  for (const m of text.matchAll(PAGE_N_OF_M)) {
    const n = Number(m[1]);
    const of = Number(m[2]);
    if (n >= 1 && of >= n) out.push({ n, of });
  }
  if (!out.length) {
    for (const m of text.matchAll(PAGE_N)) {
      const n = Number(m[1]);
      const atStart = !text.slice(0, m.index).trim();
      const atEnd = !text.slice(m.index + m[0].length).trim();
      if (n >= 1 && (atStart || atEnd)) out.push({ n });
    }
  }
  if (!out.length) {
    const bare = BARE_N_OF_M.exec(text);
    const n = Number(bare?.[1]);
    const of = Number(bare?.[2]);
    if (bare && n >= 1 && of >= n) out.push({ n, of });
  }
  return out;
}

/**
 * The page numbering printed in the page's header or footer band. When several are printed (a fax header's
 * transmission count and the document's own footer), a restart ("Page 1 of …") wins — it is the boundary
 * signal — otherwise the first one in reading order.
 */
export function pageNumbering(page: PageModel): PageNumbering | undefined {
  let first: PageNumbering | undefined;
  for (const line of page.lines) {
    if (line.box.top > NUMBERING_TOP && line.box.top < NUMBERING_BOTTOM) continue;
    if (!/\d/.test(line.text)) continue;
    for (const found of numberingsOnLine(line.text)) {
      if (found.n === 1) return found;
      first ??= found;
    }
  }
  return first;
}

const LEFT_BLANK =
  /\b(?:intentionally\s+(?:left\s+)?blank|this\s+page\s+(?:is\s+)?(?:left\s+)?blank|blank\s+page)\b/i;

function alnumCount(text: string): number {
  return text.replace(/[^\p{L}\p{N}]+/gu, "").length;
}

/** A line that carries nothing: scanner speckle, a lone punctuation mark, a bare page number. */
function isNoiseLine(line: OcrLine): boolean {
  const text = line.text.trim();
  if (text.length > 60) return false;
  if (alnumCount(text) < 2) return true;
  if (LEFT_BLANK.test(text)) return true;
  // Only a page number ("Page 3 of 3", "- 3 -", "3").
  if (/^[-–—\s]*\d{1,3}[-–—\s]*$/.test(text)) return true;
  return (
    numberingsOnLine(text).length > 0 && text.replace(PAGE_N_OF_M, "").replace(PAGE_N, "").trim().length < 2
  );
}

/** No LINE blocks, or only noise, "This page intentionally left blank" or a bare page number. */
export function isBlankPage(page: PageModel | undefined): boolean {
  if (!page) return true;
  return page.lines.every(isNoiseLine);
}

const SEPARATOR_WORDS =
  /\b(?:separator(?:\s+(?:sheet|page))?|slip\s*sheet|batch(?:\s+(?:header|cover|sheet|separator|start|end|break))?|document\s+(?:break|separator)|patch\s*(?:code|[1-6t])|end\s+of\s+(?:batch|document)|new\s+document|scan\s+separator)\b/i;

/** "*0012345*", "||| |||| ||", "BATCH-00042": barcode text or a bare batch/job code. */
function looksLikeBarcode(text: string): boolean {
  const t = text.trim();
  if (/^[|Il1!\s]{5,}$/.test(t)) return true;
  return /^\*?[A-Z0-9][A-Z0-9\-_.#*]{5,}\*?$/.test(t) && /\d/.test(t) && !/\s/.test(t);
}

/**
 * A separator / batch sheet a scanning vendor puts between documents: at most a few lines, with a
 * separator word ("SEPARATOR", "BATCH", "SLIP SHEET", "PATCH T") or nothing but barcode-like codes.
 */
export function isSeparatorPage(page: PageModel | undefined): boolean {
  if (!page || page.lines.length > 12) return false;
  const lines = page.lines.filter((l) => !isNoiseLine(l));
  if (!lines.length || lines.length > 4) return false;
  if (lines.some((l) => SEPARATOR_WORDS.test(l.text))) return true;
  return lines.every((l) => looksLikeBarcode(l.text));
}
