/**
 * A finished job's result read page by page (ocr-complete) and read back from storage (reprocess): the raw
 * result stored is Textract's JSON, every block in order, and the model is the one of the whole result.
 */
import { describe, expect, it } from "vitest";
import { buildModel } from "../../../shared/extraction";
import type { TextractDocument } from "../../../shared/ocr/textract-blocks";
import { readOcrResult, readStoredOcrResult } from "../../../shared/pipeline/read-ocr-result";
import { loadFixture, syntheticDocs } from "../extraction/equivalence-docs";
import { InMemoryObjectStore, InMemoryOcrEngine } from "../../support/in-memory-ports";

const target = { bucket: "results", key: "ocr/doc-1/textract.json" };

/** A finished job of the in-memory engine, whose result is `blocks` (Get… pages of 1,000). */
async function finishedJob(blocks: TextractDocument["Blocks"] | "FAILED") {
  const ocr = new InMemoryOcrEngine(() => blocks);
  const objects = new InMemoryObjectStore();
  const { jobId } = await ocr.startJob({
    documentId: "doc-1",
    bucket: "uploads",
    key: "k",
    features: "text",
  });
  return { ocr, objects, jobId };
}

async function read(doc: TextractDocument) {
  const { ocr, objects, jobId } = await finishedJob(doc.Blocks);
  const result = await readOcrResult({ ocr, objects }, jobId, "forms", target);
  return { result, objects, ocr };
}

describe("readOcrResult", () => {
  it("stores the raw result of a many-page job as Textract's JSON and models it as a whole", async () => {
    const doc = syntheticDocs()["repeat-all-40"]!; // several thousand blocks: several Get… pages
    const { result, objects, ocr } = await read(doc);
    expect(ocr.gets).toBeGreaterThan(1);
    expect(ocr.gets).toBe(Math.ceil(doc.Blocks.length / 1000));
    const stored = JSON.parse((await objects.getBytes(target.bucket, target.key)).toString("utf8"));
    expect(stored.Blocks).toEqual(doc.Blocks);
    expect(stored).toMatchObject({ JobStatus: "SUCCEEDED", DocumentMetadata: { Pages: 40 } });
    expect(result).toMatchObject({ jobStatus: "SUCCEEDED", blocks: doc.Blocks.length });
    expect("model" in result && result.model).toEqual(
      buildModel({ ...doc, DocumentMetadata: { Pages: 40 } }),
    );
  });

  it("reports a failed job without storing anything", async () => {
    const { ocr, objects, jobId } = await finishedJob("FAILED");
    ocr.getResultPage = async () => ({ jobStatus: "FAILED", pageCount: 0, blocks: [], statusMessage: "X" });
    expect(await readOcrResult({ ocr, objects }, jobId, "text", target)).toEqual({
      jobStatus: "FAILED",
      statusMessage: "X",
    });
    await expect(objects.getBytes(target.bucket, target.key)).rejects.toThrow();
  });

  it("stores nothing when a page cannot be fetched, and says the fetch failed", async () => {
    const { ocr, objects, jobId } = await finishedJob(syntheticDocs()["repeat-all-40"]!.Blocks);
    const get = ocr.getResultPage.bind(ocr);
    ocr.getResultPage = async (id, f, token) => {
      if (token === "2000") throw Object.assign(new Error("gone"), { name: "InvalidJobIdException" });
      return get(id, f, token);
    };
    let step = "";
    await expect(readOcrResult({ ocr, objects }, jobId, "text", target, (s) => (step = s))).rejects.toThrow(
      "gone",
    );
    expect(step).toBe("fetch");
    await expect(objects.getBytes(target.bucket, target.key)).rejects.toThrow();
  });
});

describe("readStoredOcrResult", () => {
  it("models a stored result as it streams, the same as parsing it whole", async () => {
    const objects = new InMemoryObjectStore();
    for (const doc of [loadFixture("multi_page_example_file.json"), syntheticDocs()["repeat-all-40"]!]) {
      objects.put(target.bucket, target.key, Buffer.from(JSON.stringify(doc)), "application/json");
      expect(await readStoredOcrResult(objects, target.bucket, target.key)).toEqual(buildModel(doc));
    }
  });

  it("reads back what readOcrResult stored", async () => {
    const doc = loadFixture("patient_intake_form_sample.json");
    const { result, objects } = await read(doc);
    expect(await readStoredOcrResult(objects, target.bucket, target.key)).toEqual(
      "model" in result && result.model,
    );
  });

  it("fails on a truncated result instead of modelling part of it", async () => {
    const objects = new InMemoryObjectStore();
    const json = JSON.stringify(loadFixture("multi_page_example_file.json"));
    objects.put(target.bucket, target.key, Buffer.from(json.slice(0, json.length / 2)), "application/json");
    await expect(readStoredOcrResult(objects, target.bucket, target.key)).rejects.toThrow();
  });
});
