import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { describe, expect, inject, it } from "vitest";
import { createDocumentClient } from "../../shared/adapters/dynamodb/dynamodb-client";
import { RecordRepository } from "../../shared/adapters/dynamodb/record-repository";
import { S3ObjectStore } from "../../shared/adapters/s3/object-store";
import { createS3Client } from "../../shared/adapters/s3/s3-client";
import { newRecord, transition } from "../../shared/domain/chart-record";
import { completeOcr } from "../../shared/pipeline/complete-ocr";
import { InMemoryOcrEngine, inMemoryDeps } from "../support/in-memory-ports";
import { buildDoc, page } from "../unit/extraction/build-blocks";

const PAGES = 3_000;

/** A visit note as a long chart repeats it: the same medication list and problem list on every page. */
const visitNote = (n: number) =>
  page(
    ...(n === 1 ? ["Patient Name: Jane Q Sample   DOB: 03/14/1962   MRN: 00123456"] : []),
    `Progress note, visit ${n}   Date of Service: 11/02/2023`,
    "MEDICATIONS:",
    "- Lisinopril 20 mg PO daily",
    "- Metformin 1000 mg PO twice daily with meals",
    "- Atorvastatin 40 mg PO nightly",
    "- Aspirin 81 mg PO daily",
    "ALLERGIES: Penicillin (rash)",
    "ASSESSMENT:",
    "1. Essential hypertension, controlled (I10)",
    "2. Type 2 diabetes mellitus without complications (E11.9)",
    "PLAN:",
    "Continue current medications.",
  );

/**
 * A 3,000-page chart's record saved in DynamoDB Local (issue 12, large files): listing every page's repeated
 * medications made the item larger than DynamoDB's 400 KB, and the chart ended FAILED at the save step.
 */
describe("a 3,000-page chart's record (DynamoDB Local)", () => {
  const client = new DynamoDBClient({
    endpoint: inject("dynamoDbEndpoint"),
    region: "us-east-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
  const records = new RecordRepository(createDocumentClient(client), inject("tableName"));

  it("is saved with its lists once each, not FAILED", { timeout: 60_000 }, async () => {
    const blocks = buildDoc(Array.from({ length: PAGES }, (_, i) => visitNote(i + 1))).Blocks;
    const ocr = new InMemoryOcrEngine(() => blocks);
    // The stack's own results bucket: the running stack indexes the saved record and reads its text there.
    const deps = {
      ...inMemoryDeps(ocr).deps,
      objects: new S3ObjectStore(
        createS3Client({ AWS_REGION: "us-east-1", S3_ENDPOINT: inject("s3Endpoint") }),
      ),
      resultsBucket: inject("resultsBucket"),
    };
    const id = "doc_1a26e000000000000000000000000001";
    const received = newRecord({
      id,
      sha256: "1a26e".padEnd(64, "0"),
      now: deps.now(),
      fileType: "pdf",
      source: { bucket: "uploads", key: "acme/b/long-chart.pdf", size: 80_000_000 },
    });
    await records.createIfAbsent(received);
    const { jobId } = await ocr.startJob({
      documentId: id,
      bucket: "uploads",
      key: received.source.key,
      features: "text",
    });
    await records.save({
      ...transition(received, "OCR_PENDING", { now: deps.now() }),
      ocr: { engine: ocr.name, jobKey: id, jobId },
    });

    const [completion] = ocr.deliver();
    const outcome = await completeOcr(completion!, { ...deps, records });

    expect(outcome.status).not.toBe("FAILED");
    const saved = await records.get(id);
    expect(saved).toMatchObject({ status: outcome.status, pageCount: PAGES });
    expect(saved!.fields.mrn?.value).toBe("00123456");
    expect(saved!.medications.map((m) => m.text)).toEqual([
      "Lisinopril 20 mg PO daily",
      "Metformin 1000 mg PO twice daily with meals",
      "Atorvastatin 40 mg PO nightly",
      "Aspirin 81 mg PO daily",
    ]);
    expect(saved!.diagnoses.map((d) => d.code)).toEqual(["I10", "E11.9"]);
    expect(saved!.allergies).toEqual([{ text: "Penicillin (rash)", page: 1 }]);
  });
});
