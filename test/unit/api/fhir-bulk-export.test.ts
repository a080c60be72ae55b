/**
 * FHIR Bulk Data export as a downstream system runs it: kick-off, poll, worker, manifest, NDJSON that the
 * validator accepts line by line, and one disclosure per patient in the accounting before any link is given.
 */
import type { DocumentReference, Patient } from "@medplum/fhirtypes";
import { describe, expect, it } from "vitest";
import { createReprocessWorkerHandler } from "../../../functions/reprocess-worker/handler";
import { EXPORT_MAX_RECEIVES } from "../../../shared/fhir/bulk-export/run-export";
import type { ChartRecord } from "../../../shared/domain/chart-record";
import { exportMessage } from "../../../shared/adapters/sqs/sqs-export-queue";
import { DISCLOSURES_PER_POLL } from "../../../shared/api/routes/fhir/bulk-export";
import { toSearchDocument } from "../../../shared/search/to-search-document";
import { apiHarness, exportDepsOf, indexedRecord, MRN, type ApiHarness } from "../../support/api-harness";
import {
  expectUsCoreDocumentReference,
  expectValidFhir,
  US_CORE_PATIENT_PROFILE,
} from "../../support/fhir-validator";
import { context, silentLogger, sqsEvent } from "../handlers/fakes";

const KICK_OFF = {
  "x-purpose-of-use": "TREATMENT",
  accept: "application/fhir+json",
  prefer: "respond-async",
};
const POLL = { "x-purpose-of-use": "TREATMENT" };

/** `n` more patients, one filed chart each. */
async function addPatients(api: ApiHarness, n: number): Promise<ChartRecord[]> {
  const added: ChartRecord[] = [];
  for (let i = 0; i < n; i++) {
    const base = indexedRecord(`doc_${String(i).padStart(32, "f")}`);
    const record: ChartRecord = {
      ...base,
      fields: { ...base.fields, mrn: { ...base.fields.mrn!, value: `90${String(i).padStart(6, "0")}` } },
    };
    api.deps.records.put(record);
    await api.deps.search.upsert(toSearchDocument(record, "Progress note."));
    added.push(record);
  }
  return added;
}

async function runWorker(api: ApiHarness): Promise<void> {
  const worker = createReprocessWorkerHandler(() => ({
    ...api.deps,
    exportDeps: exportDepsOf(api.deps),
    logger: silentLogger(),
  }));
  const ids = api.deps.exportQueue.sent.splice(0);
  const result = await worker(
    sqsEvent(...ids.map((id) => JSON.parse(exportMessage(id)) as unknown)),
    context,
  );
  expect(result.batchItemFailures).toEqual([]);
}

const statusPath = (location: string) => new URL(location).pathname;
const job0 = (api: ApiHarness) =>
  [...api.deps.exports.jobs.values()].find((j) => j.level === "system" && j.patients > 0)!;

