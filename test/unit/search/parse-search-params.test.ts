import { describe, expect, it } from "vitest";
import {
  decodeCursor,
  encodeCursor,
  isIsoDate,
  parseSearchParams,
} from "../../../shared/search/parse-search-params";

function reasonFor(params: Record<string, string | undefined>): string {
  const r = parseSearchParams(params);
  if (r.ok) throw new Error(`expected an error for ${JSON.stringify(params)}`);
  return r.reason;
}

describe("parseSearchParams", () => {
  it("parses every parameter", () => {
    const cursor = encodeCursor({ k: "o", o: 20 });
    const r = parseSearchParams({
      q: "  john   smith ",
      mrn: " MR-00123 ",
      dob: "1961-07-04",
      type: "Discharge_Summary",
      status: "indexed",
      from: "2024-01-01",
      to: "2024-12-31",
      facility: " St. Mary's   Hospital ",
      sort: "-dateOfService",
      limit: "50",
      cursor,
    });
    expect(r).toEqual({
      ok: true,
      query: {
        q: "john smith",
        mrn: "MR-00123",
        dob: "1961-07-04",
        type: "discharge_summary",
        status: "INDEXED",
        from: "2024-01-01",
        to: "2024-12-31",
        facility: "St. Mary's Hospital",
        sort: "-dateOfService",
        limit: 50,
        cursor,
      },
    });
  });

  it("allows an empty query (lists the newest records) with the default limit", () => {
    expect(parseSearchParams({})).toEqual({ ok: true, query: { limit: 20 } });
    expect(parseSearchParams(null)).toEqual({ ok: true, query: { limit: 20 } });
    expect(parseSearchParams({ q: "   ", mrn: "", limit: undefined })).toEqual({
      ok: true,
      query: { limit: 20 },
    });
  });

  it("accepts from = to, limit 1 and 100", () => {
    expect(parseSearchParams({ from: "2024-05-01", to: "2024-05-01" }).ok).toBe(true);
    expect(parseSearchParams({ limit: "1" })).toEqual({ ok: true, query: { limit: 1 } });
    expect(parseSearchParams({ limit: "100" })).toEqual({ ok: true, query: { limit: 100 } });
  });

  it.each([
    [{ q: "x".repeat(501) }, "q must be at most 500 characters"],
    [
      { mrn: "MR#123" },
      "mrn must be 1 to 40 letters or digits (spaces, dashes, dots and slashes allowed between them)",
    ],
    [
      { mrn: "-123" },
      "mrn must be 1 to 40 letters or digits (spaces, dashes, dots and slashes allowed between them)",
    ],
    [
      { mrn: "1".repeat(41) },
      "mrn must be 1 to 40 letters or digits (spaces, dashes, dots and slashes allowed between them)",
    ],
    [{ dob: "07/04/1961" }, "dob must be a date YYYY-MM-DD"],
    [{ dob: "1961-02-30" }, "dob must be a date YYYY-MM-DD"],
    [
      { type: "xray" },
      expect.stringMatching(/^type must be one of discharge_summary, history_and_physical, .*, other$/),
    ],
    [
      { status: "DONE" },
      "status must be one of RECEIVED, OCR_PENDING, EXTRACTED, INDEXED, NEEDS_REVIEW, REJECTED, DUPLICATE, FAILED",
    ],
    [{ from: "2024-13-01" }, "from must be a date YYYY-MM-DD"],
    [{ to: "2024-1-5" }, "to must be a date YYYY-MM-DD"],
    [{ from: "2024-06-02", to: "2024-06-01" }, "from must not be after to"],
    [{ facility: "x".repeat(201) }, "facility must be at most 200 characters"],
    [{ sort: "date" }, "sort must be one of relevance, dateOfService, -dateOfService"],
    [{ sort: "DATEOFSERVICE" }, "sort must be one of relevance, dateOfService, -dateOfService"],
    [{ limit: "0" }, "limit must be an integer from 1 to 100"],
    [{ limit: "101" }, "limit must be an integer from 1 to 100"],
    [{ limit: "ten" }, "limit must be an integer from 1 to 100"],
    [{ limit: "2.5" }, "limit must be an integer from 1 to 100"],
    [{ limit: "-5" }, "limit must be an integer from 1 to 100"],
    [{ cursor: "not-a-cursor" }, "cursor is not valid"],
    [{ cursor: Buffer.from('{"k":"o","o":-1}').toString("base64url") }, "cursor is not valid"],
    [{ cursor: Buffer.from('{"k":"x"}').toString("base64url") }, "cursor is not valid"],
    [{ cursor: "abc$" }, "cursor is not valid"],
    [
      { mrm: "123" },
      "a parameter is not one of q, mrn, dob, type, status, from, to, facility, sort, limit, cursor",
    ],
    // An unknown parameter's name is caller input (here a patient's name): never repeated.
    [
      { "Maria Lopez": "1", DOB: "1962-03-14" },
      "a parameter is not one of q, mrn, dob, type, status, from, to, facility, sort, limit, cursor",
    ],
  ])("rejects %j", (params, reason) => {
    expect(reasonFor(params)).toEqual(reason);
  });

  it("reports every bad parameter, each with its own message", () => {
    const r = parseSearchParams({ dob: "yesterday", limit: "1000", status: "nope" });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues.map((i) => i.param).sort()).toEqual(["dob", "limit", "status"]);
    expect(r.reason).toContain("dob must be a date YYYY-MM-DD");
    expect(r.reason).toContain("limit must be an integer from 1 to 100");
    expect(r.reason).toContain("status must be one of");
  });
});

describe("cursor encoding", () => {
  it("round-trips offset and search_after cursors", () => {
    expect(decodeCursor(encodeCursor({ k: "o", o: 40 }))).toEqual({ k: "o", o: 40 });
    const sa = { k: "sa" as const, sa: [3.25, 1717000000000, "doc_1"], n: 20 };
    expect(decodeCursor(encodeCursor(sa))).toEqual(sa);
    expect(encodeCursor(sa)).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it("rejects anything else without throwing", () => {
    for (const bad of ["", "%%%", "e30", Buffer.from("[1]").toString("base64url"), "A".repeat(600)]) {
      expect(decodeCursor(bad)).toBeUndefined();
    }
  });
});

describe("helpers", () => {
  it("isIsoDate checks the calendar", () => {
    expect(isIsoDate("2024-02-29")).toBe(true);
    expect(isIsoDate("2023-02-29")).toBe(false);
    expect(isIsoDate("2024-04-31")).toBe(false);
  });
});
