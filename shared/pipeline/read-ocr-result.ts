/**
 * Reading a finished OCR job's result, page by page: Textract returns at most 1,000 blocks per Get… call, and a
 * 3,000-page document has about a million. Each response is written on to the raw result object (a
 * streamed, multipart upload) and read into the document model (DocModelBuilder), then dropped: the raw
 * blocks are never held whole, in memory or in one string. Memory stays at the compact model plus one
 * response (README, large files: `npm run bench:large-result`).
 */
import { JSONParser } from "@streamparser/json";
import { DocModelBuilder } from "../extraction/model/model-builder";
import type { DocModel } from "../extraction";
import type { OcrResultPage } from "../ocr/ocr-engine";
import type { TextractBlock } from "../ocr/textract-blocks";
import type { ObjectStore } from "./ports";
import type { PipelineDeps } from "./pipeline-deps";

/** A Get… page that Textract throttled or failed is asked again (at its next paced turn) this many times. */
const GET_PAGE_ATTEMPTS = 5;

type ResultDeps = Pick<PipelineDeps, "ocr" | "throughput" | "objects">;
type Features = PipelineDeps["ocrFeatures"];

export type OcrResult =
  | { jobStatus: "FAILED"; statusMessage?: string }
  | { jobStatus: string; statusMessage?: string; model: DocModel; blocks: number };

/** Where a reading failed: fetching a page from the engine, or writing the raw result. */
export type ReadStep = "fetch" | "store";

/**
 * Reads job `jobId`'s result: a FAILED job's status, or the document model, with the raw result (Textract's
 * own JSON: DocumentMetadata, Blocks, JobStatus, the model version) stored at `bucket`/`key` on the way.
 * `onStep` says what it is doing, so a failure can be put down to the fetch or to the store.
 */
export async function readOcrResult(
  deps: ResultDeps,
  jobId: string,
  features: Features,
  target: { bucket: string; key: string },
  onStep: (step: ReadStep) => void = () => undefined,
): Promise<OcrResult> {
  onStep("fetch");
  const first = await getResultPage(deps, jobId, features, undefined);
  if (first.jobStatus === "FAILED") return { jobStatus: "FAILED", statusMessage: first.statusMessage };

  const builder = new DocModelBuilder(first.modelVersion);
  let pages = first.pageCount;
  let statusMessage = first.statusMessage;
  const versionField = features === "text" ? "DetectDocumentTextModelVersion" : "AnalyzeDocumentModelVersion";

  async function* rawResult(): AsyncGenerator<string> {
    yield `{"JobStatus":${JSON.stringify(first.jobStatus)},"${versionField}":${JSON.stringify(first.modelVersion ?? null)},"Blocks":[`;
    let page: OcrResultPage = first;
    let separator = "";
    for (;;) {
      onStep("store");
      builder.add(page.blocks);
      pages = Math.max(pages, page.pageCount);
      statusMessage = page.statusMessage ?? statusMessage;
      // One string per response (about 0.5 MB for 1,000 blocks), not one per block.
      if (page.blocks.length > 0) {
        yield separator + page.blocks.map((b) => JSON.stringify(b)).join(",");
        separator = ",";
      }
      if (!page.nextToken) break;
      onStep("fetch");
      page = await getResultPage(deps, jobId, features, page.nextToken);
    }
    const tail = statusMessage === undefined ? "" : `,"StatusMessage":${JSON.stringify(statusMessage)}`;
    yield `],"DocumentMetadata":{"Pages":${pages}}${tail}}`;
  }

  await deps.objects.putStream(target.bucket, target.key, rawResult(), "application/json");
  return {
    jobStatus: first.jobStatus,
    statusMessage,
    model: builder.finish(pages),
    blocks: builder.blockCount,
  };
}

/**
 * One result page. With a throughput governor, each call waits for its turn on the Get… budget (briefly, in
 * the handler: ocr-complete's concurrency is sized to the budget), and a throttled page is asked again
 * instead of failing the completion.
 */
async function getResultPage(
  deps: ResultDeps,
  jobId: string,
  features: Features,
  nextToken: string | undefined,
): Promise<OcrResultPage> {
  for (let attempt = 1; ; attempt++) {
    await deps.throughput?.paceGet();
    try {
      return await deps.ocr.getResultPage(jobId, features, nextToken);
    } catch (err) {
      const again = attempt < GET_PAGE_ATTEMPTS && (await deps.throughput?.getFailed(err));
      if (!again) throw err;
    }
  }
}

/** Blocks handed to the model builder at a time while a stored result is parsed. */
const STORED_BATCH = 1000;

/**
 * The document model of a stored result (as readOcrResult wrote it, or any Textract JSON), parsed as it
 * streams from storage: blocks go to the model builder a thousand at a time, so a result far larger than
 * one string can hold (V8 strings end near 512 MB) is read in the memory of its model.
 */
export async function readStoredOcrResult(
  objects: Pick<ObjectStore, "getStream">,
  bucket: string,
  key: string,
): Promise<DocModel> {
  const builder = new DocModelBuilder();
  let declaredPages = 0;
  let batch: TextractBlock[] = [];
  const parser = new JSONParser({
    paths: [
      "$.Blocks.*",
      "$.DocumentMetadata",
      "$.DetectDocumentTextModelVersion",
      "$.AnalyzeDocumentModelVersion",
    ],
    keepStack: false,
  });
  parser.onValue = ({ value, key: field, stack }) => {
    if (stack.length === 2) {
      batch.push(value as unknown as TextractBlock);
      if (batch.length >= STORED_BATCH) {
        builder.add(batch);
        batch = [];
      }
    } else if (field === "DocumentMetadata") {
      declaredPages = Number((value as { Pages?: unknown }).Pages) || 0;
    } else if (typeof value === "string") {
      builder.setVersion(value);
    }
  };
  for await (const chunk of await objects.getStream(bucket, key)) parser.write(chunk);
  if (!parser.isEnded) parser.end(); // it ends by itself once the root object closes
  builder.add(batch);
  return builder.finish(declaredPages);
}
