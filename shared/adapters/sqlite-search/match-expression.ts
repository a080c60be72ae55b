import { normalizeTerm, tokenize } from "../../search/highlight";
import { isFuzzyTerm, MIN_FUZZY_LENGTH, queryWords } from "./text-terms";

/**
 * A free-text query as an FTS5 MATCH expression over the name and body columns, and the test that tells
 * which words of a hit's text it matched (for highlights).
 *
 * Every query word must match (AND), in any of the two columns. A word matches exactly; from 3 characters
 * also as a prefix ("smith" finds "Smithers"), with two adjacent letters swapped ("Jonh" finds "John"), or
 * as a known word within a few edits (fuzzy-terms.ts); a word that more records hold than a query
 * counts matches only itself. In bm25 an exact match also counts as a prefix match, so exact matches rank
 * first. A word FTS5 splits further ("100°F") is a phrase.
 */
export interface TextMatch {
  expression: string;
  /** The words of `text` (as the highlighter splits it, normalized) that the query matched. */
  matchedWords(text: string): string[];
}

/** The words the index knows (fuzzy-terms.ts). */
export interface Vocabulary {
  /** Known words within a few edits of `term`. */
  near(term: string): string[];
  /** Those of `terms` the index knows. */
  known(terms: string[]): string[];
  /**
   * Whether at least a query window of records hold `term` itself: then it matches only itself. Prefix and
   * typo alternatives could only add records past what a query counts and ranks, and they are what costs:
   * FTS5 merges a prefix's posting lists in full, and bm25 scores each alternative for every record.
   */
  isCommon(term: string): boolean;
}

export function buildTextMatch(q: string, vocabulary: Vocabulary): TextMatch | undefined {
  const words = queryWords(q);
  if (words.length === 0) return undefined;

  const exact = new Set<string>();
  const prefixes: string[] = [];
  const clauses = words.map(({ word, terms }) => {
    exact.add(word);
    const phrase = quote(terms.join(" "));
    const last = terms[terms.length - 1]!;
    const alternatives = [phrase];
    if (terms.length === 1 && vocabulary.isCommon(last)) return phrase;
    if (last.length >= MIN_FUZZY_LENGTH) {
      alternatives.push(`${phrase}*`);
      prefixes.push(word);
    }
    if (terms.length === 1 && isFuzzyTerm(last)) {
      // Only words the index holds: every alternative costs FTS5 a posting list and bm25 a phrase.
      // Near words the prefix already matches ("patients" for "patient") are left to it.
      const near = vocabulary.near(last).filter((w) => !w.startsWith(last));
      for (const variant of [...vocabulary.known(transpositions(last)), ...near]) {
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
