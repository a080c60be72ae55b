import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SqliteSearchIndex } from "../../../shared/adapters/sqlite-search/sqlite-search-index";
import { decodeCursor, encodeCursor, InvalidCursorError } from "../../../shared/search/parse-search-params";
import type { SearchDocument } from "../../../shared/search/search-index";
import { doc } from "./helpers";

const corpus: SearchDocument[] = [
  doc({
    id: "doc_smith",
    patientName: "John Smith",
    dateOfBirth: "1961-07-04",
    mrn: "MR-004512",
    documentType: "discharge_summary",
    dateOfService: "2024-02-28",
    diagnoses: ["Type 2 diabetes mellitus E11.9"],
    medications: ["Metformin 500 mg"],
    allergies: ["Penicillin"],
    provider: "Dr. Alice Wong",
    text: "DISCHARGE SUMMARY\nPatient: John Smith  DOB 07/04/1961\nContinue metformin. Follow up in 2 weeks.",
    updatedAt: "2024-03-01T00:00:00.000Z",
  }),
  doc({
    id: "doc_smithers",
    patientName: "Joan Smithers",
    dateOfBirth: "1975-01-15",
    mrn: "MR-009999",
    documentType: "progress_note",
    dateOfService: "2024-04-10",
    text: "Progress note for Joan Smithers. Asthma stable.",
    updatedAt: "2024-04-11T00:00:00.000Z",
  }),
  doc({
    id: "doc_jones",
    patientName: "Mary Jones",
    dateOfBirth: "1980-12-01",
    mrn: "004513",
    documentType: "lab_report",
    status: "NEEDS_REVIEW",
    dateOfService: "2024-01-05",
    text: "Lab report. Hemoglobin A1c 7.2%. Patient Mary Jones.",
    updatedAt: "2024-01-06T00:00:00.000Z",
  }),
  doc({
    id: "doc_smith2",
    patientName: "John Smith",
    dateOfBirth: "1961-07-04",
    mrn: "MR-004512",
    documentType: "lab_report",
    dateOfService: "2023-11-20",
    text: "Lab report for John Smith. Lipid panel normal.",
    updatedAt: "2023-11-21T00:00:00.000Z",
  }),
  doc({
    id: "doc_nodate",
    patientName: "José Álvarez",
    documentType: "other",
    text: "Letter regarding José Álvarez.",
    updatedAt: "2024-05-01T00:00:00.000Z",
  }),
];

async function indexWith(docs: SearchDocument[]): Promise<SqliteSearchIndex> {
  const index = SqliteSearchIndex.inMemory();
  for (const d of docs) expect(await index.upsert(d)).toBe("applied");
  return index;
}

const ids = (r: { hits: Array<{ id: string }> }) => r.hits.map((h) => h.id);

