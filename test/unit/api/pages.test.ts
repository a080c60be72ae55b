import { describe, expect, it } from "vitest";
import type { ChartRecord } from "../../../shared/domain/chart-record";
import { apiHarness, MRN } from "../../support/api-harness";

const RECORD = "doc_0123456789abcdef0123456789abcdef";

describe("GET /records/{id}/pages/{n}", () => {
  it("renders the page once, stores it next to the OCR output, and hands out a short-lived link with the page's boxes", async () => {
    const api = await apiHarness();
    const first = await api.call("records-staff", { path: `/records/${RECORD}/pages/1` });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      page: 1,
      pageCount: 2,
      url: `memory://results/pages/${RECORD}/1.png?version=&expires=300`,
      expiresAt: expect.any(String),
      width: 1275,
      height: 1650,
    });
    const fields = (first.body as { fields: { name: string }[] }).fields.map((f) => f.name);
    expect(fields).toEqual(["patientName", "dateOfBirth", "mrn", "dateOfService"]);
    expect(api.deps.storage.puts).toEqual([`results/pages/${RECORD}/1.png`]);

    await api.call("records-staff", { path: `/records/${RECORD}/pages/1` });
    expect(api.deps.pageImages.rendered).toEqual([1]);
    expect(api.deps.audit.events.map((e) => [e.action, e.recordIds, e.mrns])).toEqual([
      ["page.read", [RECORD], [MRN]],
      ["page.read", [RECORD], [MRN]],
    ]);
  });

  it("lists no boxes on a page where nothing was read, and 404s past the last page", async () => {
    const api = await apiHarness();
    const second = await api.call("records-staff", { path: `/records/${RECORD}/pages/2` });
    expect((second.body as { fields: unknown[] }).fields).toEqual([]);
    expect((await api.call("records-staff", { path: `/records/${RECORD}/pages/3` })).status).toBe(404);
    expect((await api.call("records-staff", { path: `/records/${RECORD}/pages/0` })).status).toBe(400);
    expect((await api.call("records-staff", { path: `/records/${RECORD}/pages/one` })).status).toBe(400);
  });

  it("renders a split part's pages from the file's pages and shares them with the file", async () => {
    const api = await apiHarness();
    const part: ChartRecord = {
      ...api.record,
      id: "doc_ffffffffffffffffffffffffffffffff",
      pageCount: 1,
      split: { fileRecordId: RECORD, part: 2, of: 2, pages: [2, 2] },
    };
    api.deps.records.put(part);
    const res = await api.call("records-staff", { path: `/records/${part.id}/pages/1` });
    expect(res.body).toMatchObject({
      page: 1,
      pageCount: 1,
      url: expect.stringContaining(`pages/${RECORD}/2.png`),
    });
    expect(api.deps.pageImages.rendered).toEqual([2]);
  });
});

describe("GET /records/{id}/original", () => {
  it("links the exact version uploaded, named by record id rather than the uploaded file name", async () => {
    const api = await apiHarness();
    const res = await api.call("records-staff", { path: `/records/${RECORD}/original` });
    expect(res.body).toEqual({
      url: "memory://uploads/acme/box-7/lopez.pdf?version=v1&expires=300",
      expiresAt: expect.any(String),
      contentType: "application/pdf",
      size: 1234,
    });
    expect(api.deps.audit.events.at(-1)).toMatchObject({ action: "original.read", recordIds: [RECORD] });
  });
});
