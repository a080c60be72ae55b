import type { Database, Statement } from "better-sqlite3";
import { countFacility, emptyFacetCounts, facetsFromCounts } from "../../search/facets";
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
import { buildTextMatch, quote, type TextMatch, type Vocabulary } from "./match-expression";

/**
 * Queries over the SQLite index. Every query first takes its *window*: the newest `window` matching rows
 * (rowid order is update order), from FTS5 when there is text or an equality filter, else from the
 * documents table (by the date-of-service index when dates are given). The window bounds the work of a
 * query whatever the archive's size:
 * - within it, total and facets are exact; past it, total is the window's size with `totalRelation: "gte"`
 *   and facets count the window (as OpenSearch stops counting hits at 10,000 by default);
 * - relevance (bm25; name ×3) orders a window that holds every match; with more matches than that, the
 *   newest come first (with keyset cursors, like a list without text);
 * - newest-first lists page past the window with keyset cursors (any depth, each page one index range);
 * - a date-of-service order over more matches than the window is sorted in SQL, exact, at a cost that
 *   grows with the matches.
 * Counting, grouping and ranking the window happen in one SQL statement: only the counts and the page's
 * row numbers come back to JavaScript.
 */
export const DEFAULT_WINDOW = 5_000;

interface WindowAnswer {
  total: number;
  more: number;
  types: string;
  statuses: string;
  years: string;
  facilities: string;
  /** JSON [[seq, rank], …] of the requested page, or null when the page is read separately. */
  page: string | null;
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

interface PageRow {
  seq: number;
  rank: number | null;
}

const NAME_WEIGHT = TEXT_SEARCH_FIELDS.find((f) => f.field === "patientName")!.boost;
/** bm25 column weights: name, body (every other text field; their boosts are 1), filters (never scored). */
const BM25 = `bm25(search_text, ${NAME_WEIGHT}, 1.0, 0.0)`;
const WINDOW_COLUMNS =
  "d.seq, d.id, d.document_type, d.status, d.facility, d.facility_key, d.date_of_service";

type PageOrder = "rank" | "newest" | "dateOfService" | "-dateOfService" | "none";
const ORDER_BY: Record<Exclude<PageOrder, "none">, string> = {
  rank: "rank, seq DESC",
  newest: "seq DESC",
  dateOfService: "date_of_service IS NULL, date_of_service, id",
  "-dateOfService": "date_of_service IS NULL, date_of_service DESC, id",
};

export class SearchReader {
  private readonly hitRow: Statement<[number], HitRow>;
  private readonly statements = new Map<string, Statement>();
  private readonly words: Vocabulary;

  constructor(
    private readonly db: Database,
    vocabulary: FuzzyVocabulary,
    private readonly window: number,
  ) {
    const holders = db.prepare<{ match: string; atMost: number }, { n: number }>(
      "SELECT count(*) AS n FROM (SELECT 1 FROM search_text WHERE search_text MATCH @match LIMIT @atMost)",
    );
    this.words = {
      near: (term) => vocabulary.near(term),
      known: (terms) => vocabulary.known(terms),
      holders: (term, atMost) => holders.get({ match: `{name body} : ${quote(term)}`, atMost })!.n,
      common: window,
    };
    this.hitRow = db.prepare(
      `SELECT d.seq, d.id, d.status, d.document_type, d.patient_name, d.date_of_birth, d.mrn,
              d.date_of_service, t.text
       FROM documents d LEFT JOIN document_texts t ON t.seq = d.seq WHERE d.seq = ?`,
    );
  }

