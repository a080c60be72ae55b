import type { Highlight } from "./search-index";

/**
 * Search-result highlighting for the embedded index: short fragments of OCR text around matched terms,
 * shaped like OpenSearch's highlighter output (HTML-escaped text, matched terms wrapped in <em>…</em>).
 * Pure: no I/O.
 */

/**
 * Characters that separate terms: whitespace (including the form feed between pages), line breaks and
 * punctuation (plus \f \t \v, so words either side of a page break stay apart).
 */
export const TERM_SEPARATOR = /[\s\p{Z}\p{P}]+/u;
const TERM = /[^\s\p{Z}\p{P}]+/gu;

/** Splits text into terms the same way the embedded index does. */
export function tokenize(text: string): string[] {
  return text.split(TERM_SEPARATOR).filter((t) => t.length > 0);
}

/** Normalizes a term for matching: lower case, diacritics removed ("José" → "jose"). */
export function normalizeTerm(term: string): string {
  return term
    .normalize("NFD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase();
}

const HTML_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

export interface HighlightOptions {
  /** Maximum number of fragments; default 3. */
  maxFragments?: number;
  /** Approximate fragment length in characters of source text; default 120. */
  fragmentSize?: number;
}

interface Span {
  start: number;
  end: number;
}

/**
 * Builds up to `maxFragments` fragments of about `fragmentSize` characters, each centred on a match, in
 * document order, each with its page: the OCR text has "\f" between pages (plainText), and a fragment
 * never crosses one. `terms` are the matched words (normalized: the query's words and the fuzzy and prefix
 * expansions the hit matched); a word in the text matches when its normalized form is one
 * of them. Whitespace runs (OCR line breaks) collapse to one space. Text outside <em> is HTML-escaped.
 * Returns [] when nothing matches.
 */
export function highlight(
  text: string,
  terms: readonly string[],
  options: HighlightOptions = {},
): Highlight[] {
  const maxFragments = options.maxFragments ?? 3;
  const fragmentSize = options.fragmentSize ?? 120;
  const wanted = new Set(terms.map(normalizeTerm).filter((t) => t.length > 0));
  if (wanted.size === 0 || maxFragments <= 0 || text.length === 0) return [];

  const matches: Span[] = [];
  for (const m of text.matchAll(TERM)) {
    if (wanted.has(normalizeTerm(m[0]))) matches.push({ start: m.index, end: m.index + m[0].length });
  }
  if (matches.length === 0) return [];

  const pageStarts = [0];
  for (let i = text.indexOf("\f"); i >= 0; i = text.indexOf("\f", i + 1)) pageStarts.push(i + 1);

  const fragments: Highlight[] = [];
  let covered = -1;
  for (const match of matches) {
    if (fragments.length >= maxFragments) break;
    if (match.start < covered) continue;
    const page = pageAt(pageStarts, match.start);
    const pageEnd = page < pageStarts.length ? pageStarts[page]! - 1 : text.length;
    const bounds = { start: Math.max(covered, pageStarts[page - 1]!), end: pageEnd };
    const window = fragmentWindow(text, match, fragmentSize, bounds);
    const inside = matches.filter((m) => m.start >= window.start && m.end <= window.end);
    fragments.push({ text: render(text, window, inside), page });
    covered = window.end;
  }
  return fragments;
}

/** 1-based page of the character at `offset`, given the offsets where pages start. */
function pageAt(pageStarts: readonly number[], offset: number): number {
  let page = 1;
  while (page < pageStarts.length && pageStarts[page]! <= offset) page++;
  return page;
}

/** A window of about `size` characters around `match`, within `bounds`, narrowed to word boundaries. */
function fragmentWindow(text: string, match: Span, size: number, bounds: Span): Span {
  const matchLength = match.end - match.start;
  const slack = Math.max(0, size - matchLength);
  let start = Math.max(bounds.start, match.start - Math.floor(slack / 2));
  let end = Math.min(bounds.end, start + Math.max(size, matchLength));
  // Use leftover room on the right when the window hit the start of the page (and vice versa).
  if (end - start < size) start = Math.max(bounds.start, end - size);
  start = Math.min(start, match.start);
  end = Math.max(end, match.end);

  // Do not cut words: move the start forward to a word start and the end back to a word end.
  if (start > bounds.start && isWordChar(text, start - 1)) {
    while (start < match.start && isWordChar(text, start)) start++;
  }
  if (end < bounds.end && isWordChar(text, end)) {
    while (end > match.end && isWordChar(text, end - 1)) end--;
  }
  return { start, end };
}

function isWordChar(text: string, index: number): boolean {
  const c = text[index];
  return c !== undefined && !/[\s\p{P}]/u.test(c);
}

function render(text: string, window: Span, inside: Span[]): string {
  let out = "";
  let pos = window.start;
  for (const m of inside) {
    out += escapeHtml(text.slice(pos, m.start)) + "<em>" + escapeHtml(text.slice(m.start, m.end)) + "</em>";
    pos = m.end;
  }
  out += escapeHtml(text.slice(pos, window.end));
  return out.replace(/\s+/g, " ").trim();
}
