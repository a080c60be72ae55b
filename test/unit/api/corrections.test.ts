import { describe, expect, it } from "vitest";
import { transition, type ChartRecord } from "../../../shared/domain/chart-record";
import { withHumanCorrections } from "../../../shared/domain/field-corrections";
import { VersionConflictError } from "../../../shared/errors";
import { apiHarness, indexedRecord } from "../../support/api-harness";

const RECORD = "doc_0123456789abcdef0123456789abcdef";

/** A record sent to review: its patient name read with low confidence. */
function inReview(
  id: string,
  updatedAt: string,
  reason: "LOW_CONFIDENCE_IDENTITY" | "MISSING_IDENTITY" = "LOW_CONFIDENCE_IDENTITY",
): ChartRecord {
  const base = indexedRecord(id);
  const extracted = {
    ...base,
    status: "EXTRACTED" as const,
    history: base.history.slice(0, -1),
    version: base.version - 1,
  };
  const fields = {
    ...base.fields,
    patientName: { ...base.fields.patientName!, value: "Maria Lopes", confidence: 0.41 },
  };
  if (reason === "MISSING_IDENTITY") delete (fields as Record<string, unknown>).patientName;
  return transition({ ...extracted, fields }, "NEEDS_REVIEW", { now: updatedAt, reasonCode: reason });
}

const patch = (body: unknown, ifMatch?: string) => ({
  method: "PATCH",
  path: `/records/${RECORD}`,
  body: JSON.stringify(body),
  headers: ifMatch === undefined ? {} : { "if-match": ifMatch },
});

describe("PATCH /records/{id}", () => {
  it("sets the field as a person typed it, keeps its box, and records who changed what and why", async () => {
    const api = await apiHarness();
    const before = api.record;
    const res = await api.call(
      "records-staff",
      patch(
        { fields: { patientName: "  Maria   Lopez-Garcia " }, reason: "typo on scan" },
        `"${before.version}"`,
      ),
    );
    expect(res.status).toBe(200);
    expect(res.headers.ETag).toBe(`"${before.version + 1}"`);
    const saved = (await api.deps.records.get(RECORD))!;
    expect(saved.version).toBe(before.version + 1);
    expect(saved.fields.patientName).toEqual({
      value: "Maria Lopez-Garcia",
      confidence: 1,
      page: 1,
      bbox: before.fields.patientName!.bbox,
      source: "human",
    });
    expect(saved.corrections).toEqual([
      {
        field: "patientName",
        oldValue: "Maria Lopez",
        newValue: "Maria Lopez-Garcia",
        by: { sub: "sub-staff", name: "sam" },
        at: expect.any(String),
        reason: "typo on scan",
        version: before.version + 1,
      },
    ]);
    expect(api.deps.audit.events.at(-1)).toMatchObject({
      action: "record.correct",
      recordIds: [RECORD],
      outcome: "success",
    });
  });

  it("normalizes dates and sex as extraction does, and removes a field given null", async () => {
    const api = await apiHarness();
    const res = await api.call(
      "records-staff",
      patch({ fields: { dateOfBirth: "3/14/62", sex: "F", dateOfService: null }, reason: "checked" }, "4"),
    );
    expect(res.status).toBe(200);
    const saved = (await api.deps.records.get(RECORD))!;
    expect([saved.fields.dateOfBirth?.value, saved.fields.sex?.value, saved.fields.dateOfService]).toEqual([
      "1962-03-14",
      "female",
      undefined,
    ]);
    expect(saved.corrections?.find((c) => c.field === "dateOfService")).toMatchObject({
      oldValue: "2026-11-02",
      newValue: null,
    });
  });

  it.each([
    [{ fields: { dateOfBirth: "02/30/1961" }, reason: "x" }, /^dateOfBirth: must be a real date/],
    [{ fields: { dateOfBirth: "2099-01-01" }, reason: "x" }, /^dateOfBirth: must be a real date/],
    [{ fields: { sex: "Maria" }, reason: "x" }, /^sex: must be female, male, other or unknown/],
    [{ fields: { "Maria Lopez": "x" }, reason: "x" }, /^body\.fields: has a property that is not allowed/],
    [
      { fields: { mrn: "0045" }, reason: "x", note: "Maria Lopez" },
      /^body: has a property that is not allowed/,
    ],
    [{ fields: {}, reason: "x" }, /^body\.fields: must name at least one field/],
    [{ fields: { mrn: "0045" } }, /^body\.reason: /],
    [{ fields: { mrn: "0045" }, reason: "   " }, /^body\.reason: is required/],
  ])("answers 400 for %j, naming the field and never the value", async (body, message) => {
    const api = await apiHarness();
    const res = await api.call("records-staff", patch(body, "4"));
    expect(res.status).toBe(400);
    expect((res.body as { message: string }).message).toMatch(message);
    expect(JSON.stringify(res.body)).not.toMatch(/Maria|02\/30|2099/);
    expect((await api.deps.records.get(RECORD))!.version).toBe(4);
  });

  it("needs If-Match (428) with the current version (412)", async () => {
    const api = await apiHarness();
    const body = { fields: { mrn: "00451288" }, reason: "wrong digit" };
    expect((await api.call("records-staff", patch(body))).status).toBe(428);
    expect((await api.call("records-staff", patch(body, "3"))).status).toBe(412);
    expect((await api.call("records-staff", patch(body, "four"))).status).toBe(400);
    expect((await api.deps.records.get(RECORD))!.version).toBe(4);
  });

  it("answers 412 when another correction is saved between its read and its write", async () => {
    const api = await apiHarness();
    api.deps.records.save = async (r) => Promise.reject(new VersionConflictError(r.id, r.version - 1));
    expect(
      (await api.call("records-staff", patch({ fields: { mrn: "00451288" }, reason: "x" }, "4"))).status,
    ).toBe(412);
  });

  it("changes nothing when the audit event cannot be written", async () => {
    const api = await apiHarness();
    api.deps.audit.fail = true;
    await expect(
      api.call("records-staff", patch({ fields: { mrn: "00451288" }, reason: "x" }, "4")),
    ).rejects.toThrow();
    expect((await api.deps.records.get(RECORD))!.fields.mrn?.value).toBe("00451287");
  });

  it.each([
    ["vendor", 403],
    ["machine-client", 403],
    ["none", 401],
  ] as const)("refuses %s (%i)", async (caller, status) => {
    const api = await apiHarness();
    const res = await api.call(caller, {
      ...patch({ fields: { mrn: "1" }, reason: "x" }, "4"),
      headers: { "if-match": "4", "x-purpose-of-use": "TREATMENT" },
    });
    expect(res.status).toBe(status);
    expect((await api.deps.records.get(RECORD))!.version).toBe(4);
  });

  it("takes a record out of review once its doubtful identity is confirmed, not before", async () => {
    const api = await apiHarness();
    api.deps.records.put(inReview(RECORD, "2026-11-20T10:00:05.000Z"));
    const version = (await api.deps.records.get(RECORD))!.version;
    const res = await api.call(
      "records-staff",
      patch({ fields: { patientName: "Maria Lopez" }, reason: "read the scan" }, String(version)),
    );
    expect(res.status).toBe(200);
    const saved = (await api.deps.records.get(RECORD))!;
    expect(saved.status).toBe("INDEXED");
    expect(saved.version).toBe(version + 1);
    expect(saved.history.at(-1)).toMatchObject({ from: "NEEDS_REVIEW", to: "INDEXED", detail: "corrected" });

    api.deps.records.put(inReview(RECORD, "2026-11-20T10:00:05.000Z"));
    await api.call("records-staff", patch({ fields: { sex: "female" }, reason: "x" }, String(version)));
    expect((await api.deps.records.get(RECORD))!.status).toBe("NEEDS_REVIEW");
  });
});

