/** Lambda: SQS batch of S3 object-created notifications → validate, fingerprint, register, start OCR. */
import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import type { WithLambdaLogger } from "../wiring/lambda-deps";
import type { Context, SQSEvent, SQSRecord } from "aws-lambda";
import { loadConfig } from "../../shared/config";
import { parseUploadEvent } from "../../shared/events/upload-event";
import { loggedRecordHandler } from "../../shared/observability/batch";
import { createLogger } from "../../shared/observability/logger";
import { createOcrPipelineDeps } from "../wiring/ocr-pipeline-deps";
import { ingestUpload } from "../../shared/pipeline/ingest-upload";
import type { OcrPipelineDeps } from "../../shared/pipeline/pipeline-deps";

export function createIngestHandler(getDeps: () => WithLambdaLogger<OcrPipelineDeps>) {
  const processor = new BatchProcessor(EventType.SQS);
  return middy(async (event: SQSEvent, context: Context) => {
    const deps = getDeps();
    const handleRecord = loggedRecordHandler(deps.logger, "Ingest", async (record: SQSRecord) => {
      // A start that must wait for Textract capacity parks this very message (by its receipt handle).
      const throughput = deps.throughput?.forMessage({
        messageId: record.messageId,
        receiptHandle: record.receiptHandle,
      });
      const messageDeps = throughput ? { ...deps, throughput } : deps;
      for (const upload of parseUploadEvent(record.body)) await ingestUpload(upload, messageDeps);
    });
    return processPartialResponse(event, handleRecord, processor, {
      context,
      throwOnFullBatchFailure: false,
      // One upload at a time: each is downloaded to /tmp and inspected, so memory and ephemeral storage
      // need room for one object, not for a whole batch.
      processInParallel: false,
    });
  }).use(injectLambdaContext(getDeps().logger));
}

let deps: WithLambdaLogger<OcrPipelineDeps> | undefined;
export const handler = createIngestHandler(
  () => (deps ??= createOcrPipelineDeps(loadConfig(), createLogger("chartbridge-ingest"))),
);
