import { describe, expect, it, vi } from "vitest";
import { lazySearchIndex } from "../../../functions/wiring/lazy";
import type { SearchIndex } from "../../../shared/search/search-index";
import { countFacets } from "../../../shared/search/facets";

function fakeIndex(): SearchIndex {
  return {
    name: "fake",
    upsert: vi.fn(async () => "applied" as const),
    remove: vi.fn(async () => "stale" as const),
    search: vi.fn(async () => ({ total: 0, hits: [], facets: countFacets([]) })),
  };
}

describe("lazySearchIndex", () => {
  it("loads the index on the first call only, then delegates every method", async () => {
    const index = fakeIndex();
    const load = vi.fn(async () => index);
    const lazy = lazySearchIndex("opensearch", load);
    expect(lazy.name).toBe("opensearch");
    expect(load).not.toHaveBeenCalled();

    const query = { limit: 5, q: "x" } as Parameters<SearchIndex["search"]>[0];
    await expect(lazy.search(query)).resolves.toEqual({ total: 0, hits: [], facets: countFacets([]) });
    await expect(lazy.remove("doc_1", 3)).resolves.toBe("stale");
    await expect(lazy.upsert({ id: "doc_1" } as never)).resolves.toBe("applied");
    expect(load).toHaveBeenCalledTimes(1);
    expect(index.search).toHaveBeenCalledWith(query);
    expect(index.remove).toHaveBeenCalledWith("doc_1", 3);
  });

  it("loads once for concurrent first calls and retries a failed load on the next call", async () => {
    const index = fakeIndex();
    const load = vi.fn().mockRejectedValueOnce(new Error("import failed")).mockResolvedValue(index);
    const lazy = lazySearchIndex("opensearch", load);
    await expect(lazy.remove("doc_1", 1)).rejects.toThrow("import failed");
    await Promise.all([lazy.remove("doc_1", 1), lazy.remove("doc_2", 1)]);
    expect(load).toHaveBeenCalledTimes(2);
    expect(index.remove).toHaveBeenCalledTimes(2);
  });
});
