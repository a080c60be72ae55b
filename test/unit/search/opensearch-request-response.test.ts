import { describe, expect, it } from "vitest";
import { buildSearchRequest } from "../../../shared/adapters/opensearch/build-search-request";
import { CHART_RECORDS_MAPPINGS, createIndexBody } from "../../../shared/adapters/opensearch/index-mapping";
import {
  parseSearchResponse,
  UnexpectedSearchResponseError,
} from "../../../shared/adapters/opensearch/parse-search-response";
import { decodeCursor, encodeCursor, InvalidCursorError } from "../../../shared/search/parse-search-params";
import type { SearchDocument } from "../../../shared/search/search-index";

describe("buildSearchRequest", () => {
  it("filters a vendor's uploads by exact vendor and batch", () => {
    const body = buildSearchRequest({ vendor: "acme", batch: "box-1", limit: 50 }) as {
      query: { bool: { filter: unknown[] } };
    };
    expect(body.query.bool.filter).toEqual([{ term: { vendor: "acme" } }, { term: { batch: "box-1" } }]);
  });

  it("builds a fuzzy multi_match with filters, highlight, sort and size", () => {
    const body = buildSearchRequest({
      q: "Jonh Smyth",
      mrn: "mr-004 512",
      dob: "1961-07-04",
      type: "discharge_summary",
      status: "INDEXED",
      from: "2024-01-01",
      to: "2024-06-30",
      facility: "St. Mary's Hospital",
      limit: 25,
    });

    expect(body.size).toBe(25);
    expect(body.track_total_hits).toBe(true);
    expect(body.query).toEqual({
      bool: {
        must: [
          {
            multi_match: {
              query: "Jonh Smyth",
              fields: [
                "patientName^3",
                "text",
                "diagnoses",
                "medications",
                "allergies",
                "provider",
                "facility",
              ],
              type: "best_fields",
              operator: "and",
              fuzziness: "AUTO",
              zero_terms_query: "all",
            },
          },
        ],
        filter: [
          { term: { mrnKey: "MR004512" } },
          { term: { dateOfBirth: "1961-07-04" } },
          { term: { documentType: "discharge_summary" } },
          { term: { status: "INDEXED" } },
          { term: { "facility.keyword": "St. Mary's Hospital" } },
          { range: { dateOfService: { format: "strict_date", gte: "2024-01-01", lte: "2024-06-30" } } },
        ],
        should: [
          {
            nested: {
              path: "pages",
              score_mode: "max",
              boost: 0,
              query: { match: { "pages.text": { query: "Jonh Smyth", fuzziness: "AUTO" } } },
              inner_hits: {
                name: "pages",
                size: 3,
                _source: false,
                highlight: {
                  pre_tags: ["<em>"],
                  post_tags: ["</em>"],
                  encoder: "html",
                  fields: {
                    "pages.text": {
                      type: "unified",
                      fragment_size: 120,
                      number_of_fragments: 1,
                      no_match_size: 0,
                    },
                  },
                },
              },
            },
          },
        ],
      },
    });
    expect(body.sort).toEqual([{ _score: "desc" }, { updatedAt: "desc" }, { id: "asc" }]);
    expect(body.highlight).toEqual({
      pre_tags: ["<em>"],
      post_tags: ["</em>"],
      encoder: "html",
      fields: { text: { type: "unified", fragment_size: 120, number_of_fragments: 3, no_match_size: 0 } },
    });
    expect(body._source).not.toContain("text");
    expect(body.search_after).toBeUndefined();
  });

  it("lists newest first with only filters (no scoring, no highlight)", () => {
    const body = buildSearchRequest({ status: "NEEDS_REVIEW", to: "2024-01-31", limit: 20 });
    expect(body.query).toEqual({
      bool: {
        filter: [
          { term: { status: "NEEDS_REVIEW" } },
          { range: { dateOfService: { format: "strict_date", lte: "2024-01-31" } } },
        ],
      },
    });
    expect(body.sort).toEqual([{ updatedAt: "desc" }, { id: "asc" }]);
    expect(body.highlight).toBeUndefined();
  });

  it("matches everything for an empty query, and always asks for the facets", () => {
    const body = buildSearchRequest({ limit: 10 });
    expect(body.query).toEqual({ match_all: {} });
    expect(Object.keys(body.aggs).sort()).toEqual(["documentType", "facility", "status", "yearOfService"]);
    expect(body.aggs.facility).toEqual({
      terms: { field: "facility.keyword", size: 20 },
      aggs: { spelling: { terms: { field: "facility.raw", size: 1 } } },
    });
    expect(body.aggs.yearOfService.date_histogram).toMatchObject({
      field: "dateOfService",
      calendar_interval: "year",
    });
  });

  it("sorts by date of service either way, undated last, with a total order for paging", () => {
    expect(buildSearchRequest({ q: "smith", sort: "dateOfService", limit: 5 }).sort).toEqual([
      { dateOfService: { order: "asc", missing: "_last" } },
      { id: "asc" },
    ]);
    expect(buildSearchRequest({ sort: "-dateOfService", limit: 5 }).sort).toEqual([
      { dateOfService: { order: "desc", missing: "_last" } },
      { id: "asc" },
    ]);
    expect(buildSearchRequest({ sort: "relevance", limit: 5 }).sort).toEqual([
      { updatedAt: "desc" },
      { id: "asc" },
    ]);
  });

  it("accepts a cursor only under the sort it was issued for", () => {
    const byDate = encodeCursor({ k: "sa", sa: [1709251200000, "doc_a"], s: "-dateOfService" });
    expect(buildSearchRequest({ sort: "-dateOfService", limit: 5, cursor: byDate }).search_after).toEqual([
      1709251200000,
      "doc_a",
    ]);
    expect(() => buildSearchRequest({ limit: 5, cursor: byDate })).toThrow(InvalidCursorError);
    expect(() => buildSearchRequest({ sort: "dateOfService", limit: 5, cursor: byDate })).toThrow(
      InvalidCursorError,
    );
    const newest = encodeCursor({ k: "sa", sa: [1709251200000, "doc_a"] });
    expect(() => buildSearchRequest({ sort: "-dateOfService", limit: 5, cursor: newest })).toThrow(
      InvalidCursorError,
    );
  });

  it("continues after the cursor's sort values", () => {
    const cursor = encodeCursor({ k: "sa", sa: [2.5, 1709251200000, "doc_a"], n: 20 });
    expect(buildSearchRequest({ q: "smith", limit: 20, cursor }).search_after).toEqual([
      2.5,
      1709251200000,
      "doc_a",
    ]);
    const listCursor = encodeCursor({ k: "sa", sa: [1709251200000, "doc_a"] });
    expect(buildSearchRequest({ limit: 20, cursor: listCursor }).search_after).toEqual([
      1709251200000,
      "doc_a",
    ]);
  });

  it("rejects offset cursors and cursors for another sort", () => {
    expect(() => buildSearchRequest({ limit: 20, cursor: encodeCursor({ k: "o", o: 20 }) })).toThrow(
      InvalidCursorError,
    );
    const scored = encodeCursor({ k: "sa", sa: [2.5, 1709251200000, "doc_a"] });
    expect(() => buildSearchRequest({ limit: 20, cursor: scored })).toThrow(InvalidCursorError);
  });
});

