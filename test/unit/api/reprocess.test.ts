import { describe, expect, it } from "vitest";
import { apiHarness, MRN } from "../../support/api-harness";

const RECORD = "doc_0123456789abcdef0123456789abcdef";
const post = { method: "POST", path: `/records/${RECORD}/reprocess` };

describe("POST /records/{id}/reprocess", () => {
  it("re-extracts from the stored OCR output into a new version, with the reprocessing in its history", async () => {
    const api = await apiHarness();
    const res = await api.call("admin", post);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      fileRecordId: RECORD,
      records: [{ id: RECORD, status: "EXTRACTED", version: 5, changedFields: expect.any(Array) }],
    });
    const saved = (await api.deps.records.get(RECORD))!;
    expect(saved.fields.patientName?.value).toBe("Maria Lopez");
    expect(saved.fields.mrn?.value).toBe(MRN);
    expect(saved.history.at(-1)).toMatchObject({ from: "INDEXED", to: "EXTRACTED", detail: "reprocessed" });
    expect(await api.deps.objects.getText("results", `ocr/${RECORD}/text.txt`)).toContain("Maria Lopez");
    expect(api.deps.audit.events.at(-1)).toMatchObject({
      action: "record.reprocess",
      recordIds: [RECORD],
      mrns: [MRN],
    });
  });

  it("keeps what a person corrected", async () => {
    const api = await apiHarness();
    const fix = await api.call("records-staff", {
      method: "PATCH",
      path: `/records/${RECORD}`,
      headers: { "if-match": "4" },
      body: JSON.stringify({
        fields: { patientName: "Maria Lopez-Garcia", dateOfService: null },
        reason: "per registration",
      }),
    });
    expect(fix.status).toBe(200);
    await api.call("admin", post);
    const saved = (await api.deps.records.get(RECORD))!;
    expect(saved.fields.patientName).toMatchObject({ value: "Maria Lopez-Garcia", source: "human" });
    expect(saved.fields.dateOfService).toBeUndefined();
  });

  it("refuses a record without stored OCR output (409), and writes nothing", async () => {
    const api = await apiHarness();
    api.deps.records.put({ ...api.record, ocr: undefined });
    const res = await api.call("admin", post);
    expect(res.status).toBe(409);
    expect((await api.deps.records.get(RECORD))!.version).toBe(4);
  });
});
