import { batchFileOfKey, batchIdFor } from "./batch";
import type { BatchStore } from "./batch-store";

export type ManifestVerdict =
  /** The key is not under a batch anyone created, or the file is not in its manifest (UNEXPECTED). */
  { kind: "unlisted" } | { kind: "match" } | { kind: "mismatch"; detail: "size" | "sha256" };

/** Whether an upload's bytes are the ones its batch manifest declares for its name. */
export async function checkAgainstManifest(
  key: string,
  received: { sha256: string; size: number },
  batches: Pick<BatchStore, "getFile">,
): Promise<ManifestVerdict> {
  const where = batchFileOfKey(key);
  if (!where) return { kind: "unlisted" };
  const entry = await batches.getFile(batchIdFor(where.vendor, where.batchName), where.fileName);
  if (!entry?.expected || entry.sha256 === undefined) return { kind: "unlisted" };
  if (entry.size !== undefined && entry.size !== received.size) return { kind: "mismatch", detail: "size" };
  if (entry.sha256 !== received.sha256) return { kind: "mismatch", detail: "sha256" };
  return { kind: "match" };
}
