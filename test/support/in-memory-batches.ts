import { emptyCounts, type Batch, type BatchFile } from "../../shared/batches/batch";
import type { BatchStore, Page, UploadListing, UploadSigner } from "../../shared/batches/batch-store";
import { InvalidCursorError } from "../../shared/search/search-cursor";

/** Cursors name the listing they page (as the DynamoDB adapter's carry their partition key). */
const encode = (listing: string, offset: number) =>
  Buffer.from(`${listing}\n${offset}`).toString("base64url");
function decode(listing: string, cursor: string | undefined): number {
  if (!cursor) return 0;
  const [owner, offset] = Buffer.from(cursor, "base64url").toString().split("\n");
  if (owner !== listing || !/^\d+$/.test(offset ?? "")) throw new InvalidCursorError();
  return Number(offset);
}

/** Batches in memory, with the DynamoDB adapter's semantics: conditional file writes and counts moved with them. */
export class InMemoryBatchStore implements BatchStore {
  readonly batches = new Map<string, Batch>();
  readonly files = new Map<string, BatchFile>();
  private readonly key = (batchId: string, name: string) => `${batchId}\n${name}`;

  async get(id: string) {
    const b = this.batches.get(id);
    return b ? structuredClone(b) : undefined;
  }

  async create(batch: Batch, files: BatchFile[]) {
    const existing = this.batches.get(batch.id);
    if (existing) return { created: false, batch: structuredClone(existing) };
    this.batches.set(batch.id, structuredClone({ ...batch, counts: { ...emptyCounts(), ...batch.counts } }));
    for (const f of files) this.files.set(this.key(f.batchId, f.name), structuredClone(f));
    return { created: true, batch: structuredClone(batch) };
  }

  async getFile(batchId: string, name: string) {
    const f = this.files.get(this.key(batchId, name));
    return f ? structuredClone(f) : undefined;
  }

  async listFiles(batchId: string, opts: { limit: number; cursor?: string }): Promise<Page<BatchFile>> {
    const all = [...this.files.values()]
      .filter((f) => f.batchId === batchId)
      .sort((a, b) => (a.name < b.name ? -1 : 1));
    const start = decode(batchId, opts.cursor);
    const items = all.slice(start, start + opts.limit).map((f) => structuredClone(f));
    const more = start + opts.limit < all.length;
    return { items, ...(more ? { nextCursor: encode(batchId, start + opts.limit) } : {}) };
  }

  async listByVendor(vendor: string, opts: { limit: number; cursor?: string }): Promise<Page<Batch>> {
    const all = [...this.batches.values()]
      .filter((b) => b.vendor === vendor)
      .sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1));
    const start = decode(vendor, opts.cursor);
    const items = all.slice(start, start + opts.limit).map((b) => structuredClone(b));
    const more = start + opts.limit < all.length;
    return { items, ...(more ? { nextCursor: encode(vendor, start + opts.limit) } : {}) };
  }

  async replaceFile(next: BatchFile, previous: BatchFile | undefined) {
    const k = this.key(next.batchId, next.name);
    const current = this.files.get(k);
    if (previous ? current?.rev !== previous.rev : current !== undefined) return false;
    const batch = this.batches.get(next.batchId);
    if (!batch) return false;
    this.files.set(k, structuredClone({ ...next, rev: (previous?.rev ?? 0) + 1 }));
    if (previous) batch.counts[previous.state] -= 1;
    batch.counts[next.state] += 1;
    if (!previous && !next.expected) batch.unexpectedFiles += 1;
    batch.updatedAt = next.updatedAt;
    return true;
  }

  async close(id: string, now: string) {
    const b = this.batches.get(id);
    if (b?.status === "OPEN") Object.assign(b, { status: "CLOSED", closedAt: now, updatedAt: now });
    return this.get(id);
  }

  async complete(id: string, now: string) {
    const b = this.batches.get(id);
    if (b?.status !== "CLOSED" || b.counts.PROCESSING !== 0) return false;
    Object.assign(b, { status: "COMPLETED", completedAt: now, updatedAt: now });
    return true;
  }

  async listUnfinished(closedBefore: string, limit: number) {
    return [...this.batches.values()]
      .filter((b) => b.status === "CLOSED" && (b.closedAt ?? "") < closedBefore)
      .slice(0, limit)
      .map((b) => b.id);
  }

  async listDue(before: string, limit: number) {
    return [...this.batches.values()]
      .filter((b) => b.status === "OPEN" && b.closesAt < before)
      .sort((a, b) => (a.closesAt < b.closesAt ? -1 : 1))
      .slice(0, limit)
      .map((b) => b.id);
  }
}

/** Presigned PUTs that name the key and checksum, without signing anything. */
export const fakeSigner: UploadSigner = {
  async presignPut(key, opts) {
    return {
      method: "PUT",
      url: `https://scans.example/${encodeURI(key)}?expires=${opts.expiresInSeconds}`,
      headers: { "x-amz-checksum-sha256": Buffer.from(opts.sha256Hex, "hex").toString("base64") },
    };
  },
};

/** The keys of an in-memory bucket under a prefix. */
export function listingOf(keys: () => Iterable<string>): UploadListing {
  return {
    async *listKeys(prefix) {
      for (const k of keys()) if (k.startsWith(prefix)) yield k;
    },
  };
}
