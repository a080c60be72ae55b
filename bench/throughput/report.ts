/**
 * What a throughput run comes to: quota utilization while work was queued, wall time against the least the
 * budget allows, throttles, lost and duplicated documents, dead letters. Pure functions of the run's records.
 */
import { renderTable } from "../bundles/report";
import type { Sample, SimulationOutcome } from "./simulation";

export interface ThroughputReport {
  documents: number;
  /** The lowest of the TPS budgets' utilizations below (Start…, Get…): each must be used while work waits. */
  utilization: number | null;
  utilizationByQuota: {
    /** Start… calls ÷ budget, over the seconds a second's worth of uploads waited to start and a job slot was free. */
    startTps: number | null;
    /** Get… calls ÷ budget, over the seconds more finished jobs waited to be read than the budget serves a second. */
    getTps: number | null;
    /** Job slots held ÷ job budget, over the seconds documents waited in line for one. */
    jobSlots: number | null;
  };
  queuedSeconds: { startTps: number; getTps: number; jobSlots: number };
  lost: number;
  duplicated: number;
  dlq: number;
  deadLetters: { ingest: number; ocrComplete: number };
  throttles: {
    /** Calls Textract refused: over a TPS quota, at random (busy service), over the job quota. */
    total: number;
    overQuota: { start: number; get: number };
    injected: { start: number; get: number };
    limitExceeded: number;
  };
  serverErrors: { start: number; get: number };
  statuses: Record<string, number>;
  wallSeconds: number;
  idealSeconds: number;
  wallVsIdeal: number;
  calls: { start: number; get: number };
  budget: { startTps: number; getTps: number; maxJobs: number };
  quotas: { startTps: number; getTps: number; maxJobs: number };
  maxJobsInProgress: number;
  ingestReceives: { mean: number; p99: number; max: number; maxReceiveCount: number };
  ocrCompleteReceives: { max: number };
  deferrals: Record<string, number>;
  logged: Record<string, number>;
  crashes: number;
  governor: { writes: number; conflicts: number };
  realSeconds: number;
}

/**
 * `calls` (ms) per queued second ÷ `rate`: how much of the budget was used while work waited for it. A second
 * counts when `queued(sample, next)` holds for its sample and the one after it (the state at its end).
 */
export function utilizationWhileQueued(
  samples: readonly Sample[],
  calls: readonly number[],
  rate: number,
  queued: (at: Sample, next: Sample) => boolean,
): { utilization: number | null; seconds: number } {
  const perSecond = new Map<number, number>();
  for (const t of calls) perSecond.set(Math.floor(t / 1000), (perSecond.get(Math.floor(t / 1000)) ?? 0) + 1);
  let seconds = 0;
  let used = 0;
  for (let i = 0; i + 1 < samples.length; i++) {
    if (!queued(samples[i]!, samples[i + 1]!)) continue;
    seconds++;
    used += perSecond.get(samples[i]!.second) ?? 0;
  }
  return { utilization: seconds > 0 ? used / (rate * seconds) : null, seconds };
}