describe("index mapping", () => {
  it("is strict and types every SearchDocument field and the MRN key", () => {
    const sample: Required<SearchDocument> & { mrnKey: string; pages: [] } = {
      id: "",
      version: 1,
      status: "INDEXED",
      documentType: "other",
      patientName: "",
      dateOfBirth: "",
      mrn: "",
      mrnKey: "",
      dateOfService: "",
      provider: "",
      facility: "",
      diagnoses: [],
      medications: [],
      allergies: [],
      text: "",
      pages: [],
      vendor: "",
      batch: "",
      sourceKey: "",
      createdAt: "",
      updatedAt: "",
    };
    expect(CHART_RECORDS_MAPPINGS.dynamic).toBe("strict");
    expect(Object.keys(CHART_RECORDS_MAPPINGS.properties).sort()).toEqual(Object.keys(sample).sort());
    const p = CHART_RECORDS_MAPPINGS.properties;
    for (const k of ["id", "status", "documentType", "vendor", "batch", "mrn", "mrnKey"] as const)
      expect(p[k].type).toBe("keyword");
    for (const k of ["dateOfBirth", "dateOfService", "createdAt", "updatedAt"] as const)
      expect(p[k].type).toBe("date");
    for (const k of ["patientName", "provider", "facility"] as const) {
      expect(p[k]).toMatchObject({ type: "text", fields: { keyword: { type: "keyword" } } });
    }
    for (const k of ["text", "diagnoses", "medications", "allergies"] as const)
      expect(p[k].type).toBe("text");
    expect(p.facility.fields.raw).toEqual({ type: "keyword", ignore_above: 256 });
    expect(p.pages).toEqual({
      type: "nested",
      properties: { text: { type: "text", analyzer: "chart_text" } },
    });
    expect(createIndexBody("chart-records")).toMatchObject({
      aliases: { "chart-records": {} },
      settings: { analysis: {} },
    });
  });
});

