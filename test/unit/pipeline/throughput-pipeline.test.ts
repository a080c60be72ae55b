/**
 * The pipeline's use cases with the throughput governor (in-memory store, test clock): an upload that has to
 * wait for Textract capacity is deferred, its message parked, and completes when it comes back.
 */
import { ThrottlingException } from "@aws-sdk/client-textract";
import { Logger } from "@aws-lambda-powertools/logger";
import { describe, expect, it, vi } from "vitest";
import { createIngestHandler } from "../../../functions/ingest/handler";
import type { UploadedObject } from "../../../shared/events/upload-event";
import type { OcrEngine, StartOcrJobRequest } from "../../../shared/ocr/ocr-engine";
import type { TextractBlock } from "../../../shared/ocr/textract-blocks";
import { completeOcr } from "../../../shared/pipeline/complete-ocr";
import { ingestUpload } from "../../../shared/pipeline/ingest-upload";
import { sweepStuckRecords } from "../../../shared/pipeline/sweep-stuck-records";
import { isStartDeferred, StartDeferredError } from "../../../shared/throughput/errors";
import type { GovernorSettings } from "../../../shared/throughput/throughput-governor";
import { blankPdf } from "../../support/blank-pdf";
import { InMemoryOcrEngine, inMemoryDeps } from "../../support/in-memory-ports";
import { context, s3Notification, sqsEvent } from "../handlers/fakes";
import { governorHarness } from "../throughput/governor-harness";

const PAGE: TextractBlock[] = [{ Id: "p1", BlockType: "PAGE", Page: 1 }];

/** Fails the first `starts` Start… calls and `gets` Get… calls with a ThrottlingException, as Textract does. */
class ThrottlingFirst implements OcrEngine {
  readonly name = "throttling-first";
  constructor(
    private readonly inner: OcrEngine,
    private starts: number,
    private gets = 0,
  ) {}
  async startJob(request: StartOcrJobRequest) {
    if (this.starts-- > 0) throw new ThrottlingException({ message: "Rate exceeded", $metadata: {} });
    return this.inner.startJob(request);
  }
  async getResultPage(...args: Parameters<OcrEngine["getResultPage"]>) {
    if (this.gets-- > 0) throw new ThrottlingException({ message: "Rate exceeded", $metadata: {} });
    return this.inner.getResultPage(...args);
  }
}

function governedPipeline(
  budget: GovernorSettings["budget"],
  opts: { throttles?: number; getThrottles?: number } = {},
) {
  const h = governorHarness(budget);
  const engine = new InMemoryOcrEngine(() => PAGE);
  const ocr = new ThrottlingFirst(engine, opts.throttles ?? 0, opts.getThrottles ?? 0);
  const { deps, records, objects, logger } = inMemoryDeps(ocr, h.clock.clock);
  const governed = { ...deps, throughput: h.governor };
  const t0 = h.clock.nowMs();

  const upload = (name: string): UploadedObject => {
    const key = `acme/b/${name}.pdf`;
    return { bucket: "uploads", key, versionId: objects.put("uploads", key, blankPdf(1, name)) };
  };
  /**
   * One receive of an upload's message (receipt handle `rh`): what ingest made of it, or its deferral. One
   * message per upload unless `messageId` says otherwise (a duplicate delivery).
   */
  const deliver = async (u: UploadedObject, rh: string, messageId = u.key) => {
    try {
      const throughput = h.governor.forMessage({ messageId, receiptHandle: rh });
      return await ingestUpload(u, { ...governed, throughput });
    } catch (err) {
      if (isStartDeferred(err)) return err;
      throw err;
    }
  };
  /** Hands the OCR engine's completions to completeOcr, as SNS → SQS → ocr-complete would. */
  const complete = async () => {
    for (const notification of engine.deliver()) await completeOcr(notification, governed);
  };
  const status = async (u: UploadedObject) => {
    const all = [...records.records.values()];
    return all.find((r) => r.source.key === u.key);
  };
  const at = (ms: number) => h.clock.clock.advance(t0 + ms - h.clock.nowMs());
  return { h, engine, governed, deps, records, logger, upload, deliver, complete, status, at, t0 };
}