describe("SqliteSearchIndex search", () => {
  let index: SqliteSearchIndex;
  beforeEach(async () => {
    index = await indexWith(corpus);
  });

  it("finds names despite OCR errors: 'Jonh Smyth' finds John Smith", async () => {
    const r = await index.search({ q: "Jonh Smyth", limit: 20 });
    expect(ids(r)).toEqual(expect.arrayContaining(["doc_smith", "doc_smith2"]));
    expect(ids(r)).not.toContain("doc_jones");
    expect(r.hits[0]?.fields.patientName).toBe("John Smith");
    expect(r.hits[0]?.highlights.map((h) => h.text).join(" ")).toMatch(/<em>John<\/em> <em>Smith<\/em>/);
  });

  it("requires every term and ranks the name field first", async () => {
    expect(ids(await index.search({ q: "smith metformin", limit: 20 }))).toEqual(["doc_smith"]);
    const r = await index.search({ q: "Smith", limit: 20 });
    // Exact name matches rank before the prefix match "Smithers".
    expect(ids(r).slice(0, 2).sort()).toEqual(["doc_smith", "doc_smith2"]);
    expect(ids(r)).toContain("doc_smithers");
  });

  it("matches diagnoses, medications, allergies and provider", async () => {
    expect(ids(await index.search({ q: "diabetes", limit: 20 }))).toEqual(["doc_smith"]);
    expect(ids(await index.search({ q: "penicilin", limit: 20 }))).toEqual(["doc_smith"]);
    expect(ids(await index.search({ q: "wong", limit: 20 }))).toEqual(["doc_smith"]);
  });

  it("is accent-insensitive", async () => {
    expect(ids(await index.search({ q: "jose alvarez", limit: 20 }))).toEqual(["doc_nodate"]);
  });

  it("filters by MRN ignoring case and punctuation", async () => {
    expect(ids(await index.search({ mrn: "mr 004512", limit: 20 }))).toEqual(["doc_smith", "doc_smith2"]);
    expect(ids(await index.search({ mrn: "004513", limit: 20 }))).toEqual(["doc_jones"]);
    expect(ids(await index.search({ mrn: "4513", limit: 20 }))).toEqual([]);
  });

  it("filters by date of birth, type and status", async () => {
    expect(ids(await index.search({ dob: "1961-07-04", limit: 20 }))).toEqual(["doc_smith", "doc_smith2"]);
    expect(ids(await index.search({ type: "lab_report", limit: 20 }))).toEqual(["doc_jones", "doc_smith2"]);
    expect(ids(await index.search({ status: "NEEDS_REVIEW", limit: 20 }))).toEqual(["doc_jones"]);
    expect(ids(await index.search({ q: "smith", type: "lab_report", limit: 20 }))).toEqual(["doc_smith2"]);
  });

  it("filters by date of service range, inclusive, excluding records without one", async () => {
    expect(ids(await index.search({ from: "2024-01-05", to: "2024-02-28", limit: 20 }))).toEqual([
      "doc_smith",
      "doc_jones",
    ]);
    expect(ids(await index.search({ from: "2024-03-01", limit: 20 }))).toEqual(["doc_smithers"]);
    expect(ids(await index.search({ to: "2023-12-31", limit: 20 }))).toEqual(["doc_smith2"]);
  });

  it("lists everything newest first without a query", async () => {
    const r = await index.search({ limit: 20 });
    expect(r.total).toBe(5);
    expect(ids(r)).toEqual(["doc_nodate", "doc_smithers", "doc_smith", "doc_jones", "doc_smith2"]);
    expect(r.hits.every((h) => h.highlights.length === 0 && h.score === undefined)).toBe(true);
    expect(r.nextCursor).toBeUndefined();
  });

  it("returns hit fields", async () => {
    const r = await index.search({ mrn: "004513", limit: 1 });
    expect(r.hits[0]).toEqual({
      id: "doc_jones",
      status: "NEEDS_REVIEW",
      documentType: "lab_report",
      fields: {
        patientName: "Mary Jones",
        dateOfBirth: "1980-12-01",
        mrn: "004513",
        dateOfService: "2024-01-05",
      },
      highlights: [],
    });
  });

  it("pages with a cursor until the last page", async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const r = await index.search({ limit: 2, ...(cursor ? { cursor } : {}) });
      expect(r.total).toBe(5);
      seen.push(...ids(r));
      cursor = r.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual(["doc_nodate", "doc_smithers", "doc_smith", "doc_jones", "doc_smith2"]);
  });

  it("counts facets over every match, not just the page", async () => {
    const r = await index.search({ q: "smith", limit: 1 });
    expect(r.hits).toHaveLength(1);
    expect(r.facets).toEqual({
      documentType: [
        { value: "discharge_summary", count: 1 },
        { value: "lab_report", count: 1 },
        { value: "progress_note", count: 1 },
      ],
      status: [{ value: "INDEXED", count: 3 }],
      facility: [],
      yearOfService: [
        { value: "2024", count: 2 },
        { value: "2023", count: 1 },
      ],
    });
    const all = await index.search({ limit: 20 });
    expect(all.facets.status).toEqual([
      { value: "INDEXED", count: 4 },
      { value: "NEEDS_REVIEW", count: 1 },
    ]);
  });

  it("sorts by date of service either way, undated records last", async () => {
    expect(ids(await index.search({ sort: "dateOfService", limit: 20 }))).toEqual([
      "doc_smith2",
      "doc_jones",
      "doc_smith",
      "doc_smithers",
      "doc_nodate",
    ]);
    expect(ids(await index.search({ q: "smith", sort: "-dateOfService", limit: 20 }))).toEqual([
      "doc_smithers",
      "doc_smith",
      "doc_smith2",
    ]);
  });

  it("rejects a cursor from the other engine", async () => {
    await expect(
      index.search({ limit: 2, cursor: encodeCursor({ k: "sa", sa: [1, "x"] }) }),
    ).rejects.toBeInstanceOf(InvalidCursorError);
    await expect(
      index.search({ q: "smith", limit: 2, cursor: encodeCursor({ k: "ks", a: 1 }) }),
    ).rejects.toBeInstanceOf(InvalidCursorError);
    // Newest-first lists page by the last row (keyset), ranked lists by offset.
    expect(decodeCursor((await index.search({ limit: 2 })).nextCursor!)).toMatchObject({ k: "ks" });
    expect(decodeCursor((await index.search({ q: "smith", limit: 1 })).nextCursor!)).toEqual({
      k: "o",
      o: 1,
    });
  });
});

