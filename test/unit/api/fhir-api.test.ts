/**
 * The FHIR API as a downstream system uses it: find the patient by MRN, list its DocumentReferences, fetch a
 * scan. Every resource is checked with a real FHIR validator (Medplum, R4 definitions, US Core Patient), and
 * every read must appear in the patient's accounting of disclosures.
 */
import type {
  Binary,
  Bundle,
  CapabilityStatement,
  DocumentReference,
  OperationOutcome,
  Patient,
} from "@medplum/fhirtypes";
import { describe, expect, it } from "vitest";
import { transition, type ChartRecord } from "../../../shared/domain/chart-record";
import { toSearchDocument } from "../../../shared/search/to-search-document";
import {
  apiHarness,
  indexedRecord,
  MRN,
  MRN_SYSTEM,
  PATIENT_ID,
  type ApiHarness,
} from "../../support/api-harness";
import {
  expectUsCoreDocumentReference,
  expectValidBundle,
  expectValidFhir,
  US_CORE_PATIENT_PROFILE,
} from "../../support/fhir-validator";

const RECORD = "doc_0123456789abcdef0123456789abcdef";
const DOC_ID = "doc-0123456789abcdef0123456789abcdef";
const PURPOSE = { "x-purpose-of-use": "TREATMENT" };
const FHIR = { ...PURPOSE, accept: "application/fhir+json" };

/** A second filed chart of the same patient: a discharge summary, admitted to discharged in 2025. */
async function addDischargeSummary(api: ApiHarness, patch: Partial<ChartRecord> = {}): Promise<ChartRecord> {
  const base = indexedRecord("doc_11111111111111111111111111111111");
  const box = base.fields.mrn!.bbox;
  const record: ChartRecord = {
    ...base,
    documentType: "discharge_summary",
    createdAt: "2026-11-25T08:00:00.000Z",
    fields: {
      ...base.fields,
      dateOfService: undefined,
      admissionDate: { value: "2025-03-01", confidence: 0.9, page: 1, bbox: box },
      dischargeDate: { value: "2025-03-05", confidence: 0.9, page: 1, bbox: box },
    },
    ...patch,
  };
  api.deps.records.put(record);
  await api.deps.search.upsert(toSearchDocument(record, "Discharge summary."));
  return record;
}

async function get<T>(api: ApiHarness, path: string, query: Record<string, string> = {}, headers = FHIR) {
  const res = await api.call("fhir-client", { path, query, headers });
  return { ...res, resource: res.body as T };
}

