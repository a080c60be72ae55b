/**
 * Lambda: on a schedule → retry or fail records stuck in RECEIVED, OCR_PENDING or EXTRACTED, and close vendor
 * batches past their deadline.
 */
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import type { Context } from "aws-lambda";
import { loadConfig, sweepSettings } from "../../shared/config";
import { createLogger } from "../../shared/observability/logger";
import type { OcrPipelineDeps } from "../../shared/pipeline/pipeline-deps";
import {
  sweepStuckRecords,
  type SweepReport,
  type SweepSettings,
} from "../../shared/pipeline/sweep-stuck-records";
import type { WithLambdaLogger } from "../wiring/lambda-deps";
import { createSweeperDeps } from "./deps";
import { closeDueBatches } from "../../shared/batches/close-batch";
import { retrackUnfinishedBatches } from "../../shared/batches/retrack-batch-files";
import type { UploadListing } from "../../shared/batches/batch-store";

/**
 * No new record is taken up with less than this left of the invocation: completing a lost OCR job is the
 * ocr-complete step, which may take its whole timeout. Records not reached are found by the next run.
 */
export const SWEEP_TIME_RESERVE_MS = 5.5 * 60_000;

export function createSweeperHandler(
  getDeps: () => WithLambdaLogger<OcrPipelineDeps> & { listing: UploadListing },
  getSettings: () => SweepSettings,
) {
  return middy(
    async (
      _event: unknown,
      context: Context,
    ): Promise<SweepReport & { batchesClosed: number; batchFilesRetracked: number }> => {
      const deps = getDeps();
      const report = await sweepStuckRecords(deps, getSettings(), {
        shouldContinue: () => context.getRemainingTimeInMillis() > SWEEP_TIME_RESERVE_MS,
      });
      // Batches past their deadline close: entries never uploaded become MISSING.
      const batchesClosed = await closeDueBatches(deps);
      // Files of closed batches whose stream update was dropped catch up with their records.
      return { ...report, batchesClosed, batchFilesRetracked: await retrackUnfinishedBatches(deps) };
    },
  ).use(injectLambdaContext(getDeps().logger));
}

let deps: (WithLambdaLogger<OcrPipelineDeps> & { listing: UploadListing }) | undefined;
export const handler = createSweeperHandler(
  () => (deps ??= createSweeperDeps(loadConfig(), createLogger("chartbridge-sweeper"))),
  () => sweepSettings(loadConfig()),
);