describe("SqliteSearchIndex facilities and pages", () => {
  const atFacility = (id: string, facility: string) =>
    doc({ id, facility, patientName: "Ann Lee", updatedAt: `2024-01-0${id.slice(-1)}T00:00:00.000Z` });

  it("groups facilities however they were printed, and narrows to one", async () => {
    const index = await indexWith([
      atFacility("f1", "St. Mary's Hospital"),
      atFacility("f2", "ST. MARY'S  HOSPITAL"),
      atFacility("f3", "St. Mary's Hospital"),
      atFacility("f4", "Clínica Norte"),
    ]);
    const r = await index.search({ q: "lee", limit: 20 });
    expect(r.facets.facility).toEqual([
      { value: "St. Mary's Hospital", count: 3 },
      { value: "Clínica Norte", count: 1 },
    ]);
    expect(ids(await index.search({ facility: "st. mary's hospital", limit: 20 })).sort()).toEqual([
      "f1",
      "f2",
      "f3",
    ]);
    expect(ids(await index.search({ facility: "Clinica Norte", limit: 20 }))).toEqual(["f4"]);
    expect(ids(await index.search({ facility: "St. Mary", limit: 20 }))).toEqual([]);
  });

  it("lists one vendor's uploads, or one batch of them, newest first", async () => {
    const upload = (id: string, vendor: string, batch: string) =>
      doc({ id, vendor, batch, updatedAt: `2024-01-0${id.slice(-1)}T00:00:00.000Z` });
    const index = await indexWith([
      upload("u1", "acme", "box-1"),
      upload("u2", "acme", "box-2"),
      upload("u3", "zeta", "box-1"),
      upload("u4", "acme", "box-1"),
    ]);
    expect(ids(await index.search({ vendor: "acme", limit: 20 }))).toEqual(["u4", "u2", "u1"]);
    expect(ids(await index.search({ vendor: "acme", batch: "box-1", limit: 20 }))).toEqual(["u4", "u1"]);
    expect(ids(await index.search({ vendor: "nobody", limit: 20 }))).toEqual([]);
  });

  it("says which page a highlight is on, and finds words either side of a page break", async () => {
    const index = await indexWith([
      doc({
        id: "multi",
        text: "REFERRAL LETTER\nRe: patient Kowalski\fMedication list\nwarfarin 5 mg\fSigned Dr. Reyes",
      }),
    ]);
    const r = await index.search({ q: "warfarin", limit: 5 });
    expect(r.hits[0]?.highlights).toEqual([{ text: "Medication list <em>warfarin</em> 5 mg", page: 2 }]);
    // The last word of page 1 and the first of page 2 are separate words.
    expect(ids(await index.search({ q: "kowalski", limit: 5 }))).toEqual(["multi"]);
    expect(ids(await index.search({ q: "medication", limit: 5 }))).toEqual(["multi"]);
  });
});

