/**
 * One measured phase of `npm run bench:large-result`, in a process of its own so its peak RSS is its own:
 *   complete <pages> <s3-endpoint>  ocr-complete on a generated result: fetch page by page, store, extract
 *   reread   <pages> <s3-endpoint>  reprocess's read of the stored result (streamed parse → model → split)
 *   whole    <pages> <s3-endpoint>  the former way, for comparison: every block in one array, one JSON string
 * Prints one JSON object.
 */
import { HeadObjectCommand } from "@aws-sdk/client-s3";
import { newRecord, transition } from "../../shared/domain/chart-record";
import { buildModel, splitDocuments } from "../../shared/extraction";
import { S3ObjectStore } from "../../shared/adapters/s3/object-store";
import { createS3Client } from "../../shared/adapters/s3/s3-client";
import type { TextractBlock } from "../../shared/ocr/textract-blocks";
import { completeOcr, ocrResultKey } from "../../shared/pipeline/complete-ocr";
import type { OcrPipelineDeps } from "../../shared/pipeline/pipeline-deps";
import { readStoredOcrResult } from "../../shared/pipeline/read-ocr-result";
import { InMemoryBatchStore } from "../../test/support/in-memory-batches";
import { InMemoryRecordStore, RecordingLogger } from "../../test/support/in-memory-ports";
import { GeneratedResultEngine } from "./generated-result";

const [phase, pagesArg, endpoint] = process.argv.slice(2);
const pages = Number(pagesArg);
const RESULTS = "results";
const DOCUMENT_ID = "doc_large";

const s3 = createS3Client({ AWS_REGION: "us-east-1", S3_ENDPOINT: endpoint! });
const objects = new S3ObjectStore(s3);
const engine = new GeneratedResultEngine(pages);
const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);
const peakRssMb = () => Math.round(process.resourceUsage().maxRSS / 1024);

/** The heap's high-water mark, sampled (RSS's is exact, from getrusage). */
let heapPeak = 0;
const sampler = setInterval(() => (heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed)), 20);
const baselineRssMb = mb(process.memoryUsage().rss);
const started = performance.now();
let out: Record<string, unknown>;

if (phase === "complete") {
  const records = new InMemoryRecordStore();
  const now = () => new Date().toISOString();
  const received = newRecord({
    id: DOCUMENT_ID,
    sha256: "0".repeat(64),
    source: { bucket: "uploads", key: "vendor/batch/large.pdf", versionId: "v1", size: 500_000_000 },
    fileType: "pdf",
    now: now(),
  });
  await records.createIfAbsent(received);
  const pending = transition(received, "OCR_PENDING", { now: now() });
  await records.save({
    ...pending,
    ocr: { engine: "textract", jobKey: DOCUMENT_ID, jobId: "generated-job", attempt: 1, features: "forms" },
  });
  const deps: OcrPipelineDeps = {
    records,
    batches: new InMemoryBatchStore(),
    objects,
    ocr: engine,
    resultsBucket: RESULTS,
    ocrFeatures: "forms",
    reviewThreshold: 0.8,
    logger: new RecordingLogger(),
    now,
  };
  const outcome = await completeOcr(engine.completion(DOCUMENT_ID), deps);
  const head = await s3.send(new HeadObjectCommand({ Bucket: RESULTS, Key: ocrResultKey(DOCUMENT_ID) }));
  const file = await records.get(DOCUMENT_ID);
  out = {
    status: outcome.status,
    records: file?.split?.partIds?.length ?? 1,
    getCalls: engine.gets,
    resultMb: mb(head.ContentLength ?? 0),
  };
} else if (phase === "reread") {
  const model = await readStoredOcrResult(objects, RESULTS, ocrResultKey(DOCUMENT_ID));
  out = { modelPages: model.pageCount, lines: model.lines.length, parts: splitDocuments(model).length };
} else if (phase === "whole") {
  // As ocr-complete used to: every response's blocks in one array, the result stored as one JSON string.
  const blocks: TextractBlock[] = [];
  let token: string | undefined;
  do {
    const page = await engine.getResultPage("generated-job", "forms", token);
    blocks.push(...page.blocks);
    token = page.nextToken;
  } while (token);
  const doc = { DocumentMetadata: { Pages: pages }, Blocks: blocks, JobStatus: "SUCCEEDED" };
  try {
    const json = JSON.stringify(doc);
    out = { resultMb: mb(json.length), modelPages: buildModel(doc).pageCount };
  } catch (err) {
    out = { error: `${(err as Error).name}: ${(err as Error).message}` };
  }
} else {
  throw new Error(`unknown phase ${phase}`);
}

clearInterval(sampler);
const seconds = Math.round((performance.now() - started) / 100) / 10;
console.log(
  JSON.stringify({
    phase,
    pages,
    blocks: engine.totalBlocks,
    seconds,
    baselineRssMb,
    peakRssMb: peakRssMb(),
    peakHeapMb: mb(heapPeak),
    ...out,
  }),
);