describe("FHIR: a downstream system finds a patient's scanned documents", () => {
  it("finds the patient by MRN, lists its documents, fetches the scan, and each read is a disclosure", async () => {
    const api = await apiHarness();
    const patients = await get<Bundle<Patient>>(api, "/fhir/Patient", { identifier: `${MRN_SYSTEM}|${MRN}` });
    expect(patients.status).toBe(200);
    expect(patients.headers["Content-Type"]).toMatch(/^application\/fhir\+json/);
    expectValidBundle(patients.resource, US_CORE_PATIENT_PROFILE);
    expect(patients.resource.total).toBe(1);
    const patient = patients.resource.entry![0]!.resource!;
    expect(patient).toMatchObject({
      id: PATIENT_ID,
      identifier: [{ system: MRN_SYSTEM, value: MRN, type: { coding: [{ code: "MR" }] } }],
      name: [{ family: "Lopez", given: ["Maria"] }],
      birthDate: "1962-03-14",
      gender: "unknown",
    });

    const docs = await get<Bundle<DocumentReference>>(api, "/fhir/DocumentReference", {
      patient: PATIENT_ID,
    });
    expect(docs.status).toBe(200);
    expectValidBundle(docs.resource);
    const doc = docs.resource.entry![0]!.resource!;
    expectUsCoreDocumentReference(doc);
    expect(doc).toMatchObject({
      id: DOC_ID,
      subject: { reference: `Patient/${PATIENT_ID}` },
      type: { coding: [{ system: "http://loinc.org", code: "11506-3" }] },
      context: { period: { start: "2026-11-02", end: "2026-11-02" } },
      content: [
        {
          attachment: {
            contentType: "application/pdf",
            size: 1234,
            url: expect.stringMatching(/\/fhir\/Binary\/doc-/),
          },
        },
      ],
    });

    const binary = await get<Binary>(api, `/fhir/Binary/${DOC_ID}`);
    expect(binary.status).toBe(200);
    expectValidFhir(binary.resource);
    expect(Buffer.from(binary.resource.data!, "base64").toString()).toBe("%PDF-1.7 two pages");

    const disclosures = await api.call("records-staff", { path: `/patients/${MRN}/disclosures` });
    expect(
      (disclosures.body as { disclosures: { action: string; recipient: string; purposeOfUse: string }[] })
        .disclosures,
    ).toEqual([
      expect.objectContaining({
        action: "patient.search",
        recipient: "hie-client-id",
        purposeOfUse: "TREATMENT",
      }),
      expect.objectContaining({ action: "document.search", recordIds: [RECORD] }),
      expect.objectContaining({ action: "binary.read", recordIds: [RECORD] }),
    ]);
  });

  it("reads a Patient and a DocumentReference by id", async () => {
    const api = await apiHarness();
    const patient = await get<Patient>(api, `/fhir/Patient/${PATIENT_ID}`);
    expect(patient.status).toBe(200);
    expectValidFhir(patient.resource, US_CORE_PATIENT_PROFILE);
    const doc = await get<DocumentReference>(api, `/fhir/DocumentReference/${DOC_ID}`);
    expect(doc.status).toBe(200);
    expectUsCoreDocumentReference(doc.resource);
    expect(doc.headers.ETag).toBe(`W/"${api.record.version}"`);
  });

  it("answers a Binary read without FHIR JSON in Accept with a redirect to a short-lived link", async () => {
    const api = await apiHarness();
    const res = await get(api, `/fhir/Binary/${DOC_ID}`, {}, {
      ...PURPOSE,
      accept: "application/pdf",
    } as typeof FHIR);
    expect(res.status).toBe(302);
    expect(res.headers.Location).toBe("memory://uploads/acme/box-7/lopez.pdf?version=v1&expires=300");
    expect(api.deps.audit.events.at(-1)).toMatchObject({
      action: "binary.read",
      disclosure: true,
      recordIds: [RECORD],
    });
  });

  it("refuses a scan too large to answer inline without reading it, and points to the redirect", async () => {
    const api = await apiHarness();
    api.deps.records.put({ ...api.record, source: { ...api.record.source, size: 48_000_000 } });
    const res = await get(api, `/fhir/Binary/${DOC_ID}`);
    expect(res.status).toBe(406);
    expect((res.body as { message: string }).message).toMatch(/too large to answer inline/);
    expect(api.deps.storage.reads).toEqual([]);
  });

  it("serves a part of a split scan as a PDF of its own pages only", async () => {
    const api = await apiHarness();
    const part = await addDischargeSummary(api, {
      split: { fileRecordId: RECORD, part: 2, of: 2, pages: [2, 2] },
    });
    const doc = await get<DocumentReference>(api, `/fhir/DocumentReference/${part.id.replace("_", "-")}`);
    expectUsCoreDocumentReference(doc.resource);
    expect(doc.resource.content[0]!.attachment).toMatchObject({ contentType: "application/pdf" });
    expect(doc.resource.content[0]!.attachment.size).toBeUndefined();
    const binary = await get<Binary>(api, `/fhir/Binary/${part.id.replace("_", "-")}`);
    expect(binary.status).toBe(200);
    // The scan was read once to make the part; the part was not read back.
    expect(api.deps.storage.reads).toEqual(["uploads/acme/box-7/lopez.pdf"]);
    expect(Buffer.from(binary.resource.data!, "base64").toString()).toBe(
      "%PDF pages 2-2 of %PDF-1.7 two pages",
    );
    expect(binary.resource.contentType).toBe("application/pdf");
  });
});