describe("SqliteSearchIndex versioning", () => {
  it("ignores older and equal versions", async () => {
    const index = await indexWith([doc({ id: "d1", version: 3, patientName: "Ann Lee" })]);
    expect(await index.upsert(doc({ id: "d1", version: 2, patientName: "Old Name" }))).toBe("stale");
    expect(await index.upsert(doc({ id: "d1", version: 3, patientName: "Same Version" }))).toBe("stale");
    expect((await index.search({ q: "lee", limit: 5 })).hits[0]?.fields.patientName).toBe("Ann Lee");

    expect(await index.upsert(doc({ id: "d1", version: 4, patientName: "Ann Park" }))).toBe("applied");
    expect((await index.search({ q: "lee", limit: 5 })).total).toBe(0);
    expect((await index.search({ q: "park", limit: 5 })).hits[0]?.id).toBe("d1");
  });

  it("removes with a tombstone that keeps late older upserts out", async () => {
    const index = await indexWith([doc({ id: "d1", version: 3, patientName: "Ann Lee" })]);
    expect(await index.remove("d1", 2)).toBe("stale");
    expect((await index.search({ q: "lee", limit: 5 })).total).toBe(1);

    expect(await index.remove("d1", 4)).toBe("applied");
    expect((await index.search({ q: "lee", limit: 5 })).total).toBe(0);
    expect((await index.search({ limit: 5 })).total).toBe(0);
    expect(index.size).toBe(0);

    expect(await index.upsert(doc({ id: "d1", version: 3, patientName: "Ann Lee" }))).toBe("stale");
    expect(await index.upsert(doc({ id: "d1", version: 4, patientName: "Ann Lee" }))).toBe("stale");
    expect((await index.search({ limit: 5 })).total).toBe(0);
    expect(await index.upsert(doc({ id: "d1", version: 5, patientName: "Ann Lee" }))).toBe("applied");
    expect((await index.search({ q: "lee", limit: 5 })).total).toBe(1);
  });

  it("records a tombstone for an unknown id (reported stale: nothing to remove)", async () => {
    const index = SqliteSearchIndex.inMemory();
    expect(await index.remove("ghost", 7)).toBe("stale");
    expect(await index.upsert(doc({ id: "ghost", version: 6 }))).toBe("stale");
    expect(await index.upsert(doc({ id: "ghost", version: 8 }))).toBe("applied");
  });
});

describe("SqliteSearchIndex matching", () => {
  it("never matches numbers fuzzily: an MRN one digit off is another patient", async () => {
    const index = await indexWith([
      doc({ id: "a", text: "Chart 004512 for follow up" }),
      doc({ id: "b", text: "Chart 004513 for follow up" }),
    ]);
    expect(ids(await index.search({ q: "004512", limit: 5 }))).toEqual(["a"]);
    expect(ids(await index.search({ q: "004521", limit: 5 }))).toEqual([]);
    // A prefix still finds both, as typed.
    expect(ids(await index.search({ q: "00451", limit: 5 })).sort()).toEqual(["a", "b"]);
  });

  it("allows two edits in long words and one in short ones", async () => {
    const index = await indexWith([
      doc({ id: "long", medications: ["Hydrochlorothiazide 25 mg"] }),
      doc({ id: "short", patientName: "Ann Lee" }),
    ]);
    expect(ids(await index.search({ q: "hydroclorothiazde", limit: 5 }))).toEqual(["long"]);
    expect(ids(await index.search({ q: "hydroclorotiazde", limit: 5 }))).toEqual([]);
    expect(ids(await index.search({ q: "Anm", limit: 5 }))).toEqual(["short"]);
    expect(ids(await index.search({ q: "Amm", limit: 5 }))).toEqual([]);
  });

  it("treats FTS5 syntax in a query as words", async () => {
    const index = await indexWith([doc({ id: "a", text: "Temp 100°F, NOT febrile; near normal" })]);
    expect(ids(await index.search({ q: "100°F", limit: 5 }))).toEqual(["a"]);
    expect(ids(await index.search({ q: 'NOT "febrile" NEAR(normal) *', limit: 5 }))).toEqual(["a"]);
    expect(ids(await index.search({ q: "{name}: x", limit: 5 }))).toEqual([]);
  });
});

