/**
 * A vendor's batch over in-memory ports: manifest → uploads → the pipeline → per-file outcomes → close →
 * MISSING entries and completion. The stream's deliveries are played by tracking every record after each step,
 * repeated and out of order where it matters.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { batchIdFor, visibleCounts } from "../../../shared/batches/batch";
import { closeBatch, closeDueBatches } from "../../../shared/batches/close-batch";
import { createBatch, uploadTargets } from "../../../shared/batches/create-batch";
import { BatchClosedError, BatchConflictError } from "../../../shared/batches/errors";
import { CreateBatchSchema } from "../../../shared/batches/manifest";
import { retrackUnfinishedBatches } from "../../../shared/batches/retrack-batch-files";
import { trackBatchFile } from "../../../shared/batches/track-batch-file";
import type { ChartRecord } from "../../../shared/domain/chart-record";
import type { TextractBlock } from "../../../shared/ocr/textract-blocks";
import { completeOcr } from "../../../shared/pipeline/complete-ocr";
import { ingestUpload } from "../../../shared/pipeline/ingest-upload";
import { fakeSigner, InMemoryBatchStore, listingOf } from "../../support/in-memory-batches";
import {
  InMemoryObjectStore,
  InMemoryOcrEngine,
  InMemoryRecordStore,
  RecordingLogger,
  TestClock,
} from "../../support/in-memory-ports";
import { pngVariant } from "../../support/png-variants";

const intakeForm = JSON.parse(
  readFileSync(new URL("../../fixtures/textract/patient_intake_form_sample.json", import.meta.url), "utf8"),
) as { Blocks: TextractBlock[] };

const png = (label: string) => pngVariant(label);

const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
const VENDOR = { vendor: "acme", sub: "vendor-user" };

function harness() {
  const clock = new TestClock();
  const records = new InMemoryRecordStore();
  const objects = new InMemoryObjectStore();
  const batches = new InMemoryBatchStore();
  const ocr = new InMemoryOcrEngine(() => intakeForm.Blocks);
  const logger = new RecordingLogger();
  const deps = {
    records,
    objects,
    batches,
    ocr,
    logger,
    resultsBucket: "results",
    ocrFeatures: "forms" as const,
    reviewThreshold: 0.8,
    now: () => {
      clock.advance(1000);
      return clock.now();
    },
    signer: fakeSigner,
    listing: listingOf(() => objects.keys("uploads")),
  };
  /** Every record as the stream would deliver it (each one, whatever changed). */
  const allRecords = async () =>
    (await Promise.all([...records.records.keys()].map((id) => records.get(id)))).filter(
      (r): r is ChartRecord => r !== undefined,
    );
  const streamAll = async () => {
    for (const record of await allRecords()) await trackBatchFile(record, deps);
  };
  /** Puts the bytes in the bucket only: the upload event is still queued. */
  const put = (key: string, bytes: Uint8Array) => objects.put("uploads", key, bytes, "image/png");
  /** An upload through the pipeline, with the stream delivered after each step. */
  const upload = async (key: string, bytes: Uint8Array) => {
    const versionId = put(key, bytes);
    const outcome = await ingestUpload({ bucket: "uploads", key, versionId }, deps);
    await streamAll();
    for (const n of ocr.deliver()) await completeOcr(n, deps);
    await streamAll();
    return records.get(outcome.documentId);
  };
  const fileOf = async (batchId: string, name: string) => (await batches.getFile(batchId, name))!;
  return { deps, batches, records, upload, put, streamAll, fileOf, allRecords, clock, ocr };
}

const manifest = (files: Record<string, Buffer>, extra: Record<string, unknown> = {}) =>
  CreateBatchSchema.parse({
    ...extra,
    files: Object.entries(files).map(([name, bytes]) => ({
      name,
      size: bytes.length,
      sha256: sha256(bytes),
    })),
  });

