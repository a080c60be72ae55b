import { describe, expect, it } from "vitest";
import type { ChartRecord } from "../../../shared/domain/chart-record";
import { toSearchDocument } from "../../../shared/search/to-search-document";
import { apiHarness, indexedRecord, MRN } from "../../support/api-harness";

function chart(
  id: string,
  dateOfService: string | undefined,
  createdAt: string,
  extra: Partial<ChartRecord> = {},
): ChartRecord {
  const base = indexedRecord(id);
  const fields = { ...base.fields };
  if (dateOfService) fields.dateOfService = { ...fields.dateOfService!, value: dateOfService };
  else delete fields.dateOfService;
  return { ...base, fields, createdAt, ...extra };
}

describe("GET /patients/{mrn}/records", () => {
  it("lists the patient's records by date of service, undated ones last, split parts linked", async () => {
    const api = await apiHarness();
    const older = chart("doc_00000000000000000000000000000001", "2019-04-02", "2026-11-01T00:00:00.000Z", {
      split: {
        fileRecordId: "doc_00000000000000000000000000000001",
        part: 1,
        of: 2,
        pages: [1, 1],
        partIds: ["doc_00000000000000000000000000000001", "doc_00000000000000000000000000000002"],
      },
    });
    const undated = chart("doc_00000000000000000000000000000003", undefined, "2026-11-05T00:00:00.000Z");
    const otherPatient = {
      ...chart("doc_00000000000000000000000000000004", "2018-01-01", "2026-11-01T00:00:00.000Z"),
    };
    otherPatient.fields = { ...otherPatient.fields, mrn: { ...otherPatient.fields.mrn!, value: "99999999" } };
    for (const r of [older, undated, otherPatient]) {
      api.deps.records.put(r);
      await api.deps.search.upsert(toSearchDocument(r, ""));
    }
    const res = await api.call("records-staff", { path: `/patients/${MRN}/records` });
    expect(res.status).toBe(200);
    const records = (res.body as { records: { id: string; dateOfService?: string; split?: unknown }[] })
      .records;
    expect(records.map((r) => [r.id, r.dateOfService])).toEqual([
      [older.id, "2019-04-02"],
      [api.record.id, "2026-11-02"],
      [undated.id, undefined],
    ]);
    expect(records[0]!.split).toEqual({
      fileRecordId: older.id,
      part: 1,
      of: 2,
      partIds: older.split!.partIds,
    });
    expect(api.deps.audit.events.at(-1)).toMatchObject({
      action: "timeline.read",
      recordIds: [older.id, api.record.id, undated.id],
      mrns: [MRN],
    });
  });
});
