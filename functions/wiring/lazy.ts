import type { SearchIndex } from "../../shared/search/search-index";

/** Defers building an adapter until first use, so a function that never calls OCR never configures it. */
export function lazy<T extends object>(build: () => T): T {
  let instance: T | undefined;
  return new Proxy({} as T, {
    get(_target, prop) {
      instance ??= build();
      const value = Reflect.get(instance, prop, instance);
      return typeof value === "function" ? value.bind(instance) : value;
    },
  });
}

/**
 * A search index whose module is imported on first use (`load` wraps an `await import()`), so a function
 * evaluates the OpenSearch client only when a request needs it. A failed load is retried on the next call.
 */
export function lazySearchIndex(name: string, load: () => Promise<SearchIndex>): SearchIndex {
  let index: Promise<SearchIndex> | undefined;
  const get = () =>
    (index ??= load().catch((err: unknown) => {
      index = undefined;
      throw err;
    }));
  return {
    name,
    upsert: async (doc) => (await get()).upsert(doc),
    remove: async (id, version) => (await get()).remove(id, version),
    search: async (query) => (await get()).search(query),
  };
}
