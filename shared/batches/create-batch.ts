import { randomBytes } from "node:crypto";
import { batchIdFor, batchObjectKey, emptyCounts, type Batch, type BatchFile } from "./batch";
import type { UploadTarget } from "./batch-store";
import type { BatchDeps } from "./batch-deps";
import { BatchClosedError, BatchConflictError } from "./errors";
import { manifestSha256, type CreateBatchRequest } from "./manifest";

/** Presigned PUTs live this long: enough to start a 500 MB upload, short enough to be useless if leaked. */
export const UPLOAD_TARGET_SECONDS = 15 * 60;
/** Targets per answer: a 50,000-file manifest's URLs would not fit one response, and would expire unused. */
export const MAX_TARGETS_PER_REQUEST = 100;

export interface CreatedBatch {
  batch: Batch;
  /** False when the same vendor created the same batch (name and manifest) before: a resumed upload. */
  created: boolean;
  /** Targets for the first entries still awaiting upload; ask for the rest with `uploadTargets`. */
  targets: UploadTarget[];
}

/**
 * Creates a vendor's batch from a validated manifest. Creating it again with the same name and manifest
 * returns the same batch (the CLI resumes that way); the same name with another manifest is a conflict.
 */
export async function createBatch(
  request: CreateBatchRequest,
  caller: { vendor: string; sub: string },
  deps: Pick<BatchDeps, "batches" | "signer" | "now">,
): Promise<CreatedBatch> {
  const now = deps.now();
  const name = request.name ?? defaultBatchName(now);
  const id = batchIdFor(caller.vendor, name);
  const digest = manifestSha256(request.files);
  const counts = emptyCounts();
  counts.AWAITING_UPLOAD = request.files.length;
  const batch: Batch = {
    id,
    vendor: caller.vendor,
    name,
    ...(request.reference ? { reference: request.reference } : {}),
    status: "OPEN",
    manifestSha256: digest,
    expectedFiles: request.files.length,
    unexpectedFiles: 0,
    expectedBytes: request.files.reduce((sum, f) => sum + f.size, 0),
    counts,
    createdBy: caller.sub,
    createdAt: now,
    closesAt: new Date(Date.parse(now) + request.closesInHours * 3_600_000).toISOString(),
    updatedAt: now,
  };
  const files: BatchFile[] = request.files.map((entry) => ({
    batchId: id,
    name: entry.name,
    expected: true,
    size: entry.size,
    sha256: entry.sha256,
    ...(entry.pages !== undefined ? { pages: entry.pages } : {}),
    ...(entry.reference ? { reference: entry.reference } : {}),
    state: "AWAITING_UPLOAD",
    recordIds: [],
    updatedAt: now,
    rev: 0,
  }));
  const stored = await deps.batches.create(batch, files);
  if (!stored.created && stored.batch.manifestSha256 !== digest) throw new BatchConflictError();
  const first = files.slice(0, MAX_TARGETS_PER_REQUEST);
  const targets = stored.batch.status === "OPEN" ? await signTargets(stored.batch, first, deps) : [];
  return { batch: stored.batch, created: stored.created, targets };
}

/**
 * Upload targets for named manifest entries of an open batch. Names are checked against the manifest; the
 * caller learns which position was refused, never the name back.
 */
export async function uploadTargets(
  batch: Batch,
  names: readonly string[],
  deps: Pick<BatchDeps, "batches" | "signer" | "now">,
): Promise<{ targets: UploadTarget[]; unknown: number[] }> {
  if (batch.status !== "OPEN") throw new BatchClosedError();
  const files = await Promise.all(names.map((n) => deps.batches.getFile(batch.id, n)));
  const unknown = files.flatMap((f, i) => (f?.expected ? [] : [i]));
  const known = files.filter((f): f is BatchFile => f?.expected === true);
  return { targets: await signTargets(batch, known, deps), unknown };
}

async function signTargets(
  batch: Batch,
  files: readonly Pick<BatchFile, "name" | "sha256" | "size">[],
  deps: Pick<BatchDeps, "signer" | "now">,
): Promise<UploadTarget[]> {
  const expiresAt = new Date(Date.parse(deps.now()) + UPLOAD_TARGET_SECONDS * 1000).toISOString();
  return Promise.all(
    files.map(async (file) => ({
      name: file.name,
      ...(await deps.signer.presignPut(batchObjectKey(batch.vendor, batch.name, file.name), {
        sha256Hex: file.sha256!,
        size: file.size!,
        expiresInSeconds: UPLOAD_TARGET_SECONDS,
      })),
      expiresAt,
    })),
  );
}

/** `20261204-051733-3f9a`: sortable, and unique enough for one vendor's deliveries. */
function defaultBatchName(now: string): string {
  const stamp = now.slice(0, 19).replace(/[-:]/g, "").replace("T", "-");
  return `${stamp}-${randomBytes(2).toString("hex")}`;
}
