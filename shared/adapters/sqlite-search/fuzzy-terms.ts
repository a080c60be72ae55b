import type { Database, Statement } from "better-sqlite3";
import { distance } from "fastest-levenshtein";
import { isFuzzyTerm } from "./text-terms";

/**
 * The vocabulary of words the index has seen, and the words within a few edits of a query word (typo and
 * OCR-error tolerance, as OpenSearch's `fuzziness: AUTO` gives). Edits allowed: 20 % of the
 * word's length, rounded, at most 2 (1 for 3–7 letters, 2 from 8), as OpenSearch's AUTO allows.
 *
 * Lookup without scanning the vocabulary, by the pigeonhole principle: a word within d edits of the query
 * shares one of the query's d + 1 parts unchanged. The first part is a prefix (a range of the `terms`
 * index), the last a suffix (the index on reversed words), a middle one a substring (trigrams). Candidates
 * are then checked with the real edit distance. Words are added as documents arrive and never removed: a
 * word no live document holds only adds an alternative that matches nothing.
 */
export const MAX_CANDIDATES = 12;
/** Rows read per part: bounds the work for very short parts ("a" of "abc"). */
const PART_SCAN_LIMIT = 4000;

export function maxEdits(term: string): number {
  return Math.min(2, Math.round([...term].length * 0.2));
}

export class FuzzyVocabulary {
  private readonly insert: Statement<[string, string, number]>;
  private readonly insertTrigrams: Statement<[number | bigint, string]>;
  private readonly byPrefix: Statement<[string, number, number, number], { term: string }>;
  private readonly bySuffix: Statement<[string, number, number, number], { term: string }>;
  private readonly bySubstring: Statement<[string, number, number, number], { term: string }>;
  private readonly has: Statement<[string], { found: 1 }>;

  constructor(db: Database) {
    this.insert = db.prepare("INSERT OR IGNORE INTO terms (term, reversed, length) VALUES (?, ?, ?)");
    this.has = db.prepare("SELECT 1 AS found FROM terms WHERE term = ?");
    this.insertTrigrams = db.prepare("INSERT INTO term_trigrams (rowid, term) VALUES (?, ?)");
    this.byPrefix = db.prepare("SELECT term FROM terms WHERE term GLOB ? AND length BETWEEN ? AND ? LIMIT ?");
    this.bySuffix = db.prepare(
      "SELECT term FROM terms WHERE reversed GLOB ? AND length BETWEEN ? AND ? LIMIT ?",
    );
    this.bySubstring = db.prepare(
      `SELECT t.term FROM term_trigrams JOIN terms t ON t.rowid = term_trigrams.rowid
       WHERE term_trigrams MATCH ? AND t.length BETWEEN ? AND ? LIMIT ?`,
    );
  }

  /** Those of `terms` the vocabulary holds. */
  known(terms: string[]): string[] {
    return terms.filter((term) => this.has.get(term) !== undefined);
  }

  /** Adds a document's words (call inside the document's transaction). */
  add(terms: Iterable<string>): void {
    for (const term of terms) {
      if (!isFuzzyTerm(term)) continue;
      const chars = [...term];
      const added = this.insert.run(term, chars.reverse().join(""), chars.length);
      if (added.changes > 0) this.insertTrigrams.run(added.lastInsertRowid, term);
    }
  }

  /** Known words within `maxEdits(term)` edits of `term` (not `term` itself), closest first, at most MAX_CANDIDATES. */
  near(term: string): string[] {
    if (!isFuzzyTerm(term)) return [];
    const edits = maxEdits(term);
    if (edits === 0) return [];
    const chars = [...term];
    const n = chars.length;
    const [min, max] = [n - edits, n + edits];
    const found = new Set<string>();
    const collect = (rows: Array<{ term: string }>) => rows.forEach((r) => found.add(r.term));

    const partLength = Math.floor(n / (edits + 1));
    const first = chars.slice(0, partLength).join("");
    const last = chars.slice(n - partLength).join("");
    collect(this.byPrefix.all(`${first}*`, min, max, PART_SCAN_LIMIT));
    collect(this.bySuffix.all(`${[...last].reverse().join("")}*`, min, max, PART_SCAN_LIMIT));
    if (edits >= 2) {
      // Two edits: three parts; the middle one (n - 2 × floor(n / 3) ≥ 3 characters) by substring.
      const middle = chars.slice(partLength, n - partLength).join("");
      collect(this.bySubstring.all(`"${middle}"`, min, max, PART_SCAN_LIMIT));
    }

    found.delete(term);
    return [...found]
      .map((candidate) => ({ candidate, d: distance(term, candidate) }))
      .filter(({ d }) => d <= edits)
      .sort((a, b) => a.d - b.d || (a.candidate < b.candidate ? -1 : 1))
      .slice(0, MAX_CANDIDATES)
      .map(({ candidate }) => candidate);
  }
}