/** A realistic OpenSearch 2.x `_search` response. */
const response = {
  took: 12,
  timed_out: false,
  _shards: { total: 1, successful: 1, skipped: 0, failed: 0 },
  hits: {
    total: { value: 3, relation: "eq" },
    max_score: 7.31,
    hits: [
      {
        _index: "chart-records-v2",
        _id: "doc_smith",
        _score: 7.31,
        _source: {
          id: "doc_smith",
          status: "INDEXED",
          documentType: "discharge_summary",
          patientName: "John Smith",
          dateOfBirth: "1961-07-04",
          mrn: "MR-004512",
          dateOfService: "2024-02-28",
        },
        highlight: {
          text: [
            "Patient: <em>John</em> <em>Smith</em> DOB 07/04/1961",
            "Follow up for <em>John</em> &amp; family",
          ],
        },
        inner_hits: {
          pages: {
            hits: {
              total: { value: 2, relation: "eq" },
              max_score: 1.4,
              hits: [
                {
                  _index: "chart-records-v2",
                  _id: "doc_smith",
                  _nested: { field: "pages", offset: 2 },
                  _score: 1.4,
                  highlight: { "pages.text": ["Follow up for <em>John</em> &amp; family"] },
                },
                {
                  _index: "chart-records-v2",
                  _id: "doc_smith",
                  _nested: { field: "pages", offset: 0 },
                  _score: 1.1,
                  highlight: { "pages.text": ["Patient: <em>John</em> <em>Smith</em> DOB 07/04/1961"] },
                },
              ],
            },
          },
        },
        sort: [7.31, 1709251200000, "doc_smith"],
      },
      {
        _index: "chart-records-v2",
        _id: "doc_smith2",
        _score: 5.02,
        _source: { id: "doc_smith2", status: "NEEDS_REVIEW", patientName: "John Smith" },
        // Indexed before pages were: fragments from the whole text, no page.
        highlight: { text: ["<em>John</em> <em>Smith</em> seen"] },
        inner_hits: { pages: { hits: { total: { value: 0, relation: "eq" }, max_score: null, hits: [] } } },
        sort: [5.02, 1700524800000, "doc_smith2"],
      },
    ],
  },
  aggregations: {
    documentType: {
      doc_count_error_upper_bound: 0,
      sum_other_doc_count: 0,
      buckets: [
        { key: "discharge_summary", doc_count: 2 },
        { key: "progress_note", doc_count: 1 },
      ],
    },
    status: {
      doc_count_error_upper_bound: 0,
      sum_other_doc_count: 0,
      buckets: [
        { key: "INDEXED", doc_count: 2 },
        { key: "NEEDS_REVIEW", doc_count: 1 },
      ],
    },
    facility: {
      doc_count_error_upper_bound: 0,
      sum_other_doc_count: 0,
      buckets: [
        {
          key: "st. mary's hospital",
          doc_count: 3,
          spelling: { buckets: [{ key: "St. Mary's Hospital", doc_count: 2 }] },
        },
      ],
    },
    yearOfService: {
      buckets: [
        { key_as_string: "2024", key: 1704067200000, doc_count: 2 },
        { key_as_string: "2023", key: 1672531200000, doc_count: 1 },
      ],
    },
  },
};

