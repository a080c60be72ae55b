import { describe, expect, it } from "vitest";
import { newRecord, transition, type ChartRecord } from "../../../shared/domain/chart-record";
import type { DocumentStatus } from "../../../shared/domain/status";
import { sweepStuckRecords, type SweepSettings } from "../../../shared/pipeline/sweep-stuck-records";
import { inMemoryDeps, TestClock } from "../../support/in-memory-ports";
import { ScriptedOcrEngine } from "./scripted-ocr-engine";

const MINUTE = 60_000;
const settings: SweepSettings = { stuckAfterMs: 30 * MINUTE, maxAttempts: 3, batchSize: 50 };

function setup() {
  const ocr = new ScriptedOcrEngine();
  const clock = new TestClock();
  return { ocr, ...inMemoryDeps(ocr, clock) };
}

/** A record that reached `status` at `now` (by the pipeline's own transitions). */
function recordIn(status: DocumentStatus, now: string, id = `doc_${status.toLowerCase().padEnd(32, "0")}`) {
  let record: ChartRecord = newRecord({
    id,
    sha256: "ab".repeat(32),
    now,
    fileType: "png",
    source: { bucket: "uploads", key: "acme/b/chart.png", size: 100 },
  });
  const path: Partial<Record<DocumentStatus, DocumentStatus[]>> = {
    RECEIVED: [],
    OCR_PENDING: ["OCR_PENDING"],
    EXTRACTED: ["OCR_PENDING", "EXTRACTED"],
    INDEXED: ["OCR_PENDING", "EXTRACTED", "INDEXED"],
    NEEDS_REVIEW: ["OCR_PENDING", "NEEDS_REVIEW"],
    FAILED: ["FAILED"],
  };
  for (const to of path[status]!) record = transition(record, to, { now });
  return record;
}

/** OCR_PENDING under the record's first job key; with `started`, its job id (as the scripted engine names it). */
function ocrPending(now: string, started = true): ChartRecord {
  const record = recordIn("OCR_PENDING", now);
  const jobId = started ? `job-${record.id}` : undefined;
  return {
    ...record,
    ocr: {
      engine: "scripted",
      jobKey: record.id,
      attempt: 1,
      features: "text",
      ...(jobId ? { jobId, startedAt: now } : {}),
    },
  };
}