describe("vendor batches", () => {
  it("accounts for every manifest entry: processed, corrupted, unexpected and missing", async () => {
    const h = harness();
    const files = { "box-1/a.png": png("a"), "box-1/b.png": png("b"), "box-1/c.png": png("c") };
    const { batch, created, targets } = await createBatch(manifest(files, { name: "b1" }), VENDOR, h.deps);
    expect(created).toBe(true);
    expect(batch.id).toBe(batchIdFor("acme", "b1"));
    expect(targets.map((t) => t.name)).toEqual(Object.keys(files));
    expect(targets[0]!.url).toContain("acme/b1/box-1/a.png");

    await h.upload("acme/b1/box-1/a.png", files["box-1/a.png"]);
    // b.png arrives with other bytes than declared (corrupted on the way).
    const corrupted = await h.upload("acme/b1/box-1/b.png", png("b-corrupted"));
    expect(corrupted?.status).toBe("REJECTED");
    expect(corrupted?.statusReason).toBe("CHECKSUM_MISMATCH");
    // Not in the manifest: processed, and flagged.
    const extra = await h.upload("acme/b1/box-1/extra.png", png("extra"));
    expect(extra?.status).toMatch(/^(EXTRACTED|NEEDS_REVIEW|INDEXED)$/);

    const a = await h.fileOf(batch.id, "box-1/a.png");
    expect(a.state).toMatch(/^(PROCESSING|NEEDS_REVIEW)$/); // EXTRACTED is indexed by the indexer, not here
    expect((await h.fileOf(batch.id, "box-1/b.png")).reasonCode).toBe("CHECKSUM_MISMATCH");
    const unexpected = await h.fileOf(batch.id, "box-1/extra.png");
    expect(unexpected.expected).toBe(false);
    expect(unexpected.recordIds).toEqual([extra!.id]);

    const open = (await h.batches.get(batch.id))!;
    expect(open.unexpectedFiles).toBe(1);
    expect(visibleCounts(open).AWAITING_UPLOAD).toBe(1);
    expect(visibleCounts(open).REJECTED).toBe(1);
    expect(visibleCounts(open).MISSING).toBe(0);

    const closed = await closeBatch(open, h.deps);
    expect(closed.status).not.toBe("OPEN");
    expect(visibleCounts(closed).MISSING).toBe(1);
    expect(visibleCounts(closed).AWAITING_UPLOAD).toBe(0);
    const total = Object.values(visibleCounts(closed)).reduce((s, n) => s + n, 0);
    expect(total).toBe(4); // three declared + one unexpected: every file counted once
  });

  it("completes a closed batch when its last file reaches a final state, and only then", async () => {
    const h = harness();
    const files = { "a.png": png("a"), "b.png": png("b") };
    const { batch } = await createBatch(manifest(files, { name: "b2" }), VENDOR, h.deps);
    await h.upload("acme/b2/a.png", files["a.png"]);
    // b.png is in the bucket but its event is still queued when the vendor closes the batch.
    h.put("acme/b2/b.png", files["b.png"]);
    const closed = await closeBatch((await h.batches.get(batch.id))!, h.deps);
    expect(closed.status).toBe("CLOSED");
    expect(visibleCounts(closed).MISSING).toBe(0);
    expect((await h.fileOf(batch.id, "b.png")).state).toBe("PROCESSING");

    // Records are moved on to a final state (here: by making them final directly, as indexing would).
    for (const record of await h.allRecords()) {
      if (record.status !== "EXTRACTED") continue;
      await h.records.save({ ...record, status: "INDEXED", version: record.version + 1 });
    }
    await h.streamAll();
    expect((await h.batches.get(batch.id))!.status).toBe("CLOSED"); // b.png not ingested yet
    const b = await ingestUpload({ bucket: "uploads", key: "acme/b2/b.png" }, h.deps);
    expect(b.status).toBeDefined();
    for (const n of h.deps.ocr.deliver()) await completeOcr(n, h.deps);
    for (const record of await h.allRecords())
      if (record.status === "EXTRACTED")
        await h.records.save({ ...record, status: "INDEXED", version: record.version + 1 });
    await h.streamAll();
    const done = (await h.batches.get(batch.id))!;
    expect(done.status).toBe("COMPLETED");
    expect(done.counts.PROCESSING).toBe(0);
  });

  it("counts each file once however often and in whatever order the stream delivers", async () => {
    const h = harness();
    const files = { "a.png": png("a") };
    const { batch } = await createBatch(manifest(files, { name: "b3" }), VENDOR, h.deps);
    const record = (await h.upload("acme/b3/a.png", files["a.png"]))!;
    const latest = (await h.fileOf(batch.id, "a.png")).state;
    // An older version of the record delivered late, then the current one again, twice.
    const older: ChartRecord = { ...record, status: "OCR_PENDING", version: 1 };
    expect(await trackBatchFile(older, h.deps)).toBe("stale");
    expect(await trackBatchFile(record, h.deps)).toBe("stale");
    await h.streamAll();
    await h.streamAll();
    const after = (await h.batches.get(batch.id))!;
    expect((await h.fileOf(batch.id, "a.png")).state).toBe(latest);
    expect(Object.values(after.counts).reduce((s, n) => s + n, 0)).toBe(1);
  });

  it("lets a vendor replace a corrupted upload; the same bytes again do not hide the first outcome", async () => {
    const h = harness();
    const files = { "a.png": png("a") };
    const { batch } = await createBatch(manifest(files, { name: "b4" }), VENDOR, h.deps);
    await h.upload("acme/b4/a.png", png("not-a"));
    expect((await h.fileOf(batch.id, "a.png")).reasonCode).toBe("CHECKSUM_MISMATCH");
    const fixed = await h.upload("acme/b4/a.png", files["a.png"]);
    const file = await h.fileOf(batch.id, "a.png");
    expect(file.documentId).toBe(fixed!.id);
    expect(file.reasonCode).not.toBe("CHECKSUM_MISMATCH");
    // Uploading the same bytes once more (a resumed upload that did not know) files a DUPLICATE record …
    const again = await h.upload("acme/b4/a.png", files["a.png"]);
    expect(again?.status).toBe("DUPLICATE");
    // … and the file keeps the outcome of the real one.
    expect((await h.fileOf(batch.id, "a.png")).documentId).toBe(fixed!.id);
    expect((await h.batches.get(batch.id))!.counts.REJECTED).toBe(0);
  });

  it("returns the same batch for the same name and manifest, and refuses another manifest under that name", async () => {
    const h = harness();
    const files = { "a.png": png("a") };
    const first = await createBatch(manifest(files, { name: "b5" }), VENDOR, h.deps);
    const again = await createBatch(manifest(files, { name: "b5" }), VENDOR, h.deps);
    expect(again.created).toBe(false);
    expect(again.batch.id).toBe(first.batch.id);
    await expect(
      createBatch(manifest({ "b.png": png("b") }, { name: "b5" }), VENDOR, h.deps),
    ).rejects.toThrow(BatchConflictError);
    // Another vendor's batch of the same name is another batch.
    const other = await createBatch(manifest(files, { name: "b5" }), { vendor: "zenith", sub: "z" }, h.deps);
    expect(other.batch.id).not.toBe(first.batch.id);
  });

  it("hands out targets only for manifest entries of an open batch", async () => {
    const h = harness();
    const files = { "a.png": png("a"), "b.png": png("b") };
    const { batch } = await createBatch(manifest(files, { name: "b6" }), VENDOR, h.deps);
    const { targets, unknown } = await uploadTargets(batch, ["b.png", "not-listed.png", "a.png"], h.deps);
    expect(targets.map((t) => t.name)).toEqual(["b.png", "a.png"]);
    expect(unknown).toEqual([1]);
    const closed = await closeBatch(batch, h.deps);
    await expect(uploadTargets(closed, ["a.png"], h.deps)).rejects.toThrow(BatchClosedError);
  });

  it("closes batches whose deadline passed, marking what never came MISSING", async () => {
    const h = harness();
    const { batch } = await createBatch(
      manifest({ "a.png": png("a") }, { name: "b7", closesInHours: 1 }),
      VENDOR,
      h.deps,
    );
    expect(await closeDueBatches(h.deps)).toBe(0);
    (h.deps as { now: () => string }).now = () =>
      new Date(Date.parse(batch.createdAt) + 2 * 3_600_000).toISOString();
    expect(await closeDueBatches(h.deps)).toBe(1);
    const done = (await h.batches.get(batch.id))!;
    expect(done.status).toBe("COMPLETED");
    expect(visibleCounts(done).MISSING).toBe(1);
  });
});

