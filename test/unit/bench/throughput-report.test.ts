import { describe, expect, it } from "vitest";
import { quantile, utilizationWhileQueued } from "../../../bench/throughput/report";
import type { Sample } from "../../../bench/throughput/simulation";

const sample = (second: number, awaitingStart: number): Sample => ({
  second,
  awaitingStart,
  slotsHeld: 0,
  getsPending: 0,
  jobsWithPagesPending: 0,
  jobsRunning: 0,
  inLine: 0,
});

describe("throughput report", () => {
  it("measures a budget's use over the seconds work waited for it, not over idle ones", () => {
    // Work waits in seconds 0–2; nothing waits in seconds 3–5.
    const samples = [10, 10, 10, 0, 0, 0, 0].map((n, second) => sample(second, n));
    // 9, 10 and 8 calls in the queued seconds; a few more in the idle ones (they do not count).
    const calls = [
      ...Array.from({ length: 9 }, (_, i) => i * 100),
      ...Array.from({ length: 10 }, (_, i) => 1000 + i * 90),
      ...Array.from({ length: 8 }, (_, i) => 2000 + i * 100),
      3500,
      4500,
    ];
    const queued = (s: Sample, next: Sample) => s.awaitingStart >= 10 && next.awaitingStart > 0;
    // Second 2's next sample has nothing waiting: the queue emptied during it, so it does not count.
    expect(utilizationWhileQueued(samples, calls, 10, queued)).toEqual({ utilization: 19 / 20, seconds: 2 });
    expect(utilizationWhileQueued(samples.slice(3), calls, 10, queued)).toEqual({
      utilization: null,
      seconds: 0,
    });
  });

  it("takes quantiles by nearest rank", () => {
    expect(quantile([3, 1, 2, 5, 4], 0.5)).toBe(3);
    expect(
      quantile(
        Array.from({ length: 100 }, (_, i) => i + 1),
        0.99,
      ),
    ).toBe(99);
    expect(quantile([], 0.99)).toBe(0);
  });
});