describe("sweepStuckRecords", () => {
  it("starts OCR for a record stuck in RECEIVED", async () => {
    const { ocr, deps, records, clock } = setup();
    records.put(recordIn("RECEIVED", clock.now()));
    ocr.outcome = "IN_PROGRESS";
    clock.advance(31 * MINUTE);

    const report = await sweepStuckRecords(deps, settings);

    expect(report.actions.redriven).toBe(1);
    const [record] = records.records.values();
    expect(record).toMatchObject({ status: "OCR_PENDING", ocr: { jobId: `job-${record!.id}` } });
    expect(ocr.starts).toHaveLength(1);
  });

  it("completes an OCR_PENDING record whose job finished but whose completion was lost", async () => {
    const { ocr, deps, records, clock } = setup();
    const record = ocrPending(clock.now());
    ocr.jobs.set(record.ocr!.jobId!, { status: "FAILED", jobTag: record.id });
    records.put(record);
    clock.advance(31 * MINUTE);

    const report = await sweepStuckRecords(deps, settings);

    expect(report.actions.completed).toBe(1);
    expect(records.records.get(record.id)).toMatchObject({ status: "FAILED", statusReason: "OCR_FAILED" });
  });

  it("re-polls a running OCR job once per timeout, then fails the record with OCR_TIMEOUT", async () => {
    const { ocr, deps, records, clock } = setup();
    const record = ocrPending(clock.now());
    ocr.jobs.set(record.ocr!.jobId!, { status: "IN_PROGRESS", jobTag: record.id });
    records.put(record);

    const actions: string[] = [];
    for (let run = 0; run < 4; run++) {
      clock.advance(31 * MINUTE);
      const report = await sweepStuckRecords(deps, settings);
      // A second run right away finds nothing: each retry restarts the record's clock.
      const again = await sweepStuckRecords(deps, settings);
      expect(again.examined).toBe(0);
      actions.push(...Object.entries(report.actions).flatMap(([a, n]) => (n ? [a] : [])));
    }

    expect(actions).toEqual(["waiting", "waiting", "waiting", "failed"]);
    // Each check repeated the start under the job's own key: the same job, never a second one.
    expect(ocr.starts.map((s) => s.jobKey)).toEqual([record.id, record.id, record.id]);
    expect(ocr.jobs.size).toBe(1);
    const failed = records.records.get(record.id)!;
    expect(failed).toMatchObject({ status: "FAILED", statusReason: "OCR_TIMEOUT" });
    expect(failed.history.at(-1)?.detail).toBe("status=OCR_PENDING attempts=3");
  });

  it("repeats the start of an OCR_PENDING record that has no job id yet, under the same job key", async () => {
    const { ocr, deps, records, clock } = setup();
    const record = ocrPending(clock.now(), false);
    records.put(record);
    ocr.outcome = "IN_PROGRESS";
    clock.advance(31 * MINUTE);

    expect((await sweepStuckRecords(deps, settings)).actions.resumed).toBe(1);
    expect(ocr.starts.map((s) => s.jobKey)).toEqual([record.id]);
    expect(records.records.get(record.id)!.ocr?.jobId).toBe(`job-${record.id}`);
  });

  it("starts a new job under the next attempt's key when the engine no longer knows the job", async () => {
    const { ocr, deps, records, clock } = setup();
    const record = ocrPending(clock.now());
    records.put(record);
    ocr.outcome = "IN_PROGRESS";
    clock.advance(31 * MINUTE);

    expect((await sweepStuckRecords(deps, settings)).actions.restarted).toBe(1);
    expect(ocr.starts.map((s) => s.jobKey)).toEqual([`${record.id}-r2`]);
    expect(records.records.get(record.id)!.ocr).toMatchObject({ attempt: 2, jobId: `job-${record.id}-r2` });
  });

  it("fails an OCR_PENDING record whose job is older than Textract keeps results", async () => {
    const { ocr, deps, records, clock } = setup();
    const record = ocrPending(clock.now());
    ocr.jobs.set(record.ocr!.jobId!, { status: "SUCCEEDED", jobTag: record.id });
    records.put(record);
    clock.advance(7 * 24 * 60 * MINUTE + MINUTE);

    expect((await sweepStuckRecords(deps, settings)).actions.failed).toBe(1);
    expect(records.records.get(record.id)).toMatchObject({ status: "FAILED", statusReason: "OCR_TIMEOUT" });
  });

  it("rewrites a record stuck in EXTRACTED so the indexer gets it again, then fails it with STUCK_TIMEOUT", async () => {
    const { deps, records, clock } = setup();
    const record = recordIn("EXTRACTED", clock.now());
    records.put(record);

    clock.advance(31 * MINUTE);
    expect((await sweepStuckRecords(deps, settings)).actions.reindexed).toBe(1);
    const rewritten = records.records.get(record.id)!;
    expect(rewritten).toMatchObject({ status: "EXTRACTED", version: record.version + 1 });
    expect(rewritten.updatedAt).toBe(clock.now());

    for (let run = 0; run < 3; run++) {
      clock.advance(31 * MINUTE);
      await sweepStuckRecords(deps, settings);
    }
    expect(records.records.get(record.id)).toMatchObject({ status: "FAILED", statusReason: "STUCK_TIMEOUT" });
  });

  it("leaves fresh records and records in final states untouched", async () => {
    const { ocr, deps, records, clock } = setup();
    const old = clock.now();
    const finals = (["INDEXED", "NEEDS_REVIEW", "FAILED"] as const).map((s) => recordIn(s, old));
    finals.forEach((r) => records.put(r));
    clock.advance(31 * MINUTE);
    const fresh = recordIn("RECEIVED", new TestClock(Date.parse(clock.now()) - 5 * MINUTE).now());
    records.put(fresh);

    const report = await sweepStuckRecords(deps, settings);

    expect(report.examined).toBe(0);
    for (const r of [...finals, fresh]) expect(records.records.get(r.id)).toEqual(r);
    expect(ocr.starts).toHaveLength(0);
  });

  it("skips a record that moved on after the query found it", async () => {
    const { deps, records, clock } = setup();
    const record = recordIn("EXTRACTED", clock.now());
    records.put(record);
    clock.advance(31 * MINUTE);
    const query = records.findByStatusOlderThan.bind(records);
    records.findByStatusOlderThan = async (...args) => {
      const refs = await query(...args);
      if (args[0] === "EXTRACTED") records.put(transition(record, "INDEXED", { now: clock.now() }));
      return refs;
    };

    const report = await sweepStuckRecords(deps, settings);

    expect(report.actions.skipped).toBe(1);
    expect(records.records.get(record.id)!.status).toBe("INDEXED");
  });

  it("stops when told to and reports the run as incomplete", async () => {
    const { deps, records, clock } = setup();
    records.put(recordIn("EXTRACTED", clock.now()));
    clock.advance(31 * MINUTE);

    const report = await sweepStuckRecords(deps, settings, { shouldContinue: () => false });

    expect(report).toMatchObject({ examined: 0, complete: false });
  });

  it("logs ids, statuses, actions and reason codes only", async () => {
    const { ocr, deps, records, clock, logger } = setup();
    const record = ocrPending(clock.now());
    ocr.jobs.set(record.ocr!.jobId!, { status: "IN_PROGRESS", jobTag: record.id });
    records.put(record);
    clock.advance(31 * MINUTE);

    await sweepStuckRecords(deps, { ...settings, maxAttempts: 0 });

    const logged = JSON.stringify(logger.entries);
    expect(logged).toContain(record.id);
    expect(logged).toContain("OCR_TIMEOUT");
    expect(logged).not.toContain("acme/b/chart.png");
  });
});
