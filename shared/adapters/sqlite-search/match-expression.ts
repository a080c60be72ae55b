import { normalizeTerm, tokenize } from "../../search/highlight";
import { isFuzzyTerm, MIN_FUZZY_LENGTH, queryWords } from "./text-terms";

/**
 * A free-text query as an FTS5 MATCH expression over the name and body columns, and the test that tells
 * which words of a hit's text it matched (for highlights).
 *
 * Every query word must match (AND), in any of the two columns. A word matches exactly; from 3 characters
 * also as a prefix ("smith" finds "Smithers"), with two adjacent letters swapped ("Jonh" finds "John"), or
 * as a known word within a few edits (fuzzy-terms.ts) no more common than it; a word that more records
 * hold than a query counts matches only itself (prefix and typo alternatives could only add records past
 * what it counts and ranks, and they are what costs: FTS5 merges a prefix's posting lists in full). In bm25 an exact match also counts as a prefix match, so exact matches rank
 * first. A word FTS5 splits further ("100°F") is a phrase.
 */
export interface TextMatch {
  expression: string;
  /** The words of `text` (as the highlighter splits it, normalized) that the query matched. */
  matchedWords(text: string): string[];
}

/** The words the index knows (fuzzy-terms.ts) and how many records hold them. */
export interface Vocabulary {
  /** Known words within a few edits of `term`. */
  near(term: string): string[];
  /** Those of `terms` the index knows. */
  known(terms: string[]): string[];
  /** Records holding `term` itself, counted up to `atMost`. */
  holders(term: string, atMost: number): number;
  /** Records a query counts (the window): a word at least this many hold is common. */
  readonly common: number;
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
    const held = terms.length === 1 ? vocabulary.holders(last, vocabulary.common) : 0;
    if (held >= vocabulary.common) return phrase;
    if (last.length >= MIN_FUZZY_LENGTH) {
      alternatives.push(`${phrase}*`);
      prefixes.push(word);
    }
    if (terms.length === 1 && isFuzzyTerm(last)) {
      for (const variant of typoAlternatives(last, held, vocabulary)) {
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

/**
 * Known words one typo away from `term`. Only words the index holds: every alternative costs FTS5 a posting
 * list and bm25 a phrase; near words the prefix already matches ("patients" for "patient") are left to it.
 * When the index holds `term` itself (`held` records), only words no more common than it: a misreading is
 * rarer than what it misreads ("Fav" for "Fay"), while "day" is another word ("Linda Fay" must not find
 * every chart that mentions a day). A word the index does not hold is a typo of any of them ("Smyth").
 */
function typoAlternatives(term: string, held: number, vocabulary: Vocabulary): string[] {
  const candidates = [
    ...vocabulary.known(transpositions(term)),
    ...vocabulary.near(term).filter((w) => !w.startsWith(term)),
  ];
  if (held === 0) return candidates;
  return candidates.filter((w) => vocabulary.holders(w, held + 1) <= held);
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
