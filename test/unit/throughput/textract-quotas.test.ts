/** The budget the governor paces to: the region's default quotas (or the configured ones) less the margin. */
import { describe, expect, it } from "vitest";
import { loadConfig, throughputBudget } from "../../../shared/config";
import { budgetOf, defaultTextractQuotas } from "../../../shared/throughput/textract-quotas";

describe("Textract quotas and the governor's budget", () => {
  it("knows us-east-1's and us-west-2's defaults, by feature set", () => {
    for (const region of ["us-east-1", "us-west-2"]) {
      expect(defaultTextractQuotas(region, "text")).toEqual({ startTps: 15, getTps: 10, maxJobs: 600 });
      expect(defaultTextractQuotas(region, "forms")).toEqual({ startTps: 10, getTps: 10, maxJobs: 600 });
    }
  });

  it("assumes the lowest quotas elsewhere, until the account's real ones are configured", () => {
    expect(defaultTextractQuotas("eu-west-2", "forms")).toEqual({ startTps: 1, getTps: 5, maxJobs: 100 });
  });

  it("holds the margin back, keeping fractional rates and at least one job", () => {
    expect(budgetOf({ startTps: 15, getTps: 10, maxJobs: 600 }, 0.1)).toEqual({
      startTps: 13.5,
      getTps: 9,
      maxJobs: 540,
    });
    expect(budgetOf({ startTps: 1, getTps: 1, maxJobs: 1 }, 0.5).maxJobs).toBe(1);
    expect(() => budgetOf({ startTps: 1, getTps: 1, maxJobs: 1 }, 0.6)).toThrow(RangeError);
  });

  it("takes the configured quotas over the region's defaults", () => {
    const base = { AWS_REGION: "eu-central-1", OCR_FEATURES: "text", TEXTRACT_QUOTA_MARGIN: "0" };
    expect(throughputBudget(loadConfig(base))).toEqual({ startTps: 1, getTps: 5, maxJobs: 100 });
    expect(
      throughputBudget(
        loadConfig({ ...base, TEXTRACT_START_TPS: "4", TEXTRACT_GET_TPS: "6", TEXTRACT_MAX_JOBS: "250" }),
      ),
    ).toEqual({ startTps: 4, getTps: 6, maxJobs: 250 });
  });
});
