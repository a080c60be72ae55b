import { describe, expect, it } from "vitest";
import { SqliteSearchIndex } from "../../../shared/adapters/sqlite-search/sqlite-search-index";
import { buildSearchRequest } from "../../../shared/adapters/opensearch/build-search-request";
import { toIndexedDocument } from "../../../shared/adapters/opensearch/opensearch-search-index";
import { newRecord, type ChartRecord } from "../../../shared/domain/chart-record";
import { toSearchDocument } from "../../../shared/search/to-search-document";

/** The same MRN as a chart prints it, as a clerk types it, and bare. */
const SAME_MRN = ["MRN-004512", "mrn 004512", "004512"];

function recordWithMrn(mrn: string, n = 1): ChartRecord {
  const record = newRecord({
    id: `doc_${String(n).padStart(32, "0")}`,
    sha256: "ab".repeat(32),
    source: { bucket: "uploads", key: "k", size: 1 },
    now: "2026-12-01T00:00:00.000Z",
  });
  return {
    ...record,
    status: "INDEXED",
    fields: {
      mrn: { value: mrn, confidence: 0.99, page: 1, bbox: { left: 0, top: 0, width: 0, height: 0 } },
    },
  };
}

/** The key OpenSearch stores for a record, and the one its search request filters on. */
function openSearchKeys(stored: string, searched: string): [unknown, unknown] {
  const indexed = toIndexedDocument(toSearchDocument(recordWithMrn(stored)));
  const request = buildSearchRequest({ mrn: searched, limit: 20 });
  const filter = "bool" in request.query ? request.query.bool.filter : undefined;
  return [indexed.mrnKey, (filter?.[0] as { term: { mrnKey: string } }).term.mrnKey];
}

async function embeddedFinds(stored: string, searched: string): Promise<boolean> {
  const index = SqliteSearchIndex.inMemory();
  await index.upsert(toSearchDocument(recordWithMrn(stored)));
  return (await index.search({ mrn: searched, limit: 20 })).total === 1;
}

const pairs = SAME_MRN.flatMap((stored) => SAME_MRN.map((searched) => [stored, searched] as const));

// The records table keeps no MRN key: every MRN lookup goes to the search index (either engine).
describe("one MRN key in both search engines", () => {
  it.each(pairs)("a record with MRN %j is found by %j in OpenSearch", (stored, searched) => {
    const [indexed, filtered] = openSearchKeys(stored, searched);
    expect(indexed).toBe("004512");
    expect(filtered).toBe(indexed);
  });

  it.each(pairs)("a record with MRN %j is found by %j in the embedded index", async (stored, searched) => {
    expect(await embeddedFinds(stored, searched)).toBe(true);
  });

  it("keeps leading zeros in every engine: 4512 is not 004512", async () => {
    const [indexed, filtered] = openSearchKeys("MRN-004512", "4512");
    expect(filtered).not.toBe(indexed);
    expect(await embeddedFinds("MRN-004512", "4512")).toBe(false);
  });

  it("indexes no MRN key for an MRN with no letters or digits", () => {
    expect(toIndexedDocument(toSearchDocument(recordWithMrn(" - ")))).not.toHaveProperty("mrnKey");
  });
});