  search(query: SearchQuery): SearchResult {
    const cursor = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    if (query.cursor !== undefined && cursor === undefined) throw new InvalidCursorError();

    const text = query.q ? buildTextMatch(query.q, this.words) : undefined;
    const filters = filterTerms(query);
    const parts = [
      ...(text ? [`(${text.expression})`] : []),
      ...(filters.length > 0 ? [`filters : (${filters.map(quote).join(" AND ")})`] : []),
    ];
    const source: Source = {
      match: parts.length > 0 ? parts.join(" AND ") : undefined,
      dates: dateRange(query),
    };

    const sort = query.sort ?? "relevance";
    // Relevance ranks a window that holds every match; past that, the newest matches come first (scoring
    // the window would cost bm25's statistics over every match, and rank only the newest of them anyway).
    const ranked = text !== undefined && sort === "relevance" && !this.overflows(source);
    const keyset = sort === "relevance" && !ranked;
    if (cursor !== undefined && cursor.k !== (keyset ? "ks" : "o")) throw new InvalidCursorError();
    const offset = cursor?.k === "o" ? cursor.o : 0;
    const order: PageOrder = sort === "relevance" ? (ranked ? "rank" : cursor ? "none" : "newest") : sort;

    const answer = this.windowAnswer(source, ranked, order, offset, query.limit + 1);
    const complete = answer.more === 0;
    const result: SearchResult = { total: answer.total, hits: [], facets: facetsOf(answer) };
    if (!complete) result.totalRelation = "gte";

    let rows: PageRow[];
    // A keyset page past the first; the first is the window's top (the newest matches).
    if (keyset && cursor?.k === "ks") rows = this.newestAfter(source, cursor.a, query.limit + 1);
    else if (order.endsWith("dateOfService") && !complete)
      rows = this.byDateOfService(source, order === "dateOfService", offset, query.limit + 1);
    else
      rows = (JSON.parse(answer.page ?? "[]") as Array<[number, number | null]>).map(([seq, rank]) => ({
        seq,
        rank,
      }));

    const page = rows.slice(0, query.limit);
    if (rows.length > query.limit)
      result.nextCursor = encodeCursor(
        keyset ? { k: "ks", a: page.at(-1)!.seq } : { k: "o", o: offset + page.length },
      );
    result.hits = page.map((row) => this.hit(row, text));
    return result;
  }

  /** Whether more rows match than the window holds (FTS5 rowids only: no row is read). */
  private overflows({ match, dates }: Source): boolean {
    if (match === undefined) return true;
    const sql = `SELECT count(*) AS n FROM (SELECT 1 FROM search_text
      ${dates.given ? "JOIN documents d ON d.seq = search_text.rowid" : ""}
      WHERE search_text MATCH @match ${dates.sql} LIMIT @atMost)`;
    const counted = this.statement<{ n: number }>(sql).get({
      match,
      ...dates.params,
      atMost: this.window + 1,
    })!;
    return counted.n > this.window;
  }

  /** The window's total, whether more rows match, its facet counts and (unless "none") a page of it. */
  private windowAnswer(
    source: Source,
    scored: boolean,
    order: PageOrder,
    offset: number,
    limit: number,
  ): WindowAnswer {
    const { match, dates } = source;
    const window =
      match !== undefined
        ? `SELECT ${WINDOW_COLUMNS}, ${scored ? BM25 : "NULL"} AS rank
           FROM search_text JOIN documents d ON d.seq = search_text.rowid
           WHERE search_text MATCH @match ${dates.sql}
           ORDER BY search_text.rowid DESC LIMIT @window`
        : // With dates: the range from its index, then newest first (a month of a million charts is ~3,000 rows).
          `SELECT ${WINDOW_COLUMNS}, NULL AS rank FROM documents d
           ${dates.given ? "INDEXED BY documents_by_date_of_service WHERE 1 " + dates.sql : ""}
           ORDER BY d.seq DESC LIMIT @window`;
    const beyond =
      match !== undefined
        ? `SELECT 1 FROM search_text ${dates.given ? "JOIN documents d ON d.seq = search_text.rowid" : ""}
           WHERE search_text MATCH @match AND search_text.rowid < (SELECT min(seq) FROM w) ${dates.sql} LIMIT 1`
        : `SELECT 1 FROM documents d ${dates.given ? "INDEXED BY documents_by_date_of_service" : ""}
           WHERE d.seq < (SELECT min(seq) FROM w) ${dates.sql} LIMIT 1`;
    const page =
      order === "none"
        ? "NULL"
        : `(SELECT json_group_array(json_array(seq, rank)) FROM
             (SELECT seq, rank FROM w ORDER BY ${ORDER_BY[order]} LIMIT @limit OFFSET @offset))`;
    const sql = `WITH w AS MATERIALIZED (${window})
      SELECT
        (SELECT count(*) FROM w) AS total,
        CASE WHEN (SELECT count(*) FROM w) < @window THEN 0 ELSE (SELECT count(*) FROM (${beyond})) END AS more,
        (SELECT json_group_array(json_array(document_type, n)) FROM
          (SELECT document_type, count(*) AS n FROM w WHERE document_type IS NOT NULL GROUP BY 1)) AS types,
        (SELECT json_group_array(json_array(status, n)) FROM (SELECT status, count(*) AS n FROM w GROUP BY 1)) AS statuses,
        (SELECT json_group_array(json_array(year, n)) FROM
          (SELECT substr(date_of_service, 1, 4) AS year, count(*) AS n FROM w
           WHERE date_of_service GLOB '[0-9][0-9][0-9][0-9]-*' GROUP BY 1)) AS years,
        (SELECT json_group_array(json_array(facility_key, facility, n)) FROM
          (SELECT facility_key, facility, count(*) AS n FROM w WHERE facility_key <> '' GROUP BY 1, 2)) AS facilities,
        ${page} AS page`;
    return this.statement<WindowAnswer>(sql).get({
      ...(match !== undefined ? { match } : {}),
      ...dates.params,
      window: this.window,
      ...(order === "none" ? {} : { limit, offset }),
    })!;
  }

