import { normalizeTerm, tokenize } from "../../search/highlight";

/**
 * How text becomes index terms in the SQLite index. Text is normalized here (lower case, accents removed,
 * as every engine does) and FTS5's unicode61 tokenizer then splits it at anything that is not a letter or a
 * digit. Query words go through the same two steps, so a query word and an indexed word compare equal
 * exactly when their terms do.
 */

const NON_TERM = /[^\p{L}\p{N}]+/u;
const LETTERS_ONLY = /^\p{L}+$/u;

/** Text as it is given to FTS5: normalized (FTS5 splits it into terms). */
export function indexableText(text: string): string {
  return normalizeTerm(text);
}

/** The FTS5 terms of already-normalized text. */
export function termsOf(normalized: string): string[] {
  return normalized.split(NON_TERM).filter((t) => t.length > 0);
}

/** Shortest word matched by prefix and fuzzily (shorter words match exactly only). */
export const MIN_FUZZY_LENGTH = 3;
/** Longer "words" are OCR noise or codes: kept out of the fuzzy vocabulary. */
export const MAX_FUZZY_LENGTH = 32;

/**
 * Whether a term takes part in typo-tolerant matching: letters only, of sensible length. Terms with digits
 * (MRNs, dates, codes) match exactly or by prefix only: "004512" or "mr004512" finding "004513" would show
 * another patient's chart.
 */
export function isFuzzyTerm(term: string): boolean {
  return term.length >= MIN_FUZZY_LENGTH && term.length <= MAX_FUZZY_LENGTH && LETTERS_ONLY.test(term);
}

export interface QueryWord {
  /** The word normalized, as the highlighter compares words. */
  word: string;
  /** Its FTS5 terms. */
  terms: string[];
}

/**
 * The words of a free-text query with their FTS5 terms: "Jonh Smyth" → jonh [jonh], smyth [smyth];
 * "5mg/day" → 5mg, day ("/" separates words for every engine); "100°F" → 100°f [100, f] (one word, two terms).
 */
export function queryWords(q: string): QueryWord[] {
  return tokenize(q)
    .map((raw) => {
      const word = normalizeTerm(raw);
      return { word, terms: termsOf(word) };
    })
    .filter(({ terms }) => terms.length > 0);
}
