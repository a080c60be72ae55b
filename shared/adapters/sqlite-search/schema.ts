/**
 * The SQLite search index's tables. One file holds everything; each upsert is one transaction, so the index
 * is saved as it changes (no snapshot to rewrite) and a crash loses nothing that was acknowledged.
 *
 * - `documents`: one narrow row per live record (what filters, facets, sorting and hits read). `seq` is
 *   also the full-text rowid and orders rows by update time (row-order.ts).
 * - `document_texts`: the OCR text, apart, so scans of `documents` stay small; read for highlights only.
 * - `search_text`: FTS5 over the patient's name (weight 3), the rest of the text (weight 1) and `filters`,
 *   hashed tokens for the equality filters (filter-tokens.ts) so that a filter is a posting list FTS5
 *   intersects rather than rows SQLite reads. Contentless (the text is stored once, in document_texts).
 * - `terms` and `term_trigrams`: the words seen, for typo-tolerant matching (fuzzy-terms.ts).
 * - `tombstones`: the version a removed record had, so an older upsert arriving late stays stale.
 */
export const SCHEMA_VERSION = 1;
export const SCHEMA_FORMAT = "chartbridge-sqlite-search";

export const CREATE_SCHEMA = `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE documents (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  version INTEGER NOT NULL,
  status TEXT NOT NULL,
  document_type TEXT,
  patient_name TEXT,
  date_of_birth TEXT,
  mrn TEXT,
  date_of_service TEXT,
  facility TEXT,
  facility_key TEXT
);
-- Covers what a date-range query reads (its window's facets and order), so a month of a million charts is one
-- index range, not a row lookup per chart.
CREATE INDEX documents_by_date_of_service
  ON documents (date_of_service, id, document_type, status, facility_key, facility);
CREATE TABLE document_texts (seq INTEGER PRIMARY KEY, text TEXT NOT NULL);
CREATE TABLE tombstones (id TEXT PRIMARY KEY, version INTEGER NOT NULL) WITHOUT ROWID;
CREATE VIRTUAL TABLE search_text USING fts5(
  name, body, filters,
  content = '', contentless_delete = 1,
  tokenize = 'unicode61 remove_diacritics 0'
);
CREATE TABLE terms (
  rowid INTEGER PRIMARY KEY,
  term TEXT NOT NULL UNIQUE,
  reversed TEXT NOT NULL,
  length INTEGER NOT NULL
);
CREATE INDEX terms_by_reversed ON terms (reversed);
CREATE VIRTUAL TABLE term_trigrams USING fts5(term, content = '', contentless_delete = 1, tokenize = 'trigram');
`;