  private newestAfter(source: Source, after: number, limit: number): PageRow[] {
    const { match, dates } = source;
    const sql =
      match !== undefined
        ? `SELECT search_text.rowid AS seq, NULL AS rank FROM search_text
           ${dates.given ? "JOIN documents d ON d.seq = search_text.rowid" : ""}
           WHERE search_text MATCH @match AND search_text.rowid < @after ${dates.sql}
           ORDER BY search_text.rowid DESC LIMIT @limit`
        : `SELECT d.seq, NULL AS rank FROM documents d
           ${dates.given ? "INDEXED BY documents_by_date_of_service" : ""}
           WHERE d.seq < @after ${dates.sql} ORDER BY d.seq DESC LIMIT @limit`;
    return this.statement<PageRow>(sql).all({
      ...(match !== undefined ? { match } : {}),
      ...dates.params,
      after,
      limit,
    });
  }

  /** Every match ordered by date of service (undated last), then id: exact, for orders past the window. */
  private byDateOfService(source: Source, ascending: boolean, offset: number, limit: number): PageRow[] {
    const { match, dates } = source;
    const sql = `SELECT d.seq, NULL AS rank FROM documents d
      WHERE ${match !== undefined ? "d.seq IN (SELECT rowid FROM search_text WHERE search_text MATCH @match)" : "1"}
      ${dates.sql}
      ORDER BY ${ORDER_BY[ascending ? "dateOfService" : "-dateOfService"]}
      LIMIT @limit OFFSET @offset`;
    return this.statement<PageRow>(sql).all({
      ...(match !== undefined ? { match } : {}),
      ...dates.params,
      limit,
      offset,
    });
  }

  private hit(row: PageRow, text: TextMatch | undefined): SearchHit {
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
    if (row.rank !== null) hit.score = -row.rank;
    return hit;
  }

  /** Prepared once per SQL text (a handful of shapes: which of text, filters, dates and order a query has). */
  private statement<Row>(sql: string): Statement<unknown[], Row> {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement as Statement<unknown[], Row>;
  }
}

/** Where a query's rows come from: an FTS5 expression (text and equality filters) and a date range. */
interface Source {
  match: string | undefined;
  dates: DateRange;
}

interface DateRange {
  sql: string;
  params: Record<string, string>;
  given: boolean;
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

function facetsOf(answer: WindowAnswer) {
  const counts = emptyFacetCounts();
  for (const [value, n] of JSON.parse(answer.types) as Array<[string, number]>) counts.types.set(value, n);
  for (const [value, n] of JSON.parse(answer.statuses) as Array<[string, number]>)
    counts.statuses.set(value, n);
  for (const [value, n] of JSON.parse(answer.years) as Array<[string, number]>) counts.years.set(value, n);
  for (const [key, spelling, n] of JSON.parse(answer.facilities) as Array<[string, string, number]>)
    countFacility(counts, spelling, n, key);
  return facetsFromCounts(counts);
}
