/**
 * The throughput bench's simulation at a small size: a burst of uploads through the real pipeline (handlers,
 * use cases, governor) over in-memory ports, simulated SQS and a Textract stand-in, in virtual time.
 */
import { describe, expect, it } from "vitest";
import { reportOf, type ThroughputReport } from "../../../bench/throughput/report";
import { DEFAULT_SIMULATION, simulate, type SimulationSettings } from "../../../bench/throughput/simulation";

const run = async (settings: Partial<SimulationSettings> = {}): Promise<ThroughputReport> =>
  reportOf(await simulate({ ...DEFAULT_SIMULATION, documents: 300, ...settings }));

describe("throughput simulation (300 uploads, us-east-1 default quotas)", () => {
  it("files every upload once, dead-letters nothing and uses the TPS budgets while work waits", async () => {
    const report = await run();

    expect(report.lost).toBe(0);
    expect(report.duplicated).toBe(0);
    expect(report.dlq).toBe(0);
    expect(Object.values(report.statuses).reduce((a, b) => a + b, 0)).toBe(300);
    expect(report.utilization).toBeGreaterThanOrEqual(0.95);
    expect(report.utilizationByQuota.startTps).toBeGreaterThanOrEqual(0.95);
    expect(report.utilizationByQuota.getTps).toBeGreaterThanOrEqual(0.95);
    // The stand-in refused calls at random (a busy service), never for going over a quota.
    expect(report.throttles.overQuota).toEqual({ start: 0, get: 0 });
    expect(report.throttles.limitExceeded).toBe(0);
    expect(report.throttles.injected.start + report.throttles.injected.get).toBeGreaterThan(0);
    // Deferrals are not errors: nothing was logged as one.
    expect(Object.keys(report.logged).filter((line) => line.startsWith("error"))).toEqual([]);
    expect(report.ingestReceives.max).toBeLessThan(report.ingestReceives.maxReceiveCount);
    expect(report.wallVsIdeal).toBeLessThan(1.25);
  }, 60_000);

  it("keeps jobs in progress within the job budget when the slots run out (line and wake-ups)", async () => {
    const report = await run({ quotas: { startTps: 15, getTps: 10, maxJobs: 20 } });

    expect(report.budget.maxJobs).toBe(18);
    expect(report.maxJobsInProgress).toBeLessThanOrEqual(18);
    expect(report.throttles.limitExceeded).toBe(0);
    expect(report.deferrals["job-slot"]).toBeGreaterThan(100);
    expect(report.lost).toBe(0);
    expect(report.duplicated).toBe(0);
    expect(report.dlq).toBe(0);
    expect(report.ingestReceives.max).toBeLessThan(report.ingestReceives.maxReceiveCount);
    expect(report.utilizationByQuota.jobSlots).toBeGreaterThanOrEqual(0.95);
  }, 60_000);

  it("goes over Textract's quotas without the governor (the stand-in enforces them)", async () => {
    const report = await run({ governor: false });

    expect(report.throttles.overQuota.start).toBeGreaterThan(0);
    expect(report.throttles.overQuota.get).toBeGreaterThan(0);
  }, 60_000);

  it("gives the same figures for the same seed", async () => {
    const [a, b] = [await run({ documents: 100 }), await run({ documents: 100 })];
    expect({ ...a, realSeconds: 0 }).toEqual({ ...b, realSeconds: 0 });
  }, 60_000);
});
