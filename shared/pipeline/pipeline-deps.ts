import type { BatchStore } from "../batches/batch-store";
import type { OcrFeatureSet } from "../ocr/ocr-engine";
import type { TextractThroughput } from "../throughput/textract-throughput";
import type { Logger, ObjectStore, OcrEngine, RecordStore, SearchIndex } from "./ports";

/** What the pipeline steps need: ports only. Lambda wiring builds them from configuration (functions/wiring). */
export interface PipelineDeps {
  records: RecordStore;
  objects: ObjectStore;
  ocr: OcrEngine;
  search: SearchIndex;
  /** Batch manifests: ingest checks an upload's bytes against its entry; the tracker files outcomes. */
  batches: BatchStore;
  resultsBucket: string;
  ocrFeatures: OcrFeatureSet;
  reviewThreshold: number;
  logger: Logger;
  now: () => string;
  /**
   * Admission control of OCR calls (Textract's TPS and job quotas, shared/throughput). Absent: every call
   * goes straight to the engine (tests, `extract`, deployments with the governor off).
   */
  throughput?: TextractThroughput;
}

/** What the OCR half of the pipeline (ingest, OCR completion) uses: everything but the search index. */
export type OcrPipelineDeps = Omit<PipelineDeps, "search">;

/** What the indexer (index-records) uses: the table, the OCR text in S3 and the search index; no OCR engine. */
export type IndexerDeps = Pick<PipelineDeps, "records" | "objects" | "search" | "logger" | "now">;