describe("SqliteSearchIndex window", () => {
  // Five records, newest first: e5 … e1; dates of service in another order.
  const dated = [
    ["e1", "2024-03-01"],
    ["e2", "2021-01-01"],
    ["e3", undefined],
    ["e4", "2023-06-15"],
    ["e5", "2022-09-09"],
  ] as const;
  const corpus5 = dated.map(([id, dateOfService], i) =>
    doc({
      id,
      patientName: "Pat Doe",
      text: id === "e1" ? "pain pain pain" : "pain",
      ...(dateOfService ? { dateOfService } : {}),
      updatedAt: `2024-05-0${i + 1}T00:00:00.000Z`,
    }),
  );
  let index: SqliteSearchIndex;
  beforeEach(async () => {
    index = SqliteSearchIndex.inMemory({ window: 3 });
    for (const d of corpus5) await index.upsert(d);
  });

  it("counts at most the window, says the total is a lower bound, and lists the newest matches first", async () => {
    const r = await index.search({ q: "pain", limit: 2 });
    expect(r.total).toBe(3);
    expect(r.totalRelation).toBe("gte");
    expect(r.facets.status).toEqual([{ value: "INDEXED", count: 3 }]);
    // More matches than the window: newest first, unscored, and every match reachable page by page.
    expect(ids(r)).toEqual(["e5", "e4"]);
    expect(r.hits.every((h) => h.score === undefined)).toBe(true);
    const seen = [...ids(r)];
    let cursor = r.nextCursor;
    while (cursor) {
      const next = await index.search({ q: "pain", limit: 2, cursor });
      seen.push(...ids(next));
      cursor = next.nextCursor;
    }
    expect(seen).toEqual(["e5", "e4", "e3", "e2", "e1"]);

    // Matches that fit the window are ranked: e1, the oldest, says "pain" three times.
    const fits = await index.search({ q: "pain", from: "2022-01-01", limit: 10 });
    expect(fits.totalRelation).toBeUndefined();
    expect(ids(fits)[0]).toBe("e1");
    expect(ids(fits).sort()).toEqual(["e1", "e4", "e5"]);
    expect(fits.hits.every((h) => h.score !== undefined)).toBe(true);
  });

  it("pages a newest-first list past the window", async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const r = await index.search({ limit: 2, ...(cursor ? { cursor } : {}) });
      seen.push(...ids(r));
      cursor = r.nextCursor;
    } while (cursor);
    expect(seen).toEqual(["e5", "e4", "e3", "e2", "e1"]);

    const filtered: string[] = [];
    cursor = undefined;
    do {
      const r = await index.search({
        status: "INDEXED",
        from: "2020-01-01",
        limit: 1,
        ...(cursor ? { cursor } : {}),
      });
      filtered.push(...ids(r));
      cursor = r.nextCursor;
    } while (cursor);
    expect(filtered).toEqual(["e5", "e4", "e2", "e1"]);
  });

  it("orders by date of service over every match, not just the window", async () => {
    const first = await index.search({ sort: "dateOfService", limit: 3 });
    expect(ids(first)).toEqual(["e2", "e5", "e4"]);
    const second = await index.search({ sort: "dateOfService", limit: 3, cursor: first.nextCursor! });
    expect(ids(second)).toEqual(["e1", "e3"]);
    expect(second.nextCursor).toBeUndefined();
    expect(ids(await index.search({ q: "pain", sort: "-dateOfService", limit: 2 }))).toEqual(["e1", "e4"]);
  });
});