describe("FHIR bulk export", () => {
  it("exports every filed chart and its patient as NDJSON, after recording one disclosure per patient", async () => {
    const api = await apiHarness();
    const others = await addPatients(api, DISCLOSURES_PER_POLL + 20);
    const kick = await api.call("fhir-client", { path: "/fhir/$export", headers: KICK_OFF });
    expect(kick.status).toBe(202);
    const location = kick.headers["Content-Location"]!;
    expect(location).toMatch(/\/fhir\/\$export-status\/exp_[0-9a-f-]{36}$/);

    const running = await api.call("fhir-client", { path: statusPath(location), headers: POLL });
    expect(running.status).toBe(202);
    expect(running.headers["X-Progress"]).toBe("exporting");

    await runWorker(api);
    const first = await api.call("fhir-client", { path: statusPath(location), headers: POLL });
    expect(first.status, JSON.stringify(first.body)).toBe(202);
    expect(first.headers["X-Progress"]).toBe(
      `recording disclosures ${DISCLOSURES_PER_POLL} of ${others.length + 1}`,
    );
    const done = await api.call("fhir-client", { path: statusPath(location), headers: POLL });
    expect(done.status).toBe(200);
    const manifest = done.body as {
      transactionTime: string;
      request: string;
      requiresAccessToken: boolean;
      output: { type: string; url: string; count: number }[];
      error: unknown[];
    };
    expect(manifest).toMatchObject({ requiresAccessToken: false, error: [] });
    expect(manifest.request).toMatch(/\/fhir\/\$export$/);
    // Five minutes before the kick-off: the next `_since` export overlaps this one rather than leave a gap.
    expect(Date.parse(job0(api).createdAt) - Date.parse(manifest.transactionTime)).toBe(300_000);
    expect(manifest.output.map((o) => [o.type, o.count])).toEqual([
      ["DocumentReference", others.length + 1],
      ["Patient", others.length + 1],
    ]);

    // Every line of every file is a valid resource (US Core Patient; US Core DocumentReference's elements).
    const job = [...api.deps.exports.jobs.values()][0]!;
    for (const output of job.outputs) {
      const lines = (await api.deps.objects.getText("results", output.key)).trimEnd().split("\n");
      expect(lines).toHaveLength(output.count);
      for (const line of lines) {
        const resource = JSON.parse(line) as Patient | DocumentReference;
        if (resource.resourceType === "Patient") expectValidFhir(resource, US_CORE_PATIENT_PROFILE);
        else expectUsCoreDocumentReference(resource);
      }
    }

    // One disclosure per patient, with the records the files hold.
    const disclosures = await api.call("records-staff", { path: `/patients/${MRN}/disclosures` });
    expect((disclosures.body as { disclosures: unknown[] }).disclosures).toEqual([
      expect.objectContaining({
        action: "bulk.export",
        recipient: "hie-client-id",
        recordIds: [api.record.id],
      }),
    ]);
    expect(api.deps.audit.events.filter((e) => e.action === "bulk.export")).toHaveLength(others.length + 1);

    // Polling again links anew and records nothing twice.
    await api.call("fhir-client", { path: statusPath(location), headers: POLL });
    expect(api.deps.audit.events.filter((e) => e.action === "bulk.export")).toHaveLength(others.length + 1);
  });

  it("exports only what changed since _since, and only the types asked for", async () => {
    const api = await apiHarness();
    const kick = await api.call("fhir-client", {
      path: "/fhir/Patient/$export",
      query: { _type: "DocumentReference", _since: "2026-11-20T10:00:06Z" },
      headers: KICK_OFF,
    });
    expect(kick.status).toBe(202);
    const later = await api.call("fhir-client", {
      path: "/fhir/$export",
      query: { _since: "2030-01-01T00:00:00Z" },
      headers: KICK_OFF,
    });
    await runWorker(api);
    const one = await api.call("fhir-client", {
      path: statusPath(kick.headers["Content-Location"]!),
      headers: POLL,
    });
    expect((one.body as { output: { type: string; count: number }[] }).output).toEqual([
      expect.objectContaining({ type: "DocumentReference", count: 1 }),
    ]);
    const none = await api.call("fhir-client", {
      path: statusPath(later.headers["Content-Location"]!),
      headers: POLL,
    });
    expect(none.status).toBe(200);
    expect((none.body as { output: unknown[] }).output).toEqual([
      expect.objectContaining({ type: "DocumentReference", count: 0 }),
    ]);
  });

  it("refuses a kick-off it cannot honour, and hides one client's export from others", async () => {
    const api = await apiHarness();
    const cases: [Record<string, string>, Record<string, string>, RegExp][] = [
      [{}, { ...KICK_OFF, prefer: "" }, /respond-async/],
      [{ _type: "Observation" }, KICK_OFF, /_type: this server exports Patient and DocumentReference/],
      [{ _outputFormat: "application/fhir+xml" }, KICK_OFF, /_outputFormat/],
      [{ _typeFilter: "DocumentReference?type=x" }, KICK_OFF, /not supported/],
      [{ _since: "yesterday" }, KICK_OFF, /^_since: must be a date/],
    ];
    for (const [query, headers, message] of cases) {
      const res = await api.call("fhir-client", { path: "/fhir/$export", query, headers });
      expect(res.status, JSON.stringify(query)).toBe(400);
      expect((res.body as { message: string }).message).toMatch(message);
    }
    const kick = await api.call("fhir-client", { path: "/fhir/$export", headers: KICK_OFF });
    const path = statusPath(kick.headers["Content-Location"]!);
    const stranger = await api.call("admin", { path, headers: POLL });
    expect(stranger.status).toBe(403);
  });
});

describe("FHIR bulk export that fails", () => {
  it("retries, then marks the job FAILED on the last delivery so its status URL says so", async () => {
    const api = await apiHarness();
    const kick = await api.call("fhir-client", { path: "/fhir/$export", headers: KICK_OFF });
    const [jobId] = api.deps.exportQueue.sent.splice(0);
    const broken = {
      ...exportDepsOf(api.deps),
      objects: {
        ...api.deps.objects,
        putStream: () => Promise.reject(new Error("S3 is down for Maria Lopez")),
        putJson: api.deps.objects.putJson.bind(api.deps.objects),
      },
    };
    const worker = createReprocessWorkerHandler(() => ({
      ...api.deps,
      exportDeps: broken,
      logger: silentLogger(),
    }));
    const delivery = (count: number) => {
      const event = sqsEvent(JSON.parse(exportMessage(jobId!)) as unknown);
      event.Records[0]!.attributes = { ApproximateReceiveCount: String(count) } as never;
      return event;
    };
    expect((await worker(delivery(1), context)).batchItemFailures).toEqual([{ itemIdentifier: "m1" }]);
    const poll = () =>
      api.call("fhir-client", { path: statusPath(kick.headers["Content-Location"]!), headers: POLL });
    expect((await poll()).status).toBe(202);
    expect((await worker(delivery(EXPORT_MAX_RECEIVES), context)).batchItemFailures).toEqual([]);
    const failed = await poll();
    expect(failed.status).toBe(500);
    expect(failed.body).toMatchObject({ resourceType: "OperationOutcome", issue: [{ severity: "fatal" }] });
    expect(JSON.stringify(failed.body)).not.toMatch(/Maria|S3/);
  });
});
