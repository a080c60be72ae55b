import type { Database, Statement } from "better-sqlite3";
import { countFacets } from "../../search/facets";
import { highlight } from "../../search/highlight";
import { decodeCursor, encodeCursor, InvalidCursorError } from "../../search/search-cursor";
import {
  hitFields,
  TEXT_SEARCH_FIELDS,
  type SearchHit,
  type SearchQuery,
  type SearchResult,
} from "../../search/search-index";
import type { DocumentType } from "../../domain/document-types";
import type { DocumentStatus } from "../../domain/status";
import { filterTerms } from "./filter-tokens";
import type { FuzzyVocabulary } from "./fuzzy-terms";
import { buildTextMatch, quote, type TextMatch } from "./match-expression";

/**
 * Queries over the SQLite index. Every query first reads its *window*: the newest `window` + 1 matching
 * rows (rowid order is update order), from FTS5 when there is text or an equality filter, else from the
 * documents table (by the date-of-service index when dates are given). The window bounds the work of a
 * query whatever the archive's size:
 * - within it, total and facets are exact; past it, total is the window's size with `totalRelation: "gte"`
 *   and facets count the window (OpenSearch also stops counting at 10,000 by default);
 * - relevance (bm25; name ×3) orders the window, so with more matches it ranks the newest `window` of them;
 * - newest-first lists page past the window with keyset cursors (any depth, each page one index range);
 * - a date-of-service order over more matches than the window is sorted in SQL, exact, at a cost that
 *   grows with the matches.
 */
export const DEFAULT_WINDOW = 10_000;

interface WindowRow {
  seq: number;
  id: string;
  rank: number | null;
  document_type: string | null;
  status: string;
  facility: string | null;
  date_of_service: string | null;
}

interface HitRow {
  seq: number;
  id: string;
  status: string;
  document_type: string | null;
  patient_name: string | null;
  date_of_birth: string | null;
  mrn: string | null;
  date_of_service: string | null;
  text: string | null;
}

const NAME_WEIGHT = TEXT_SEARCH_FIELDS.find((f) => f.field === "patientName")!.boost;
/** bm25 column weights: name, body (every other text field; their boosts are 1), filters (never scored). */
const BM25 = `bm25(search_text, ${NAME_WEIGHT}, 1.0, 0.0)`;
const WINDOW_COLUMNS = "d.seq, d.id, d.document_type, d.status, d.facility, d.date_of_service";

export class SearchReader {
  private readonly hitRow: Statement<[number], HitRow>;
  private readonly statements = new Map<string, Statement>();

  constructor(
    private readonly db: Database,
    private readonly vocabulary: FuzzyVocabulary,
    private readonly window: number,
  ) {
    this.hitRow = db.prepare(
      `SELECT d.seq, d.id, d.status, d.document_type, d.patient_name, d.date_of_birth, d.mrn,
              d.date_of_service, t.text
       FROM documents d LEFT JOIN document_texts t ON t.seq = d.seq WHERE d.seq = ?`,
    );
  }

  search(query: SearchQuery): SearchResult {
    const cursor = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    if (query.cursor !== undefined && cursor === undefined) throw new InvalidCursorError();

    const text = query.q ? buildTextMatch(query.q, (term) => this.vocabulary.near(term)) : undefined;
    const filters = filterTerms(query);
    const parts = [
      ...(text ? [`(${text.expression})`] : []),
      ...(filters.length > 0 ? [`filters : (${filters.map(quote).join(" AND ")})`] : []),
    ];
    const match = parts.length > 0 ? parts.join(" AND ") : undefined;
    const dates = dateRange(query);

    const rows = this.windowRows(match, dates, text !== undefined);
    const complete = rows.length <= this.window;
    if (!complete) rows.length = this.window;
    const result: SearchResult = {
      total: rows.length,
      hits: [],
      facets: countFacets(rows.map(facetSource)),
    };
    if (!complete) result.totalRelation = "gte";

    const sort = query.sort ?? "relevance";
    let page: Array<{ seq: number; rank: number | null }>;
    if (sort === "relevance" && !text) {
      // Newest first: keyset pages, to any depth.
      if (cursor !== undefined && cursor.k !== "ks") throw new InvalidCursorError();
      const after = cursor?.a;
      const more =
        after === undefined
          ? rows.slice(0, query.limit + 1)
          : this.newestAfter(match, dates, after, query.limit + 1);
      page = more.slice(0, query.limit);
      if (more.length > query.limit) result.nextCursor = encodeCursor({ k: "ks", a: page.at(-1)!.seq });
    } else {
      if (cursor !== undefined && cursor.k !== "o") throw new InvalidCursorError();
      const offset = cursor?.o ?? 0;
      let ordered: Array<{ seq: number; rank: number | null }>;
      let available: number;
      if (sort === "relevance") {
        ordered = [...rows]
          .sort((a, b) => a.rank! - b.rank! || b.seq - a.seq)
          .slice(offset, offset + query.limit);
        available = rows.length;
      } else if (complete) {
        ordered = [...rows]
          .sort(byDateOfService(sort === "dateOfService" ? 1 : -1))
          .slice(offset, offset + query.limit);
        available = rows.length;
      } else {
        const fetched = this.byDateOfService(match, dates, sort === "dateOfService", offset, query.limit + 1);
        ordered = fetched.slice(0, query.limit);
        available = offset + fetched.length;
      }
      page = ordered;
      if (offset + page.length < available)
        result.nextCursor = encodeCursor({ k: "o", o: offset + page.length });
    }

    result.hits = page.map((row) => this.hit(row, text));
    return result;
  }