/** The value at quantile `q` (0–1) of `values` (nearest rank); 0 for none. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0;
}

const round = (n: number, digits = 3) => Math.round(n * 10 ** digits) / 10 ** digits;

export function reportOf(run: SimulationOutcome): ThroughputReport {
  const { budget, samples } = run;
  const start = utilizationWhileQueued(
    samples,
    run.calls.start,
    budget.startTps,
    (s, next) =>
      s.awaitingStart >= budget.startTps &&
      next.awaitingStart > 0 &&
      s.slotsHeld < budget.maxJobs &&
      next.slotsHeld < budget.maxJobs,
  );
  // Result pages queue for the Get… budget when more jobs wait to be read than it serves in a second (one
  // job's pages are read one after another, so a few long results alone cannot use it).
  const get = utilizationWhileQueued(
    samples,
    run.calls.get,
    budget.getTps,
    (s, next) => s.jobsWithPagesPending >= budget.getTps && next.jobsWithPagesPending > 0,
  );
  const lineSeconds = samples.filter((s) => s.inLine > 0);
  const jobSlots = lineSeconds.length
    ? lineSeconds.reduce((sum, s) => sum + s.slotsHeld, 0) / (budget.maxJobs * lineSeconds.length)
    : null;
  const tps = [start.utilization, get.utilization].filter((u): u is number => u !== null);
  const { refused } = run;
  const dlq = run.deadLetters.ingest + run.deadLetters.ocrComplete;
  const wallSeconds = run.wallMs / 1000;
  const idealSeconds = run.idealMs / 1000;
  return {
    documents: run.settings.documents,
    utilization: tps.length ? round(Math.min(...tps)) : null,
    utilizationByQuota: {
      startTps: start.utilization === null ? null : round(start.utilization),
      getTps: get.utilization === null ? null : round(get.utilization),
      jobSlots: jobSlots === null ? null : round(jobSlots),
    },
    queuedSeconds: { startTps: start.seconds, getTps: get.seconds, jobSlots: lineSeconds.length },
    lost: run.lost,
    duplicated: run.duplicated,
    dlq,
    deadLetters: run.deadLetters,
    throttles: {
      total:
        refused.quota.start +
        refused.quota.get +
        refused.injected.start +
        refused.injected.get +
        refused.limitExceeded,
      overQuota: refused.quota,
      injected: refused.injected,
      limitExceeded: refused.limitExceeded,
    },
    serverErrors: refused.serverErrors,
    statuses: run.statuses,
    wallSeconds: round(wallSeconds, 1),
    idealSeconds: round(idealSeconds, 1),
    wallVsIdeal: round(wallSeconds / idealSeconds),
    calls: { start: run.calls.start.length, get: run.calls.get.length },
    budget: { startTps: round(budget.startTps, 2), getTps: round(budget.getTps, 2), maxJobs: budget.maxJobs },
    quotas: run.settings.quotas,
    maxJobsInProgress: run.maxJobsRunning,
    ingestReceives: {
      mean: round(run.ingestReceives.reduce((a, b) => a + b, 0) / Math.max(1, run.ingestReceives.length), 2),
      p99: quantile(run.ingestReceives, 0.99),
      max: Math.max(0, ...run.ingestReceives),
      maxReceiveCount: run.settings.ingestQueue.maxReceiveCount,
    },
    ocrCompleteReceives: { max: Math.max(0, ...run.ocrCompleteReceives) },
    deferrals: run.deferrals,
    logged: run.errorLogs,
    crashes: run.crashes,
    governor: { writes: run.governorWrites, conflicts: run.governorConflicts },
    realSeconds: round(run.realMs / 1000, 1),
  };
}

const pct = (u: number | null) => (u === null ? "-" : `${(u * 100).toFixed(1)} %`);

/** The report as a short table (what `npm run bench:throughput` prints). */
export function renderReport(r: ThroughputReport): string {
  const rows: [string, string, string][] = [
    [
      "documents",
      String(r.documents),
      Object.entries(r.statuses)
        .map(([s, n]) => `${s} ${n}`)
        .join(", "),
    ],
    ["utilization (min of TPS budgets)", pct(r.utilization), "target ≥ 95 % while work is queued"],
    [
      "  Start… TPS budget",
      pct(r.utilizationByQuota.startTps),
      `${r.budget.startTps}/s of ${r.quotas.startTps}/s, over ${r.queuedSeconds.startTps} s with uploads waiting and a slot free`,
    ],
    [
      "  Get… TPS budget",
      pct(r.utilizationByQuota.getTps),
      `${r.budget.getTps}/s of ${r.quotas.getTps}/s, over ${r.queuedSeconds.getTps} s with finished jobs waiting to be read`,
    ],
    [
      "  job slots held",
      pct(r.utilizationByQuota.jobSlots),
      `${r.budget.maxJobs} of ${r.quotas.maxJobs}, over ${r.queuedSeconds.jobSlots} s with documents in line; max in progress at Textract ${r.maxJobsInProgress}`,
    ],
    [
      "wall time / ideal",
      `${r.wallSeconds} s / ${r.idealSeconds} s`,
      `× ${r.wallVsIdeal} (ideal: the busiest quota at its budget)`,
    ],
    [
      "throttles",
      String(r.throttles.total),
      `over quota: Start ${r.throttles.overQuota.start}, Get ${r.throttles.overQuota.get}; injected: Start ${r.throttles.injected.start}, Get ${r.throttles.injected.get}; LimitExceeded ${r.throttles.limitExceeded}`,
    ],
    [
      "server errors (5xx)",
      String(r.serverErrors.start + r.serverErrors.get),
      `Start ${r.serverErrors.start}, Get ${r.serverErrors.get}`,
    ],
    ["lost", String(r.lost), "documents not in a final state"],
    ["duplicated", String(r.duplicated), "documents OCRed or extracted twice"],
    [
      "dead-letter queue",
      String(r.dlq),
      `ingest ${r.deadLetters.ingest}, ocr-complete ${r.deadLetters.ocrComplete}`,
    ],
    [
      "ingest receives per upload",
      `mean ${r.ingestReceives.mean}`,
      `p99 ${r.ingestReceives.p99}, max ${r.ingestReceives.max} (maxReceiveCount ${r.ingestReceives.maxReceiveCount})`,
    ],
    [
      "deferrals",
      String(Object.values(r.deferrals).reduce((a, b) => a + b, 0)),
      Object.entries(r.deferrals)
        .map(([k, n]) => `${k} ${n}`)
        .join(", ") || "-",
    ],
    ["calls accepted", `Start ${r.calls.start}`, `Get ${r.calls.get}`],
    ["real time", `${r.realSeconds} s`, `${r.crashes} lost Lambda responses injected`],
  ];
  return renderTable(["", "figure", "detail"], rows);
}
