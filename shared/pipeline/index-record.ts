import { transition, type ChartRecord } from "../domain/chart-record";
import { VersionConflictError } from "../errors";
import { toSearchDocument } from "../search/to-search-document";
import type { IndexerDeps } from "./pipeline-deps";

export type RecordChange =
  { kind: "upsert"; record: ChartRecord } | { kind: "remove"; id: string; lastVersion: number };

/**
 * Mirrors one record change into the search index, idempotent by record version. A record that has just
 * been EXTRACTED then moves to INDEXED; that write comes back through the stream as an INDEXED record,
 * which is indexed (its status changed) but triggers no further write, so there is no loop.
 */
export async function indexRecordChange(
  change: RecordChange,
  deps: IndexerDeps,
): Promise<"applied" | "stale"> {
  if (change.kind === "remove") return deps.search.remove(change.id, change.lastVersion + 1);

  const { record } = change;
  const text =
    record.ocr?.textKey && record.ocr.resultBucket
      ? await deps.objects.getText(record.ocr.resultBucket, record.ocr.textKey)
      : "";
  const result = await deps.search.upsert(toSearchDocument(record, text));

  if (record.status === "EXTRACTED") {
    try {
      await deps.records.save(transition(record, "INDEXED", { now: deps.now() }));
    } catch (err) {
      // A newer version exists; its own stream event will be indexed.
      if (!(err instanceof VersionConflictError)) throw err;
    }
  }
  return result;
}
