/** Lambda: SQS batch of Textract completion notifications (via SNS) → fetch results, extract, record. */
import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import type { WithLambdaLogger } from "../wiring/lambda-deps";
import type { Context, SQSEvent, SQSRecord } from "aws-lambda";
import { loadConfig } from "../../shared/config";
import { parseOcrNotification } from "../../shared/events/ocr-notification";
import { loggedRecordHandler } from "../../shared/observability/batch";
import { createLogger } from "../../shared/observability/logger";
import { completeOcr } from "../../shared/pipeline/complete-ocr";
import { createOcrPipelineDeps } from "../wiring/ocr-pipeline-deps";
import type { OcrPipelineDeps } from "../../shared/pipeline/pipeline-deps";

export function createOcrCompleteHandler(getDeps: () => WithLambdaLogger<OcrPipelineDeps>) {
  const processor = new BatchProcessor(EventType.SQS);
  return middy(async (event: SQSEvent, context: Context) => {
    const deps = getDeps();
    const handleRecord = loggedRecordHandler(deps.logger, "OCR completion", (record: SQSRecord) =>
      completeOcr(parseOcrNotification(record.body), deps),
    );
    return processPartialResponse(event, handleRecord, processor, {
      context,
      throwOnFullBatchFailure: false,
    });
  }).use(injectLambdaContext(getDeps().logger));
}

let deps: WithLambdaLogger<OcrPipelineDeps> | undefined;
export const handler = createOcrCompleteHandler(
  () => (deps ??= createOcrPipelineDeps(loadConfig(), createLogger("chartbridge-ocr-complete"))),
);