describe("the safety net under the stream", () => {
  it("completes a closed batch whose file's last stream update was dropped, once it has been closed a while", async () => {
    const h = harness();
    const bytes = png("dropped");
    const { batch } = await createBatch(manifest({ "a.png": bytes }, { name: "dropped" }), VENDOR, h.deps);
    const key = "acme/dropped/a.png";
    const versionId = h.put(key, bytes);
    await ingestUpload({ bucket: "uploads", key, versionId }, h.deps);
    await h.streamAll(); // the file is PROCESSING, with its record
    for (const n of h.ocr.deliver()) await completeOcr(n, h.deps);
    // The indexer files it (INDEXED, or it stays NEEDS_REVIEW): final now, and its stream update is lost.
    for (const record of await h.allRecords())
      if (record.status === "EXTRACTED")
        await h.records.save({ ...record, status: "INDEXED", version: record.version + 1 });
    const final = (await h.allRecords())[0]!.status;
    expect(final).toMatch(/^(INDEXED|NEEDS_REVIEW)$/);
    await closeBatch((await h.batches.get(batch.id))!, h.deps);
    expect(await h.batches.get(batch.id)).toMatchObject({ status: "CLOSED" });
    expect((await h.fileOf(batch.id, "a.png")).state).toBe("PROCESSING");

    // Just closed: the stream may still be on its way.
    expect(await retrackUnfinishedBatches(h.deps)).toBe(0);
    h.clock.advance(61 * 60_000);
    expect(await retrackUnfinishedBatches(h.deps)).toBe(1);
    expect((await h.fileOf(batch.id, "a.png")).state).toBe(final);
    expect(await h.batches.get(batch.id)).toMatchObject({ status: "COMPLETED" });
    // Completed batches are left alone.
    expect(await retrackUnfinishedBatches(h.deps)).toBe(0);
  });

  it("completes a closed batch whose files are all final but whose completion was lost", async () => {
    const h = harness();
    const bytes = png("lost-completion");
    const { batch } = await createBatch(manifest({ "a.png": bytes }, { name: "lost" }), VENDOR, h.deps);
    await h.upload("acme/lost/a.png", bytes);
    for (const record of await h.allRecords())
      if (record.status === "EXTRACTED")
        await h.records.save({ ...record, status: "INDEXED", version: record.version + 1 });
    await h.streamAll();
    await h.batches.close(batch.id, h.deps.now()); // closed, but the completion after it never ran
    expect(await h.batches.get(batch.id)).toMatchObject({ status: "CLOSED" });
    h.clock.advance(61 * 60_000);
    expect(await retrackUnfinishedBatches(h.deps)).toBe(0); // no file needed catching up
    expect(await h.batches.get(batch.id)).toMatchObject({ status: "COMPLETED" });
  });
});