describe("FHIR searches US Core requires of a DocumentReference server", () => {
  it("narrows by category, type, date and period, and pages with next/previous links", async () => {
    const api = await apiHarness();
    await addDischargeSummary(api);
    const search = (query: Record<string, string>, queryValues?: Record<string, string[]>) =>
      api
        .call("fhir-client", {
          path: "/fhir/DocumentReference",
          query,
          ...(queryValues ? { queryValues } : {}),
          headers: FHIR,
        })
        .then((r) => {
          expect(r.status, JSON.stringify(r.body)).toBe(200);
          expectValidBundle(r.body as Bundle);
          return (r.body as Bundle<DocumentReference>).entry!.map((e) => e.resource!.id);
        });
    const progress = DOC_ID;
    const discharge = "doc-11111111111111111111111111111111";
    // Newest care first.
    expect(await search({ patient: `Patient/${PATIENT_ID}` })).toEqual([progress, discharge]);
    expect(await search({ patient: PATIENT_ID, category: "clinical-note" })).toEqual([progress, discharge]);
    expect(
      await search({
        patient: PATIENT_ID,
        category: "http://hl7.org/fhir/us/core/CodeSystem/us-core-documentreference-category|clinical-note",
      }),
    ).toHaveLength(2);
    expect(await search({ patient: PATIENT_ID, category: "other" })).toEqual([]);
    expect(await search({ patient: PATIENT_ID, type: "http://loinc.org|18842-5" })).toEqual([discharge]);
    expect(await search({ patient: PATIENT_ID, type: "11506-3,18842-5" })).toHaveLength(2);
    // date: when the document was filed (progress note 2026-11-20, discharge summary 2026-11-25).
    expect(
      await search({}, { patient: [PATIENT_ID], category: ["clinical-note"], date: ["ge2026-11-21"] }),
    ).toEqual([discharge]);
    expect(await search({}, { patient: [PATIENT_ID], date: ["ge2026-11", "lt2026-11-21"] })).toEqual([
      progress,
    ]);
    expect(await search({ patient: PATIENT_ID, date: "2026-11-20" })).toEqual([progress]);
    // period: when the care took place (the stay 2025-03-01..05 overlaps March 3).
    expect(await search({ patient: PATIENT_ID, period: "le2025-03-03" })).toEqual([discharge]);
    expect(await search({ patient: PATIENT_ID, period: "ge2026" })).toEqual([progress]);
    expect(await search({ _id: DOC_ID })).toEqual([progress]);
    expect(await search({ identifier: `urn:chartbridge:record-id|${RECORD}` })).toEqual([progress]);
    expect(await search({ "patient.identifier": `${MRN_SYSTEM}|${MRN}` })).toHaveLength(2);
    expect(await search({ "patient.identifier": `urn:other|${MRN}` })).toEqual([]);

    const first = await api.call("fhir-client", {
      path: "/fhir/DocumentReference",
      query: { patient: PATIENT_ID, _count: "1" },
      headers: { ...FHIR, host: "fhir.example.org" },
    });
    const page1 = first.body as Bundle;
    expect(page1.total).toBe(2);
    const next = page1.link!.find((l) => l.relation === "next")!.url;
    expect(next).toMatch(/^https:\/\/fhir\.example\.org\/fhir\/DocumentReference\?/);
    const url = new URL(next);
    const second = await api.call("fhir-client", {
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: FHIR,
    });
    expect((second.body as Bundle<DocumentReference>).entry!.map((e) => e.resource!.id)).toEqual([discharge]);
    expect((second.body as Bundle).link!.map((l) => l.relation)).toEqual(["self", "previous"]);
  });
});