describe("pipeline with the throughput governor", () => {
  it("parks an upload while every job slot is held, wakes it when a job ends, then completes it", async () => {
    const p = governedPipeline({ startTps: 100, getTps: 100, maxJobs: 1 });
    const a = p.upload("a");
    const b = p.upload("b");
    expect(await p.deliver(a, "rh-a")).toMatchObject({ status: "OCR_PENDING" });
    const deferred = await p.deliver(b, "rh-b");
    expect(deferred).toBeInstanceOf(StartDeferredError);
    expect(deferred).toMatchObject({ reason: "job-slot", parked: true });
    // Registered and waiting: OCR_PENDING with its job key, no job yet.
    const waiting = await p.status(b);
    expect(waiting).toMatchObject({ status: "OCR_PENDING", ocr: { jobKey: waiting!.id } });
    expect(waiting!.ocr!.jobId).toBeUndefined();

    await p.complete(); // a's job ends: its slot goes to b, whose message is woken
    expect(p.h.visibility.wakes()).toEqual(["rh-b"]);
    expect(await p.deliver(b, "rh-b-2")).toMatchObject({ status: "OCR_PENDING" });
    await p.complete();

    expect((await p.status(a))?.status).toBe("NEEDS_REVIEW");
    expect((await p.status(b))?.status).toBe("NEEDS_REVIEW");
    expect(p.engine.started).toHaveLength(2);
    expect(p.h.slotsHeld()).toBe(0);
  });

  it("lets a duplicate message of a waiting upload go (UNCHANGED), and leaves no slot held in the end", async () => {
    const p = governedPipeline({ startTps: 100, getTps: 100, maxJobs: 1 });
    const a = p.upload("a");
    const b = p.upload("b");
    await p.deliver(a, "rh-a");
    expect(await p.deliver(b, "rh-b")).toMatchObject({ reason: "job-slot", parked: true });
    // S3 sent b's notification twice: the copy is done with at once, not parked where nobody wakes it.
    expect(await p.deliver(b, "rh-copy", "copy-of-b")).toMatchObject({ status: "UNCHANGED" });
    expect(p.h.visibility.lastFor("rh-copy")).toBeUndefined();
    await p.complete();
    expect(await p.deliver(b, "rh-b-2")).toMatchObject({ status: "OCR_PENDING" });
    await p.complete();
    expect(p.engine.started).toHaveLength(2);
    expect(p.h.slotsHeld()).toBe(0);
  });

  it("starts a burst 1/TPS apart: within a second in the handler, later on the turn it reserved", async () => {
    const p = governedPipeline({ startTps: 1, getTps: 100, maxJobs: 10 });
    const [a, b, c] = ["a", "b", "c"].map(p.upload) as [UploadedObject, UploadedObject, UploadedObject];
    const first = [];
    for (const [u, rh] of [
      [a, "rh-a"],
      [b, "rh-b"],
      [c, "rh-c"],
    ] as const) {
      p.at(0); // the three messages are handled at the same moment
      first.push(await p.deliver(u, rh));
    }
    expect(first[2]).toMatchObject({ reason: "start-rate", retryAfterMs: 2000 });
    expect(p.h.visibility.lastFor("rh-c")).toBe(2);
    p.at(2000); // c's message comes back when its park ends
    expect(await p.deliver(c!, "rh-c-2")).toMatchObject({ status: "OCR_PENDING" });
    const started = await Promise.all(
      [a, b, c].map(async (u) => Date.parse((await p.status(u!))!.ocr!.startedAt!)),
    );
    expect(started.map((t) => t - p.t0)).toEqual([0, 1000, 2000]);
  });

  it("defers a throttled start without failing the record or logging an error, and starts it on the retry", async () => {
    const p = governedPipeline({ startTps: 100, getTps: 100, maxJobs: 10 }, { throttles: 1 });
    const a = p.upload("a");
    const deferred = await p.deliver(a, "rh-a");
    expect(deferred).toMatchObject({ reason: "retry", parked: true });
    expect(await p.status(a)).toMatchObject({ status: "OCR_PENDING" });
    expect(p.h.slotsHeld()).toBe(1); // it keeps its slot
    p.h.clock.advance((deferred as StartDeferredError).retryAfterMs);
    expect(await p.deliver(a, "rh-a-2")).toMatchObject({ status: "OCR_PENDING" });
    await p.complete();
    expect((await p.status(a))?.status).toBe("NEEDS_REVIEW");
    expect(p.logger.entries.filter((e) => e.level === "error")).toEqual([]);
  });

  it("asks a throttled result page again at its next paced turn, instead of failing the completion", async () => {
    const p = governedPipeline({ startTps: 100, getTps: 2, maxJobs: 10 }, { getThrottles: 2 });
    const a = p.upload("a");
    await p.deliver(a, "rh-a");
    const before = p.h.clock.nowMs();
    await p.complete();
    expect((await p.status(a))?.status).toBe("NEEDS_REVIEW");
    // Three paced turns at 2 per second (two refused, each paying for its turn): a second of waiting.
    expect(p.h.clock.nowMs() - before).toBeGreaterThanOrEqual(1000);
    expect(p.logger.entries.filter((e) => e.level === "error")).toEqual([]);
  });

  it("gives the slot of a job the sweeper gives up on to the next document in line", async () => {
    const p = governedPipeline({ startTps: 100, getTps: 100, maxJobs: 1 });
    const a = p.upload("a");
    const b = p.upload("b");
    await p.deliver(a, "rh-a");
    await p.deliver(b, "rh-b");
    p.engine.deliver(); // a's completion is lost
    const settings = { stuckAfterMs: 30 * 60_000, maxAttempts: 0, batchSize: 10 };
    p.h.clock.advance(31 * 60_000);
    const report = await sweepStuckRecords(p.governed, settings);
    expect(report.actions.failed).toBe(1);
    expect((await p.status(a))?.statusReason).toBe("OCR_TIMEOUT");
    expect(p.h.visibility.wakes()).toEqual(["rh-b"]);
    expect(await p.deliver(b, "rh-b-2")).toMatchObject({ status: "OCR_PENDING" });
  });

  it("leaves a document waiting for capacity to the governor: the sweeper does not count it stuck", async () => {
    const p = governedPipeline({ startTps: 100, getTps: 100, maxJobs: 1 });
    const a = p.upload("a");
    const b = p.upload("b");
    await p.deliver(a, "rh-a");
    await p.deliver(b, "rh-b");
    p.h.clock.advance(31 * 60_000);
    const report = await sweepStuckRecords(p.governed, {
      stuckAfterMs: 30 * 60_000,
      maxAttempts: 3,
      batchSize: 10,
    });
    expect(report.actions.queued).toBe(1);
    expect((await p.status(b))?.sweep).toBeUndefined();
  });
});

describe("ingest handler with the throughput governor", () => {
  it("reports a deferred message as a batch item failure, parked, and logs no error for it", async () => {
    const h = governorHarness({ startTps: 100, getTps: 100, maxJobs: 1 });
    const { deps, objects } = inMemoryDeps(new InMemoryOcrEngine(() => PAGE), h.clock.clock);
    for (const name of ["a", "b"]) objects.put("uploads", `acme/b/${name}.pdf`, blankPdf(2, name));
    const logger = new Logger({ serviceName: "test", logLevel: "SILENT" });
    const errors = vi.spyOn(logger, "error");
    const handler = createIngestHandler(() => ({ ...deps, logger, throughput: h.governor }));

    const result = await handler(
      sqsEvent(s3Notification("acme/b/a.pdf"), s3Notification("acme/b/b.pdf")),
      context,
    );

    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: "m2" }] });
    expect(h.visibility.lastFor("r2")).toBe(3600); // parked until a slot is handed to it
    expect(errors).not.toHaveBeenCalled();
  });
});
