import { beforeAll, describe, expect, it } from "vitest";
import { buildChartSpec } from "../../samples/generator/chart-spec";
import { toPng } from "../../samples/generator/render-chart";
import type { ChartRecord } from "../../shared/domain/chart-record";
import type { SearchResult } from "../../shared/search/search-index";
import { stackClient } from "./stack-client";

const SAM = { user: "samira-staff", groups: ["records-staff" as const] };
const ADMIN = { user: "alice", groups: ["admin" as const] };
const ACME = { user: "acme-uploader", groups: ["vendor" as const], vendor: "acme-scans" };
const ZETA = { user: "zeta-uploader", groups: ["vendor" as const], vendor: "zeta-scans" };
const EHR = { client: "ehr-of-st-mary", scopes: ["records/read"] };

/** The local stack's HTTP server and the api handler, with tokens as `chartbridge token` prints them. */
describe("who may see what, and the audit trail of it (local stack)", () => {
  const stack = stackClient();
  let record: ChartRecord;
  let uploaded: Uint8Array;

  beforeAll(async () => {
    const spec = buildChartSpec({ seed: 9191, documentType: "progress_note" });
    uploaded = toPng(spec);
    const id = await stack.upload("acme-scans/box-12/chart.png", uploaded);
    record = await stack.settled(id);
    await stack.searchUntil({ mrn: record.fields.mrn!.value }, id);
  });

  it("answers 401 without a token and with a forged one, and keeps /health open", async () => {
    const none = await fetch(new URL(`/records/${record.id}`, stack.apiUrl));
    expect(none.status).toBe(401);
    const forged = await fetch(new URL("/search?q=x", stack.apiUrl), {
      headers: { authorization: "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0." },
    });
    expect(forged.status).toBe(401);
    expect((await fetch(new URL("/health", stack.apiUrl))).status).toBe(200);
  });

  it("shows a vendor its own upload's status only, and another vendor nothing (404, not 403)", async () => {
    const own = await stack.request<Record<string, unknown>>(`/records/${record.id}`, { as: ACME });
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ id: record.id, status: record.status });
    expect(own.body).not.toHaveProperty("fields");
    expect((await stack.request(`/records/${record.id}`, { as: ZETA })).status).toBe(404);
    expect((await stack.request("/search?q=note", { as: ACME })).status).toBe(403);
  });

  it("lists each read of records staff in the admin's access report with the exact record ids", async () => {
    const search = await stack.request<SearchResult>(`/search?mrn=${record.fields.mrn!.value}`, { as: SAM });
    expect(search.body.hits.map((h) => h.id)).toContain(record.id);
    expect((await stack.request(`/records/${record.id}`, { as: SAM })).status).toBe(200);

    const report = await stack.request<{ events: { user: string; action: string; recordIds: string[] }[] }>(
      `/audit?user=samira-staff`,
      { as: ADMIN },
    );
    expect(report.status).toBe(200);
    expect(report.body.events.map((e) => [e.action, e.recordIds])).toEqual([
      ["search", search.body.hits.map((h) => h.id)],
      ["record.read", [record.id]],
    ]);
    expect((await stack.request("/audit?user=samira-staff", { as: SAM })).status).toBe(403);
  });

  it("lets records staff correct a field, visible in search within 5 s and in the access report", async () => {
    const current = await stack.request<ChartRecord>(`/records/${record.id}`, { as: SAM });
    const corrected = await stack.request<ChartRecord>(`/records/${record.id}`, {
      as: SAM,
      method: "PATCH",
      headers: { "if-match": current.headers.get("etag")! },
      body: { fields: { facility: "Saint Mary Correction Clinic" }, reason: "facility stamp misread" },
    });
    expect(corrected.status).toBe(200);
    expect(corrected.body.fields.facility).toMatchObject({
      value: "Saint Mary Correction Clinic",
      source: "human",
    });

    const deadline = Date.now() + 5_000;
    let found = false;
    while (!found && Date.now() < deadline) {
      const hits = await stack.request<SearchResult>("/search?q=Correction%20Clinic", { as: SAM });
      found = hits.body.hits.some((h) => h.id === record.id);
      if (!found) await new Promise((r) => setTimeout(r, 200));
    }
    expect(found).toBe(true);

    const stale = await stack.request(`/records/${record.id}`, {
      as: SAM,
      method: "PATCH",
      headers: { "if-match": current.headers.get("etag")! },
      body: { fields: { facility: "Other" }, reason: "x" },
    });
    expect(stale.status).toBe(412);

    const report = await stack.request<{ events: { action: string; recordIds: string[] }[] }>(
      `/audit?recordId=${record.id}`,
      { as: ADMIN },
    );
    expect(report.body.events.map((e) => e.action)).toContain("record.correct");
  });

  it("hands records staff short-lived links to the page image and the original that the local S3 honours", async () => {
    const page = await stack.request<{ url: string; fields: { name: string }[]; width: number }>(
      `/records/${record.id}/pages/1`,
      { as: SAM },
    );
    expect(page.status).toBe(200);
    expect(page.body.fields.map((f) => f.name)).toContain("mrn");
    const png = Buffer.from(await (await fetch(page.body.url)).arrayBuffer());
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    const tampered = page.body.url.replace(
      /X-Amz-Signature=([0-9a-f])/,
      (_m, c: string) => `X-Amz-Signature=${c === "0" ? "1" : "0"}`,
    );
    expect((await fetch(tampered)).status).toBe(403);

    const original = await stack.request<{ url: string; contentType: string }>(
      `/records/${record.id}/original`,
      { as: SAM },
    );
    expect(original.body.contentType).toBe("image/png");
    expect(
      Buffer.from(await (await fetch(original.body.url)).arrayBuffer()).equals(Buffer.from(uploaded)),
    ).toBe(true);
    expect((await stack.request(`/records/${record.id}/original`, { as: ACME })).status).toBe(403);
  });

  it("accounts for a downstream system's read as a disclosure of the patient's record", async () => {
    const mrn = record.fields.mrn!.value;
    const read = await stack.request(`/records/${record.id}`, {
      as: EHR,
      headers: { "x-purpose-of-use": "TREATMENT" },
    });
    expect(read.status).toBe(200);
    const accounting = await stack.request<{
      disclosures: { recipient: string; recordIds: string[]; purposeOfUse: string }[];
    }>(`/patients/${encodeURIComponent(mrn)}/disclosures`, { as: SAM });
    expect(accounting.body.disclosures).toEqual([
      expect.objectContaining({
        recipient: "ehr-of-st-mary",
        recordIds: [record.id],
        purposeOfUse: "TREATMENT",
      }),
    ]);
  });
});