describe("FHIR: what is not shared, and errors", () => {
  it("does not serve a chart waiting for review, nor find its patient through it", async () => {
    const api = await apiHarness();
    const pending = transition(api.record, "NEEDS_REVIEW", {
      now: "2026-11-21T00:00:00.000Z",
      reasonCode: "LOW_CONFIDENCE_IDENTITY",
    });
    api.deps.records.put(pending);
    await api.deps.search.upsert(toSearchDocument(pending, "Progress note."));
    expect((await get(api, `/fhir/DocumentReference/${DOC_ID}`)).status).toBe(404);
    expect((await get(api, `/fhir/Binary/${DOC_ID}`)).status).toBe(404);
    expect((await get<Bundle>(api, "/fhir/Patient", { identifier: MRN })).resource.total).toBe(0);
    expect((await get(api, `/fhir/Patient/${PATIENT_ID}`)).status).toBe(404);
    // Nothing was disclosed: no disclosure names the patient.
    const disclosures = await api.call("admin", { path: `/patients/${MRN}/disclosures` });
    expect((disclosures.body as { disclosures: unknown[] }).disclosures).toEqual([]);
  });

  it("refuses unsupported parameters, unbounded searches, bad dates and XML, never repeating the input", async () => {
    const api = await apiHarness();
    const cases: [Record<string, string>, number, RegExp][] = [
      [{ patient: PATIENT_ID, "Maria-Lopez": "1" }, 400, /not supported/],
      [{ patient: PATIENT_ID, "type:text": "note" }, 400, /not supported/],
      [{ category: "clinical-note" }, 400, /give patient/],
      [{ patient: PATIENT_ID, date: "gt1962-03-XX" }, 400, /^date: must be a date/],
      [{ patient: PATIENT_ID, _count: "100000" }, 400, /_count/],
      [{ patient: PATIENT_ID, _format: "xml" }, 406, /JSON only/],
    ];
    for (const [query, status, message] of cases) {
      const res = await api.call("fhir-client", { path: "/fhir/DocumentReference", query, headers: FHIR });
      expect(res.status, JSON.stringify(query)).toBe(status);
      expect((res.body as { message: string }).message).toMatch(message);
      expect(JSON.stringify(res.body)).not.toMatch(/Maria|1962-03|100000|xml/i);
    }
  });

  it("tells a client that accepts only XML that this server answers JSON", async () => {
    const api = await apiHarness();
    const xml = await api.call("fhir-client", {
      path: `/fhir/Patient/${PATIENT_ID}`,
      headers: { ...PURPOSE, accept: "application/fhir+xml" },
    });
    expect(xml.status).toBe(406);
    const any = await api.call("fhir-client", {
      path: `/fhir/Patient/${PATIENT_ID}`,
      headers: { ...PURPOSE, accept: "*/*" },
    });
    expect(any.status).toBe(200);
  });

  it("requires a purpose of use and the FHIR scopes", async () => {
    const api = await apiHarness();
    const noPurpose = await api.call("fhir-client", { path: `/fhir/Patient/${PATIENT_ID}` });
    expect(noPurpose.status).toBe(400);
    const recordsClient = await api.call("machine-client", {
      path: `/fhir/Patient/${PATIENT_ID}`,
      headers: FHIR,
    });
    expect(recordsClient.status).toBe(403);
    // The FHIR scopes grant nothing of the records API.
    const records = await api.call("fhir-client", { path: `/records/${RECORD}`, headers: FHIR });
    expect(records.status).toBe(403);
  });

  it("publishes a CapabilityStatement without a token", async () => {
    const api = await apiHarness();
    const res = await api.call("none", { path: "/fhir/metadata" });
    expect(res.status).toBe(200);
    const cs = res.body as CapabilityStatement;
    expectValidFhir(cs);
    expect(cs.fhirVersion).toBe("4.0.1");
    expect(cs.rest![0]!.resource!.map((r) => r.type)).toEqual(["Patient", "DocumentReference", "Binary"]);
  });
});

export type { OperationOutcome };

describe("FHIR paging edge", () => {
  it("answers _count=0 with the total and no page links", async () => {
    const api = await apiHarness();
    const res = await api.call("fhir-client", {
      path: "/fhir/DocumentReference",
      query: { patient: PATIENT_ID, _count: "0" },
      headers: FHIR,
    });
    const bundle = res.body as Bundle;
    expect(bundle.total).toBe(1);
    expect(bundle.entry).toEqual([]);
    expect(bundle.link!.map((l) => l.relation)).toEqual(["self"]);
  });
});