describe("SqliteSearchIndex file", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "chartbridge-search-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("keeps documents, versions and tombstones across a reopen", async () => {
    const file = join(dir, "nested", "index.sqlite");
    const first = SqliteSearchIndex.open({ file });
    expect(first.fileState).toBe("missing");
    expect(first.needsRebuild).toBe(true);
    for (const d of corpus) await first.upsert(d);
    await first.remove("doc_jones", 2);
    await first.close();
    await expect(first.upsert(doc({ id: "x" }))).rejects.toThrow(/closed/);

    const second = SqliteSearchIndex.open({ file });
    expect(second.fileState).toBe("loaded");
    expect(second.needsRebuild).toBe(false);
    expect(second.size).toBe(4);
    expect(ids(await second.search({ q: "Jonh Smyth", limit: 20 }))).toEqual(
      expect.arrayContaining(["doc_smith", "doc_smith2"]),
    );
    expect(ids(await second.search({ mrn: "MR004512", limit: 20 }))).toEqual(["doc_smith", "doc_smith2"]);
    expect(await second.upsert(corpus[0]!)).toBe("stale");
    expect(await second.upsert(doc({ id: "doc_jones", version: 2 }))).toBe("stale");
    expect(await second.upsert(doc({ id: "doc_new", version: 1, patientName: "Zed Quinn" }))).toBe("applied");
    expect(ids(await second.search({ q: "quinn", limit: 5 }))).toEqual(["doc_new"]);
    await second.close();
  });

  it("makes each change visible to another reader at once, without closing", async () => {
    const file = join(dir, "index.sqlite");
    const writer = SqliteSearchIndex.open({ file });
    const reader = SqliteSearchIndex.open({ file });
    await writer.upsert(doc({ id: "d1", patientName: "Ann Lee" }));
    expect(ids(await reader.search({ q: "lee", limit: 5 }))).toEqual(["d1"]);
    await writer.remove("d1", 2);
    expect((await reader.search({ q: "lee", limit: 5 })).total).toBe(0);
    await writer.close();
    await reader.close();
  });

  it("loses no acknowledged change when the process is killed", async () => {
    const file = join(dir, "index.sqlite");
    const script = join(dir, "writer.mts");
    const adapter = join(process.cwd(), "shared/adapters/sqlite-search/sqlite-search-index.ts");
    await writeFile(
      script,
      `import { SqliteSearchIndex } from ${JSON.stringify(adapter)};
       const index = SqliteSearchIndex.open({ file: ${JSON.stringify(file)} });
       for (let i = 0; i < 50; i++)
         await index.upsert({ id: "k" + i, version: 1, status: "INDEXED", patientName: "Kim Park", diagnoses: [],
           medications: [], allergies: [], text: "note " + i, sourceKey: "k", createdAt: "2024-01-01T00:00:00Z",
           updatedAt: "2024-01-01T00:00:00Z" });
       process.stdout.write("done\\n");
       process.kill(process.pid, "SIGKILL");`,
    );
    const { spawnSync } = await import("node:child_process");
    const child = spawnSync(process.execPath, ["--import", "tsx", script], { encoding: "utf8" });
    expect(child.signal, child.stderr).toBe("SIGKILL");
    expect(child.stdout).toBe("done\n");

    const reopened = SqliteSearchIndex.open({ file });
    expect(reopened.fileState).toBe("loaded");
    expect(reopened.size).toBe(50);
    expect((await reopened.search({ q: "park", limit: 1 })).total).toBe(50);
    await reopened.close();
  });

  it("replaces a file that is not an index of this version, and says so", async () => {
    const notSqlite = join(dir, "garbage.sqlite");
    await writeFile(notSqlite, "{ this is not a database");
    const fromGarbage = SqliteSearchIndex.open({ file: notSqlite });
    expect(fromGarbage.fileState).toBe("corrupt");
    expect(fromGarbage.needsRebuild).toBe(true);
    expect(fromGarbage.size).toBe(0);

    async function* fromTable(): AsyncIterable<SearchDocument> {
      for (const d of corpus) yield d;
      yield { ...corpus[0]!, version: 0 }; // an older duplicate loses
    }
    expect(await fromGarbage.rebuild(fromTable())).toBe(5);
    expect(ids(await fromGarbage.search({ q: "smyth", limit: 20 }))).toEqual(
      expect.arrayContaining(["doc_smith", "doc_smith2"]),
    );
    await fromGarbage.close();
    const reopened = SqliteSearchIndex.open({ file: notSqlite });
    expect(reopened.fileState).toBe("loaded");
    expect(reopened.size).toBe(5);
    await reopened.close();

    const otherDatabase = join(dir, "other.sqlite");
    const { default: Database } = await import("better-sqlite3");
    const other = new Database(otherDatabase);
    other.exec(
      "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT); INSERT INTO meta VALUES ('format', 'x')",
    );
    other.close();
    const fromOther = SqliteSearchIndex.open({ file: otherDatabase });
    expect(fromOther.fileState).toBe("corrupt");
    await fromOther.upsert(doc({ id: "fresh", patientName: "New Start" }));
    expect(ids(await fromOther.search({ q: "start", limit: 5 }))).toEqual(["fresh"]);
    await fromOther.close();
  });

  it("reports a rebuild that did not finish as corrupt, so it is run again", async () => {
    const file = join(dir, "index.sqlite");
    const index = SqliteSearchIndex.open({ file });
    async function* failsMidway(): AsyncIterable<SearchDocument> {
      for (let i = 0; i < 4500; i++) yield doc({ id: `r${i}`, patientName: "Lee Park" });
      throw new Error("records table read failed");
    }
    await expect(index.rebuild(failsMidway())).rejects.toThrow(/read failed/);
    await index.close();
    const reopened = SqliteSearchIndex.open({ file });
    expect(reopened.fileState).toBe("corrupt");
    expect(reopened.size).toBe(0);
    await reopened.close();
  });

  it("rebuild replaces previous contents and drops tombstones", async () => {
    const index = await indexWith([doc({ id: "old", patientName: "Old Person" })]);
    await index.remove("gone", 9);
    expect(await index.rebuild([doc({ id: "gone", version: 1, patientName: "Back Again" })])).toBe(1);
    expect(ids(await index.search({ limit: 10 }))).toEqual(["gone"]);
    expect(ids(await index.search({ q: "old", limit: 10 }))).toEqual([]);
  });
});
