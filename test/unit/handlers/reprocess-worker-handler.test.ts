import { describe, expect, it } from "vitest";
import { createReprocessWorkerHandler } from "../../../functions/reprocess-worker/handler";
import { chunksOf } from "../../../shared/jobs/reprocess-job";
import { apiHarness, exportDepsOf, MRN } from "../../support/api-harness";
import { context, silentLogger, sqsEvent } from "./fakes";

describe("reprocess-worker handler", () => {
  it("processes queued chunks, and fails only the message that is not a chunk", async () => {
    const api = await apiHarness();
    const created = await api.call("admin", {
      method: "POST",
      path: "/reprocess",
      body: JSON.stringify({ search: { mrn: MRN } }),
    });
    const jobId = (created.body as { id: string }).id;
    const [chunk] = api.deps.jobQueue.take();
    const handler = createReprocessWorkerHandler(() => ({
      ...api.deps,
      exportDeps: exportDepsOf(api.deps),
      logger: silentLogger(),
    }));
    const result = await handler(
      sqsEvent(chunk, { jobId: "job_../../etc", chunk: 0, recordIds: [] }, "not json"),
      context,
    );
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: "m2" }, { itemIdentifier: "m3" }]);
    expect(await api.deps.jobs.get(jobId)).toMatchObject({ status: "COMPLETED", reprocessed: 1 });
  });

  it("numbers chunks of ten", () => {
    const ids = Array.from({ length: 23 }, (_, i) => `doc_${i}`);
    expect(chunksOf("job_x", ids).map((c) => [c.chunk, c.recordIds.length])).toEqual([
      [0, 10],
      [1, 10],
      [2, 3],
    ]);
  });
});
