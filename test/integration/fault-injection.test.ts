/**
 * Nothing lost, nothing misfiled: 200 documents of a vendor batch through the real local stack while DynamoDB
 * and S3 throttle and fail, Textract throttles, fails and loses jobs, queue messages and stream batches are
 * delivered twice and out of order, and DynamoDB Local is killed mid-run (test/support/faults).
 */
import { describe, expect, it } from "vitest";
import { runFaultScenario } from "../support/faults/fault-scenario";

describe("a batch under injected faults", () => {
  it("ends every file final, none twice, none lost, search current, nothing dead-lettered", async () => {
    const tally = await runFaultScenario({ documents: 200, seed: 7 });
    // Every kind of fault actually happened.
    for (const [kind, n] of Object.entries(tally.injected)) expect(n, kind).toBeGreaterThan(0);
    expect(tally.outcome).toMatchObject({
      final: 200,
      notFinal: 0,
      duplicated: 0,
      lost: 0,
      staleSearch: 0,
      deadLetters: 0,
    });
    // Jobs Textract lost end FAILED with their reason; the rest are filed (no text: review).
    expect(tally.outcome.byState.FAILED).toBe(tally.injected.textractFailedJob);
    expect((tally.outcome.byState.FAILED ?? 0) + (tally.outcome.byState.NEEDS_REVIEW ?? 0)).toBe(200);
  }, 900_000);
});
