/**
 * The pipeline's use cases (ingest → OCR completion → indexing) over in-memory ports: what a vendor's upload
 * becomes, without any AWS client. The same steps run over the SDK-mocked adapters in test/unit/handlers.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { TextractBlock } from "../../../shared/ocr/textract-blocks";
import { completeOcr } from "../../../shared/pipeline/complete-ocr";
import { indexRecordChange } from "../../../shared/pipeline/index-record";
import { ingestUpload } from "../../../shared/pipeline/ingest-upload";
import type { PipelineDeps } from "../../../shared/pipeline/pipeline-deps";
import {
  InMemoryObjectStore,
  InMemoryOcrEngine,
  InMemoryRecordStore,
  InMemorySearchIndex,
  RecordingLogger,
} from "../../support/in-memory-ports";
import { InMemoryBatchStore } from "../../support/in-memory-batches";
import { TINY_PNG } from "../handlers/fakes";

const intakeForm = JSON.parse(
  readFileSync(new URL("../../fixtures/textract/patient_intake_form_sample.json", import.meta.url), "utf8"),
) as { Blocks: TextractBlock[] };

function pipeline(ocrResult: (key: string) => TextractBlock[] | "FAILED" = () => intakeForm.Blocks) {
  const records = new InMemoryRecordStore();
  const objects = new InMemoryObjectStore();
  const ocr = new InMemoryOcrEngine((request) => ocrResult(request.key));
  const search = new InMemorySearchIndex();
  const logger = new RecordingLogger();
  let clock = 0;
  const deps: PipelineDeps = {
    records,
    batches: new InMemoryBatchStore(),
    objects,
    ocr,
    search,
    logger,
    resultsBucket: "results",
    ocrFeatures: "forms",
    reviewThreshold: 0.8,
    now: () => new Date(Date.UTC(2026, 11, 3, 8, 0, clock++)).toISOString(),
  };
  /** Uploads, ingests, delivers OCR completions and indexes every record change, as the stack would. */
  const upload = async (key: string, bytes: Uint8Array = TINY_PNG) => {
    const versionId = objects.put("uploads", key, bytes, "image/png");
    const outcome = await ingestUpload({ bucket: "uploads", key, versionId }, deps);
    for (const notification of ocr.deliver()) await completeOcr(notification, deps);
    const record = await records.get(outcome.documentId);
    if (record) await indexRecordChange({ kind: "upsert", record }, deps);
    return { outcome, versionId, record: await records.get(outcome.documentId) };
  };
  return { deps, records, objects, ocr, search, logger, upload };
}

describe("pipeline over in-memory ports", () => {
  it("takes an upload to a record with fields, in the search index", async () => {
    const { upload, search } = pipeline();
    const { record } = await upload("acme/box-1/intake.png");
    expect(record?.status).toMatch(/^(INDEXED|NEEDS_REVIEW)$/);
    expect(record?.fields.patientName?.value?.toLowerCase()).toBe("alejandro rosalez");
    expect(search.docs.get(record!.id)?.patientName?.toLowerCase()).toBe("alejandro rosalez");
  });

  it("files the same bytes under another key as a DUPLICATE of the first record", async () => {
    const { upload } = pipeline();
    const first = await upload("acme/box-1/intake.png");
    const again = await upload("acme/box-2/intake-copy.png");
    expect(again.record?.status).toBe("DUPLICATE");
    expect(again.record?.duplicateOf).toBe(first.record?.id);
  });

  it("does nothing for a redelivered upload event", async () => {
    const { upload, deps, ocr } = pipeline();
    const { record, versionId } = await upload("acme/box-1/intake.png");
    const redelivered = await ingestUpload(
      { bucket: "uploads", key: "acme/box-1/intake.png", versionId },
      deps,
    );
    expect(redelivered).toEqual({ documentId: record!.id, status: "UNCHANGED" });
    expect(ocr.started).toHaveLength(1);
  });

  it("keeps reading the version a record registered after the key is uploaded again", async () => {
    const { upload, objects } = pipeline();
    const first = await upload("acme/box-1/chart.png");
    const other = Buffer.concat([TINY_PNG, Buffer.from("another patient's scan")]);
    const second = await upload("acme/box-1/chart.png", other);
    expect(second.record?.id).not.toBe(first.record?.id);
    const { bucket, key, versionId } = first.record!.source;
    expect(await objects.getBytes(bucket, key, versionId)).toEqual(TINY_PNG);
  });

  it("marks the record FAILED with a reason when the OCR job fails", async () => {
    const { upload } = pipeline(() => "FAILED");
    const { record } = await upload("acme/box-1/intake.png");
    expect(record?.status).toBe("FAILED");
    expect(record?.statusReason).toBeTruthy();
  });

  it("logs ids and statuses, never the object key", async () => {
    const { upload, logger } = pipeline();
    await upload("acme/box-1/Santos-Paulo-DOB-1990.png");
    expect(logger.entries.length).toBeGreaterThan(0);
    expect(JSON.stringify(logger.entries)).not.toMatch(/Santos|Paulo|1990/);
  });
});