describe("parseSearchResponse", () => {
  it("maps hits, fields, highlights and scores, and returns a cursor after a full page", () => {
    const r = parseSearchResponse(response, { limit: 2 });
    expect(r.total).toBe(3);
    expect(r.hits).toEqual([
      {
        id: "doc_smith",
        status: "INDEXED",
        documentType: "discharge_summary",
        fields: {
          patientName: "John Smith",
          dateOfBirth: "1961-07-04",
          mrn: "MR-004512",
          dateOfService: "2024-02-28",
        },
        highlights: [
          { text: "Patient: <em>John</em> <em>Smith</em> DOB 07/04/1961", page: 1 },
          { text: "Follow up for <em>John</em> &amp; family", page: 3 },
        ],
        score: 7.31,
      },
      {
        id: "doc_smith2",
        status: "NEEDS_REVIEW",
        fields: { patientName: "John Smith" },
        highlights: [{ text: "<em>John</em> <em>Smith</em> seen" }],
        score: 5.02,
      },
    ]);
    expect(r.facets).toEqual({
      documentType: [
        { value: "discharge_summary", count: 2 },
        { value: "progress_note", count: 1 },
      ],
      status: [
        { value: "INDEXED", count: 2 },
        { value: "NEEDS_REVIEW", count: 1 },
      ],
      facility: [{ value: "St. Mary's Hospital", count: 3 }],
      yearOfService: [
        { value: "2024", count: 2 },
        { value: "2023", count: 1 },
      ],
    });
    expect(decodeCursor(r.nextCursor!)).toEqual({ k: "sa", sa: [5.02, 1700524800000, "doc_smith2"], n: 2 });
  });

  it("returns no cursor for a partial page or once the exact total is reached", () => {
    expect(parseSearchResponse(response, { limit: 5 }).nextCursor).toBeUndefined();
    expect(
      parseSearchResponse({ hits: { ...response.hits, total: { value: 2, relation: "eq" } } }, { limit: 2 })
        .nextCursor,
    ).toBeUndefined();
    expect(parseSearchResponse(response, { limit: 2, seen: 1 }).nextCursor).toBeUndefined();
    expect(
      parseSearchResponse(
        { hits: { ...response.hits, total: { value: 10000, relation: "gte" } } },
        {
          limit: 2,
          seen: 9998,
        },
      ).nextCursor,
    ).toBeDefined();
  });

  it("handles unscored listing hits and an empty result", () => {
    const listing = {
      hits: {
        total: { value: 1, relation: "eq" },
        max_score: null,
        hits: [{ _id: "d", _score: null, _source: { status: "FAILED" }, sort: [1, "d"] }],
      },
    };
    expect(parseSearchResponse(listing, { limit: 20 }).hits).toEqual([
      { id: "d", status: "FAILED", fields: {}, highlights: [] },
    ]);
    expect(
      parseSearchResponse({ hits: { total: { value: 0, relation: "eq" }, hits: [] } }, { limit: 20 }),
    ).toEqual({
      total: 0,
      hits: [],
      facets: { documentType: [], status: [], facility: [], yearOfService: [] },
    });
  });

  it("puts the sort in the next cursor, so it is not reused under another order", () => {
    const byDate = parseSearchResponse(response, { limit: 2, sort: "-dateOfService" });
    expect(decodeCursor(byDate.nextCursor!)).toMatchObject({ s: "-dateOfService" });
    expect(
      decodeCursor(parseSearchResponse(response, { limit: 2, sort: "relevance" }).nextCursor!),
    ).not.toHaveProperty("s");
  });

  it("rejects a body that is not a search response", () => {
    expect(() => parseSearchResponse({ error: "nope" }, { limit: 20 })).toThrow(
      UnexpectedSearchResponseError,
    );
  });
});
