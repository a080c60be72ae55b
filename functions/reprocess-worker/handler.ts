/**
 * Lambda: the background jobs' SQS queue. A bulk reprocess chunk → re-extract its records and add the outcome
 * to the job; an export message → run the FHIR bulk export job (shared/fhir/bulk-export/run-export.ts).
 */
import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import type { Context, SQSEvent, SQSRecord } from "aws-lambda";
import * as z from "zod/mini";
import { loadConfig } from "../../shared/config";
import type { ReprocessChunk } from "../../shared/jobs/reprocess-job";
import { loggedRecordHandler } from "../../shared/observability/batch";
import { runReprocessChunk } from "../../shared/pipeline/bulk-reprocess";
import { runExportDelivery } from "../../shared/fhir/bulk-export/run-export";
import { createLogger } from "../../shared/observability/logger";
import { createReprocessWorkerDeps, type ReprocessWorkerDeps } from "./deps";

const ChunkSchema = z.object({
  jobId: z.string().check(z.regex(/^job_[0-9a-f-]{36}$/)),
  chunk: z.int().check(z.gte(0)),
  recordIds: z.array(z.string().check(z.maxLength(200))).check(z.maxLength(100)),
});

const ExportSchema = z.object({
  kind: z.literal("export"),
  jobId: z.string().check(z.regex(/^exp_[0-9a-f-]{36}$/)),
});

/** A message is an export job (`kind: "export"`) or a reprocess chunk; anything else fails. */
export function parseMessage(
  body: string,
): { kind: "export"; jobId: string } | { kind: "chunk"; chunk: ReprocessChunk } {
  const value: unknown = JSON.parse(body);
  const asExport = ExportSchema.safeParse(value);
  if (asExport.success) return asExport.data;
  return { kind: "chunk", chunk: ChunkSchema.parse(value) };
}

export function createReprocessWorkerHandler(getDeps: () => ReprocessWorkerDeps) {
  const processor = new BatchProcessor(EventType.SQS);
  return middy(async (event: SQSEvent, context: Context) => {
    const deps = getDeps();
    const handleRecord = loggedRecordHandler(deps.logger, "Background job", async (record: SQSRecord) => {
      const message = parseMessage(record.body);
      if (message.kind === "export") {
        const receiveCount = Number(record.attributes?.ApproximateReceiveCount ?? 1);
        const job = await runExportDelivery(message.jobId, receiveCount, deps.exportDeps);
        const facts = {
          jobId: message.jobId,
          status: job?.status ?? "NOT_FOUND",
          patients: job?.patients ?? 0,
          ...(job?.errorCode ? { errorCode: job.errorCode } : {}),
        };
        if (job?.status === "FAILED") deps.logger.error("Export failed", facts);
        else deps.logger.info("Export done", facts);
        return;
      }
      const job = await runReprocessChunk(message.chunk, deps);
      deps.logger.info("Reprocess chunk done", {
        jobId: job.id,
        processed: job.processed,
        total: job.total,
        status: job.status,
      });
    });
    return processPartialResponse(event, handleRecord, processor, {
      context,
      throwOnFullBatchFailure: false,
      // Chunks may name parts of the same split file: one at a time keeps the optimistic locks calm.
      processInParallel: false,
    });
  }).use(injectLambdaContext(getDeps().logger));
}

let deps: ReprocessWorkerDeps | undefined;
export const handler = createReprocessWorkerHandler(
  () => (deps ??= createReprocessWorkerDeps(loadConfig(), createLogger("chartbridge-reprocess-worker"))),
);