describe("GET /review", () => {
  it("lists records waiting for review, oldest first, with the doubtful fields and where they are", async () => {
    const api = await apiHarness();
    api.deps.records.put(inReview("doc_00000000000000000000000000000002", "2026-11-21T09:00:00.000Z"));
    api.deps.records.put(inReview("doc_00000000000000000000000000000001", "2026-11-20T09:00:00.000Z"));
    api.deps.records.put(
      inReview("doc_00000000000000000000000000000003", "2026-11-22T09:00:00.000Z", "MISSING_IDENTITY"),
    );
    const res = await api.call("records-staff", { path: "/review", query: { limit: "2" } });
    expect(res.status).toBe(200);
    const body = res.body as {
      items: {
        id: string;
        reason: string;
        doubtfulFields: { name: string; confidence: number; page: number }[];
      }[];
      nextCursor?: string;
    };
    expect(body.items.map((i) => i.id)).toEqual([
      "doc_00000000000000000000000000000001",
      "doc_00000000000000000000000000000002",
    ]);
    expect(body.items[0]).toMatchObject({
      reason: "LOW_CONFIDENCE_IDENTITY",
      doubtfulFields: [{ name: "patientName", confidence: 0.41, page: 1 }],
    });
    const next = await api.call("records-staff", {
      path: "/review",
      query: { limit: "2", cursor: body.nextCursor! },
    });
    expect((next.body as { items: { id: string; missingFields: string[] }[] }).items).toEqual([
      expect.objectContaining({ id: "doc_00000000000000000000000000000003", missingFields: ["patientName"] }),
    ]);
    const missing = await api.call("records-staff", {
      path: "/review",
      query: { reason: "MISSING_IDENTITY" },
    });
    expect((missing.body as { items: { id: string }[] }).items.map((i) => i.id)).toEqual([
      "doc_00000000000000000000000000000003",
    ]);
    expect(api.deps.audit.events[0]).toMatchObject({
      action: "review.list",
      recordIds: ["doc_00000000000000000000000000000001", "doc_00000000000000000000000000000002"],
    });
  });
});

describe("re-extraction keeps what a person set", () => {
  it("keeps corrected values and removals over what OCR reads again", () => {
    const record = indexedRecord(RECORD);
    const human = {
      value: "Maria Lopez-Garcia",
      confidence: 1,
      page: 1,
      bbox: record.fields.patientName!.bbox,
      source: "human" as const,
    };
    const corrected: ChartRecord = {
      ...record,
      fields: { ...record.fields, patientName: human },
      corrections: [
        {
          field: "patientName",
          oldValue: "Maria Lopez",
          newValue: "Maria Lopez-Garcia",
          by: { sub: "s", name: "sam" },
          at: "t",
          reason: "r",
          version: 5,
        },
        {
          field: "dateOfService",
          oldValue: "2026-11-02",
          newValue: null,
          by: { sub: "s", name: "sam" },
          at: "t",
          reason: "r",
          version: 5,
        },
      ],
    };
    const reread = {
      ...record.fields,
      patientName: { ...record.fields.patientName!, value: "Maria Lopez", confidence: 0.99 },
    };
    const fields = withHumanCorrections(reread, corrected);
    expect(fields.patientName).toEqual(human);
    expect(fields.dateOfService).toBeUndefined();
    expect(fields.mrn).toEqual(record.fields.mrn);
  });
});
