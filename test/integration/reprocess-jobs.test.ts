import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { buildChartSpec } from "../../samples/generator/chart-spec";
import { toPng } from "../../samples/generator/render-chart";
import { createDocumentClient } from "../../shared/adapters/dynamodb/dynamodb-client";
import { JobRepository } from "../../shared/adapters/dynamodb/job-repository";
import type { ChartRecord } from "../../shared/domain/chart-record";
import { JobNotFoundError, newReprocessJob, type ReprocessJob } from "../../shared/jobs/reprocess-job";
import { stackClient } from "./stack-client";

const ADMIN = { user: "alice", groups: ["admin" as const] };
const ok = (n: number) => ({ reprocessed: n, skipped: 0, failed: 0, failures: [] });

describe("reprocess jobs in the records table (DynamoDB Local)", () => {
  const jobs = new JobRepository(
    createDocumentClient(
      new DynamoDBClient({
        endpoint: inject("dynamoDbEndpoint"),
        region: "us-east-1",
        credentials: { accessKeyId: "local", secretAccessKey: "local" },
      }),
    ),
    inject("tableName"),
  );

  it("adds chunks arriving together, counts a redelivered one once, and completes exactly once", async () => {
    const job = newReprocessJob(
      "job_00000000-0000-4000-8000-0000000000a1",
      { sub: "s", name: "alice" },
      95,
      "t0",
    );
    await jobs.create(job);
    await expect(jobs.create(job)).rejects.toThrow();
    const chunks = Array.from({ length: 10 }, (_, i) => i);
    const outcomes = await Promise.all(
      chunks.map((i) =>
        jobs.recordChunk(
          job.id,
          i,
          i === 3
            ? { reprocessed: 8, skipped: 1, failed: 1, failures: [{ recordId: "doc_x", code: "NOT_FOUND" }] }
            : ok(i === 9 ? 5 : 10),
          `t${i + 1}`,
        ),
      ),
    );
    expect(outcomes.filter((j) => j.status === "COMPLETED").length).toBeGreaterThanOrEqual(1);
    await jobs.recordChunk(job.id, 4, ok(10), "t99");
    expect(await jobs.get(job.id)).toMatchObject({
      status: "COMPLETED",
      total: 95,
      processed: 95,
      reprocessed: 93,
      skipped: 1,
      failed: 1,
      failures: [{ recordId: "doc_x", code: "NOT_FOUND" }],
    });
    expect((await jobs.get(job.id))!.completedAt).toBeDefined();
  });

  it("reports a chunk of a job that is not there", async () => {
    await expect(
      jobs.recordChunk("job_00000000-0000-4000-8000-0000000000ff", 0, ok(1), "t"),
    ).rejects.toBeInstanceOf(JobNotFoundError);
  });
});

describe("bulk reprocess through the local stack", () => {
  const stack = stackClient();
  let record: ChartRecord;

  beforeAll(async () => {
    const spec = buildChartSpec({ seed: 7373, documentType: "progress_note" });
    const id = await stack.upload("acme-scans/box-40/chart.png", toPng(spec));
    record = await stack.settled(id);
    await stack.searchUntil({ mrn: record.fields.mrn!.value }, id);
  });

  it("runs a search's records through the worker and reports the job complete", async () => {
    const res = await stack.request<ReprocessJob>("/reprocess", {
      as: ADMIN,
      method: "POST",
      body: { search: { mrn: record.fields.mrn!.value } },
    });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ status: "RUNNING", total: 1 });
    expect(res.headers.get("location")).toBe(`/jobs/${res.body.id}`);

    let job = res.body;
    for (let i = 0; i < 100 && job.status !== "COMPLETED"; i++) {
      await new Promise((r) => setTimeout(r, 100));
      job = (await stack.request<ReprocessJob>(`/jobs/${res.body.id}`, { as: ADMIN })).body;
    }
    expect(job).toMatchObject({ status: "COMPLETED", processed: 1, reprocessed: 1, failed: 0 });
    const after = (await stack.record(record.id))!;
    expect(after.version).toBeGreaterThan(record.version);
    expect(after.history.some((h) => h.detail === "reprocessed")).toBe(true);
    expect(after.fields.mrn?.value).toBe(record.fields.mrn!.value);
  });
});