  private windowRows(match: string | undefined, dates: DateRange, scored: boolean): WindowRow[] {
    const limit = this.window + 1;
    if (match !== undefined) {
      const sql = `SELECT ${WINDOW_COLUMNS}, ${scored ? BM25 : "NULL"} AS rank
        FROM search_text JOIN documents d ON d.seq = search_text.rowid
        WHERE search_text MATCH @match ${dates.sql}
        ORDER BY search_text.rowid DESC LIMIT @limit`;
      return this.statement<WindowRow>(sql).all({ match, limit, ...dates.params });
    }
    // With dates: the range from its index, then newest first (a year of a million charts is ~40,000 rows).
    const sql = `SELECT ${WINDOW_COLUMNS}, NULL AS rank FROM documents d
      ${dates.given ? "INDEXED BY documents_by_date_of_service WHERE 1 " + dates.sql : ""}
      ORDER BY d.seq DESC LIMIT @limit`;
    return this.statement<WindowRow>(sql).all({ limit, ...dates.params });
  }

  private newestAfter(
    match: string | undefined,
    dates: DateRange,
    after: number,
    limit: number,
  ): Array<{ seq: number; rank: null }> {
    const sql =
      match !== undefined
        ? `SELECT search_text.rowid AS seq, NULL AS rank FROM search_text
           ${dates.given ? "JOIN documents d ON d.seq = search_text.rowid" : ""}
           WHERE search_text MATCH @match AND search_text.rowid < @after ${dates.sql}
           ORDER BY search_text.rowid DESC LIMIT @limit`
        : `SELECT d.seq, NULL AS rank FROM documents d WHERE d.seq < @after ${dates.sql}
           ORDER BY d.seq DESC LIMIT @limit`;
    return this.statement<{ seq: number; rank: null }>(sql).all({
      ...(match !== undefined ? { match } : {}),
      ...dates.params,
      after,
      limit,
    });
  }

  /** Every match ordered by date of service (undated last), then id: exact, for orders past the window. */
  private byDateOfService(
    match: string | undefined,
    dates: DateRange,
    ascending: boolean,
    offset: number,
    limit: number,
  ): Array<{ seq: number; rank: null }> {
    const sql = `SELECT d.seq, NULL AS rank FROM documents d
      WHERE ${match !== undefined ? "d.seq IN (SELECT rowid FROM search_text WHERE search_text MATCH @match)" : "1"}
      ${dates.sql}
      ORDER BY d.date_of_service IS NULL, d.date_of_service ${ascending ? "ASC" : "DESC"}, d.id
      LIMIT @limit OFFSET @offset`;
    return this.statement<{ seq: number; rank: null }>(sql).all({
      ...(match !== undefined ? { match } : {}),
      ...dates.params,
      limit,
      offset,
    });
  }

  private hit(row: { seq: number; rank: number | null }, text: TextMatch | undefined): SearchHit {
    const found = this.hitRow.get(row.seq)!;
    const hit: SearchHit = {
      id: found.id,
      status: found.status as DocumentStatus,
      fields: hitFields({
        patientName: found.patient_name ?? undefined,
        dateOfBirth: found.date_of_birth ?? undefined,
        mrn: found.mrn ?? undefined,
        dateOfService: found.date_of_service ?? undefined,
      }),
      highlights: text && found.text ? highlight(found.text, text.matchedWords(found.text)) : [],
    };
    if (found.document_type !== null) hit.documentType = found.document_type as DocumentType;
    if (text && row.rank !== null) hit.score = -row.rank;
    return hit;
  }

  /** Prepared once per SQL text (a handful of shapes: which of text, filters and dates a query has). */
  private statement<Row>(sql: string): Statement<unknown[], Row> {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement as Statement<unknown[], Row>;
  }
}

/**
 * The date-of-service range as SQL conditions on `d` (only the bounds given, so the index serves them) and
 * their parameters. Dates compare as YYYY-MM-DD strings; records without one never fall in a range.
 */
function dateRange(query: SearchQuery): DateRange {
  const sql: string[] = [];
  const params: Record<string, string> = {};
  if (query.from !== undefined) {
    sql.push("AND d.date_of_service >= @from");
    params.from = query.from;
  }
  if (query.to !== undefined) {
    sql.push("AND d.date_of_service <= @to");
    params.to = query.to;
  }
  return { sql: sql.join(" "), params, given: sql.length > 0 };
}

interface DateRange {
  sql: string;
  params: Record<string, string>;
  given: boolean;
}

function facetSource(row: WindowRow) {
  return {
    status: row.status as DocumentStatus,
    ...(row.document_type !== null ? { documentType: row.document_type as DocumentType } : {}),
    ...(row.facility !== null ? { facility: row.facility } : {}),
    ...(row.date_of_service !== null ? { dateOfService: row.date_of_service } : {}),
  };
}

function byDateOfService(direction: 1 | -1) {
  return (a: WindowRow, b: WindowRow): number => {
    const x = a.date_of_service;
    const y = b.date_of_service;
    if (x !== y) {
      if (x === null) return 1;
      if (y === null) return -1;
      return x < y ? -direction : direction;
    }
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  };
}
