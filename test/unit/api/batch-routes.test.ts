/** The batch routes as a vendor and the hospital meet them: answers, refusals and the report's formats. */
import { describe, expect, it } from "vitest";
import { apiHarness, BATCH_ID } from "../../support/api-harness";

const manifest = (name: string, files = [{ name: "a.pdf", size: 10, sha256: "ef".repeat(32) }]) =>
  JSON.stringify({ name, files });

describe("batch routes", () => {
  it("creates a batch (201), returns it again for the same manifest (200), refuses another manifest (409)", async () => {
    const api = await apiHarness();
    const first = await api.call("vendor", { method: "POST", path: "/batches", body: manifest("box-9") });
    expect(first.status).toBe(201);
    expect(first.headers.Location).toMatch(/^\/batches\/bat_[0-9a-f]{32}$/);
    expect(first.body).toMatchObject({
      batch: {
        vendor: "acme",
        name: "box-9",
        status: "OPEN",
        expectedFiles: 1,
        counts: { AWAITING_UPLOAD: 1 },
      },
      uploadTargets: [{ name: "a.pdf", method: "PUT" }],
    });
    const again = await api.call("vendor", { method: "POST", path: "/batches", body: manifest("box-9") });
    expect(again.status).toBe(200);
    const other = await api.call("vendor", {
      method: "POST",
      path: "/batches",
      body: manifest("box-9", [{ name: "b.pdf", size: 1, sha256: "ab".repeat(32) }]),
    });
    expect(other).toMatchObject({ status: 409, body: { error: "Conflict" } });
  });

  it("gives targets for manifest entries only, and none once the batch is closed", async () => {
    const api = await apiHarness();
    const path = `/batches/${BATCH_ID}/upload-targets`;
    const res = await api.call("vendor", {
      method: "POST",
      path,
      body: JSON.stringify({ files: ["never-sent.pdf", "patient-smith.pdf"] }),
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ targets: [{ name: "never-sent.pdf" }], unknownFiles: [1] });
    await api.call("vendor", { method: "POST", path: `/batches/${BATCH_ID}/close` });
    const closed = await api.call("vendor", {
      method: "POST",
      path,
      body: JSON.stringify({ files: ["never-sent.pdf"] }),
    });
    expect(closed).toMatchObject({
      status: 409,
      body: { message: "the batch is closed; create a new batch for further files" },
    });
  });

  it("reports every entry; once closed, what never came is MISSING, and the CSV defuses formulas", async () => {
    const api = await apiHarness();
    await api.call("vendor", {
      method: "POST",
      path: "/batches",
      body: manifest("box-10", [{ name: "=HYPERLINK(1).pdf", size: 3, sha256: "cd".repeat(32) }]),
    });
    const created = await api.call("vendor", { path: "/batches" });
    const id = (created.body as { batches: { id: string; name: string }[] }).batches.find(
      (b) => b.name === "box-10",
    )!.id;
    await api.call("vendor", { method: "POST", path: `/batches/${id}/close` });
    const json = await api.call("admin", { path: `/batches/${id}/report` });
    expect(json.body).toMatchObject({
      complete: true,
      batch: { status: "COMPLETED", counts: { MISSING: 1 } },
      files: [{ name: "=HYPERLINK(1).pdf", state: "MISSING", reasonCode: "MISSING", flags: [] }],
    });
    const csv = await api.call("vendor", { path: `/batches/${id}/report`, query: { format: "csv" } });
    expect(csv.headers["Content-Type"]).toBe("text/csv; charset=utf-8");
    expect(String(csv.body).split("\n")[1]).toMatch(/^'=HYPERLINK\(1\)\.pdf,true,MISSING,MISSING,/);
  });

  it("pages a batch's files and refuses a cursor issued for another batch", async () => {
    const api = await apiHarness();
    const page1 = await api.call("vendor", { path: `/batches/${BATCH_ID}`, query: { limit: "1" } });
    expect(page1.body).toMatchObject({ files: [{ name: "lopez.pdf" }] });
    const cursor = (page1.body as { nextCursor: string }).nextCursor;
    expect(cursor).toBeDefined();
    const page2 = await api.call("vendor", { path: `/batches/${BATCH_ID}`, query: { limit: "1", cursor } });
    expect(page2.body).toMatchObject({ files: [{ name: "never-sent.pdf", state: "AWAITING_UPLOAD" }] });
    // A cursor of another listing (here: this vendor's batch list) is refused, not followed.
    await api.call("vendor", { method: "POST", path: "/batches", body: manifest("box-11") });
    await api.call("vendor", { method: "POST", path: "/batches", body: manifest("box-12") });
    const list = await api.call("vendor", { path: "/batches", query: { limit: "1" } });
    const foreign = (list.body as { nextCursor: string }).nextCursor;
    const refused = await api.call("vendor", { path: `/batches/${BATCH_ID}`, query: { cursor: foreign } });
    expect(refused).toMatchObject({ status: 400, body: { error: "BadRequest" } });
  });

  it("refuses a vendor account whose name cannot be a key prefix, without echoing it", async () => {
    const api = await apiHarness();
    const res = await api.call("vendor", {
      method: "POST",
      path: "/batches",
      body: '{"files": "not a list"}',
    });
    expect(res).toMatchObject({ status: 400, body: { message: expect.stringMatching(/^body\.files: /) } });
  });
});
