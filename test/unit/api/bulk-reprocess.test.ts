import { describe, expect, it } from "vitest";
import type { ReprocessJob } from "../../../shared/jobs/reprocess-job";
import { runReprocessChunk } from "../../../shared/pipeline/bulk-reprocess";
import { toSearchDocument } from "../../../shared/search/to-search-document";
import { apiHarness, MRN, type ApiHarness } from "../../support/api-harness";

const RECORD = "doc_0123456789abcdef0123456789abcdef";
const start = (search: Record<string, string>) => ({
  method: "POST",
  path: "/reprocess",
  body: JSON.stringify({ search }),
});

/** The worker: every queued chunk, as the queue would deliver it. */
async function drain(api: ApiHarness): Promise<void> {
  for (const chunk of api.deps.jobQueue.take()) await runReprocessChunk(chunk, api.deps);
}

async function job(api: ApiHarness, id: string): Promise<ReprocessJob> {
  const res = await api.call("admin", { path: `/jobs/${id}` });
  expect(res.status).toBe(200);
  return res.body as ReprocessJob;
}

let nextId = 0;

/** `n` more indexed copies of the harness record (other ids), so a search matches n + 1. */
async function moreRecords(api: ApiHarness, n: number, status: "INDEXED" | "REJECTED" = "INDEXED") {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const id = `doc_${String(nextId++).padStart(32, "a")}`;
    const record = { ...api.record, id, status };
    api.deps.records.put(record);
    await api.deps.objects.putJson(
      "results",
      `ocr/${id}/textract.json`,
      await api.deps.objects.getJson("results", `ocr/${RECORD}/textract.json`),
    );
    await api.deps.search.upsert(toSearchDocument(record, "Progress note."));
    ids.push(id);
  }
  return ids;
}

describe("POST /reprocess (bulk) and GET /jobs/{id}", () => {
  it("snapshots the search's records, audits them, queues chunks and reports progress to completion", async () => {
    const api = await apiHarness();
    const others = await moreRecords(api, 11);
    const res = await api.call("admin", start({ mrn: MRN }));
    expect(res.status).toBe(202);
    const created = res.body as ReprocessJob;
    expect(res.headers.Location).toBe(`/jobs/${created.id}`);
    expect(created).toMatchObject({ status: "RUNNING", total: 12, chunks: 2, processed: 0 });
    // Every record is named in the audit trail before any is changed.
    expect(api.deps.audit.events.at(-1)).toMatchObject({
      action: "record.reprocess",
      recordIds: expect.arrayContaining([RECORD, ...others]),
      mrns: [MRN],
    });
    expect(api.deps.jobQueue.sent.map((c) => c.recordIds.length)).toEqual([10, 2]);

    const [first, second] = api.deps.jobQueue.take();
    await runReprocessChunk(first!, api.deps);
    expect(await job(api, created.id)).toMatchObject({ status: "RUNNING", processed: 10, reprocessed: 10 });
    await runReprocessChunk(second!, api.deps);
    const done = await job(api, created.id);
    expect(done).toMatchObject({
      status: "COMPLETED",
      processed: 12,
      reprocessed: 12,
      failed: 0,
      failures: [],
    });
    expect(done.completedAt).toBeDefined();
    const saved = (await api.deps.records.get(RECORD))!;
    expect(saved.version).toBe(5);
    expect(saved.history.at(-1)).toMatchObject({ detail: "reprocessed" });
  });

  it("counts a redelivered chunk once", async () => {
    const api = await apiHarness();
    const created = (await api.call("admin", start({ mrn: MRN }))).body as ReprocessJob;
    const [chunk] = api.deps.jobQueue.take();
    await runReprocessChunk(chunk!, api.deps);
    await runReprocessChunk(chunk!, api.deps);
    expect(await job(api, created.id)).toMatchObject({
      status: "COMPLETED",
      total: 1,
      processed: 1,
      reprocessed: 1,
    });
  });

  it("skips records that cannot be reprocessed and lists the ones that failed, and still completes", async () => {
    const api = await apiHarness();
    const [rejected] = await moreRecords(api, 1, "REJECTED");
    const [gone] = await moreRecords(api, 1);
    const created = (await api.call("admin", start({ mrn: MRN }))).body as ReprocessJob;
    api.deps.records.delete(gone!);
    await drain(api);
    expect(await job(api, created.id)).toMatchObject({
      status: "COMPLETED",
      total: 3,
      reprocessed: 1,
      skipped: 1,
      failed: 1,
      failures: [{ recordId: gone, code: "NOT_FOUND" }],
    });
    expect((await api.deps.records.get(rejected!))!.version).toBe(api.record.version);
  });

  it("completes with the unqueued records listed when the queue refuses their chunk", async () => {
    const api = await apiHarness();
    api.deps.jobQueue.failNextSend = true;
    const res = await api.call("admin", start({ mrn: MRN }));
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({
      status: "COMPLETED",
      failed: 1,
      failures: [{ recordId: RECORD, code: "QUEUE_UNAVAILABLE" }],
    });
  });

  it("refuses a search with no criterion, an unknown criterion and a bad value, without echoing them", async () => {
    const api = await apiHarness();
    for (const search of [{}, { status: "" }] as Record<string, string>[]) {
      const res = await api.call("admin", start(search));
      expect(res.status).toBe(400);
      expect((res.body as { message: string }).message).toMatch(/at least one criterion/);
    }
    const unknown = await api.call("admin", start({ "Maria Lopez": "x" }));
    expect(unknown.status).toBe(400);
    expect(JSON.stringify(unknown.body)).not.toMatch(/Maria/);
    const bad = await api.call("admin", start({ dob: "03/14/1962" }));
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).not.toMatch(/1962/);
    expect(api.deps.jobQueue.sent).toEqual([]);
  });

  it("refuses a search matching more than 2,000 records (400), before auditing or queueing anything", async () => {
    const api = await apiHarness();
    const events = api.deps.audit.events.length;
    api.deps.search.search = async () => ({
      total: 2001,
      hits: [],
      facets: { documentType: [], status: [], facility: [], yearOfService: [] },
    });
    const res = await api.call("admin", start({ type: "other" }));
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ message: expect.stringMatching(/more than 2000 records; narrow it/) });
    expect(api.deps.jobQueue.sent).toEqual([]);
    expect(api.deps.audit.events.length).toBe(events);
  });

  it("changes nothing when the audit event cannot be written (fail closed)", async () => {
    const api = await apiHarness();
    api.deps.audit.fail = true;
    // The router answers 500 to what it cannot audit (the Lambda handler turns the throw into the body).
    await expect(api.call("admin", start({ mrn: MRN }))).rejects.toThrow();
    expect(api.deps.jobQueue.sent).toEqual([]);
    expect(api.deps.jobs.jobs.size).toBe(1);
  });

  it("answers 404 for a job that does not exist and 400 for something that is not a job id", async () => {
    const api = await apiHarness();
    expect((await api.call("admin", { path: "/jobs/job_00000000-0000-4000-8000-00000000ffff" })).status).toBe(
      404,
    );
    expect((await api.call("admin", { path: "/jobs/../../records" })).status).toBe(404);
    expect((await api.call("admin", { path: "/jobs/not-a-job" })).status).toBe(400);
  });
});
