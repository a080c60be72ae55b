import { normalizeTerm, tokenize } from "../../search/highlight";
import { isFuzzyTerm, MIN_FUZZY_LENGTH, queryWords } from "./text-terms";

/**
 * A free-text query as an FTS5 MATCH expression over the name and body columns, and the test that tells
 * which words of a hit's text it matched (for highlights).
 *
 * Every query word must match (AND), in any of the two columns. A word matches exactly; from 3 characters
 * also as a prefix ("smith" finds "Smithers"), with two adjacent letters swapped ("Jonh" finds "John"), or
 * as a known word within a few edits (fuzzy-terms.ts). In bm25 an exact match also counts as a prefix
 * match, so exact matches rank first. A word FTS5 splits further ("100°F") is a phrase.
 */
export interface TextMatch {
  expression: string;
  /** The words of `text` (as the highlighter splits it, normalized) that the query matched. */
  matchedWords(text: string): string[];
}

export function buildTextMatch(q: string, near: (term: string) => string[]): TextMatch | undefined {
  const words = queryWords(q);
  if (words.length === 0) return undefined;

  const exact = new Set<string>();
  const prefixes: string[] = [];
  const clauses = words.map(({ word, terms }) => {
    exact.add(word);
    const phrase = quote(terms.join(" "));
    const last = terms[terms.length - 1]!;
    const alternatives = [phrase];
    if (last.length >= MIN_FUZZY_LENGTH) {
      alternatives.push(`${phrase}*`);
      prefixes.push(word);
    }
    if (terms.length === 1 && isFuzzyTerm(last)) {
      for (const variant of [...transpositions(last), ...near(last)]) {
        exact.add(variant);
        alternatives.push(quote(variant));
      }
    }
    return alternatives.length === 1 ? phrase : `(${[...new Set(alternatives)].join(" OR ")})`;
  });

  return {
    expression: `{name body} : (${clauses.join(" AND ")})`,
    matchedWords(text) {
      const matched = new Set<string>();
      for (const word of tokenize(text)) {
        const w = normalizeTerm(word);
        if (exact.has(w) || prefixes.some((p) => w.startsWith(p))) matched.add(w);
      }
      return [...matched];
    },
  };
}

/** An FTS5 string literal (a term or phrase; keywords such as AND or NEAR inside it are plain words). */
export function quote(text: string): string {
  return `"${text.replace(/"/g, '""')}"`;
}

/** The word with each pair of adjacent, different letters swapped: one typo, where edit distance counts two. */
export function transpositions(term: string): string[] {
  const chars = [...term];
  if (chars.length < MIN_FUZZY_LENGTH) return [];
  const out = new Set<string>();
  for (let i = 0; i < chars.length - 1; i++) {
    if (chars[i] === chars[i + 1]) continue;
    const swapped = [...chars];
    [swapped[i], swapped[i + 1]] = [chars[i + 1]!, chars[i]!];
    out.add(swapped.join(""));
  }
  out.delete(term);
  return [...out];
}
