/**
 * Who may do what, route by route, for every kind of caller: the table below is the access policy as the
 * product states it (not derived from the route table), and every route the API has must appear in it.
 */
import { describe, expect, it } from "vitest";
import { ROUTES } from "../../../shared/api/route-table";
import {
  apiHarness,
  BATCH_ID,
  CALLERS,
  JOB_ID,
  MRN,
  MRN_SYSTEM,
  EXPORT_JOB_ID,
  PATIENT_ID,
  type Caller,
} from "../../support/api-harness";

type Answer = 200 | 201 | 202 | 401 | 403 | 404;
const FHIR_JSON = { accept: "application/fhir+json" };

const RECORD = "doc_0123456789abcdef0123456789abcdef";

/** A request each route answers 200 to when allowed (machine clients state a purpose of use). */
const SAMPLES: Record<
  string,
  { path: string; query?: Record<string, string>; body?: unknown; headers?: Record<string, string> }
> = {
  "GET /health": { path: "/health" },
  "GET /openapi.json": { path: "/openapi.json" },
  "GET /search": { path: "/search", query: { q: "lopez" } },
  "GET /records/{id}": { path: `/records/${RECORD}` },
  "PATCH /records/{id}": {
    path: `/records/${RECORD}`,
    body: { fields: { mrn: "00451288" }, reason: "wrong digit" },
    headers: { "if-match": "4" },
  },
  "GET /review": { path: "/review" },
  "GET /records/{id}/pages/{n}": { path: `/records/${RECORD}/pages/1` },
  "GET /records/{id}/original": { path: `/records/${RECORD}/original` },
  "GET /patients/{mrn}/records": { path: `/patients/${MRN}/records` },
  "POST /records/{id}/reprocess": { path: `/records/${RECORD}/reprocess` },
  "POST /reprocess": { path: "/reprocess", body: { search: { type: "progress_note" } } },
  "GET /jobs/{id}": { path: `/jobs/${JOB_ID}` },
  "GET /uploads": { path: "/uploads" },
  "GET /audit": { path: "/audit", query: { recordId: RECORD } },
  "GET /patients/{mrn}/disclosures": { path: `/patients/${MRN}/disclosures` },
  "POST /batches": {
    path: "/batches",
    body: { name: "box-9", files: [{ name: "a.pdf", size: 10, sha256: "ef".repeat(32) }] },
  },
  "POST /batches/{id}/upload-targets": {
    path: `/batches/${BATCH_ID}/upload-targets`,
    body: { files: ["never-sent.pdf"] },
  },
  "GET /batches": { path: "/batches" },
  "GET /batches/{id}": { path: `/batches/${BATCH_ID}` },
  "POST /batches/{id}/close": { path: `/batches/${BATCH_ID}/close` },
  "GET /batches/{id}/report": { path: `/batches/${BATCH_ID}/report` },
  "GET /changes": { path: "/changes" },
  "GET /fhir/metadata": { path: "/fhir/metadata" },
  "GET /fhir/Patient": { path: "/fhir/Patient", query: { identifier: `${MRN_SYSTEM}|${MRN}` } },
  "GET /fhir/Patient/{id}": { path: `/fhir/Patient/${PATIENT_ID}` },
  "GET /fhir/DocumentReference": { path: "/fhir/DocumentReference", query: { patient: PATIENT_ID } },
  "GET /fhir/DocumentReference/{id}": { path: `/fhir/DocumentReference/${RECORD.replace("_", "-")}` },
  "GET /fhir/Binary/{id}": { path: `/fhir/Binary/${RECORD.replace("_", "-")}`, headers: FHIR_JSON },
  "GET /fhir/$export": { path: "/fhir/$export", headers: { prefer: "respond-async" } },
  "GET /fhir/Patient/$export": { path: "/fhir/Patient/$export", headers: { prefer: "respond-async" } },
  "GET /fhir/$export-status/{id}": { path: `/fhir/$export-status/${EXPORT_JOB_ID}` },
};

const all = (answer: Answer): Record<Caller, Answer> =>
  Object.fromEntries(Object.keys(CALLERS).map((c) => [c, answer])) as Record<Caller, Answer>;

/** Authenticated callers default to 403; `none` is always 401 except on public routes. */
const only = (allowed: Partial<Record<Caller, Answer>>): Record<Caller, Answer> => ({
  ...all(403),
  none: 401,
  ...allowed,
});

const EXPECTED: Record<string, Record<Caller, Answer>> = {
  "GET /health": all(200),
  "GET /openapi.json": all(200),
  "GET /search": only({ admin: 200, "records-staff": 200, "machine-client": 200 }),
  // Vendors see their own uploads' status; another vendor's record answers as if it did not exist.
  "GET /records/{id}": only({
    admin: 200,
    "records-staff": 200,
    "machine-client": 200,
    vendor: 200,
    "other-vendor": 404,
  }),
  "PATCH /records/{id}": only({ admin: 200, "records-staff": 200 }),
  "GET /review": only({ admin: 200, "records-staff": 200 }),
  "GET /records/{id}/pages/{n}": only({ admin: 200, "records-staff": 200, "machine-client": 200 }),
  "GET /records/{id}/original": only({ admin: 200, "records-staff": 200, "machine-client": 200 }),
  "GET /patients/{mrn}/records": only({ admin: 200, "records-staff": 200, "machine-client": 200 }),
  "POST /records/{id}/reprocess": only({ admin: 200 }),
  "POST /reprocess": only({ admin: 202 }),
  "GET /jobs/{id}": only({ admin: 200 }),
  // Every vendor lists its own (another vendor's list simply holds none of acme's).
  "GET /uploads": only({ vendor: 200, "other-vendor": 200 }),
  "GET /audit": only({ admin: 200 }),
  "GET /patients/{mrn}/disclosures": only({ admin: 200, "records-staff": 200 }),
  // Any vendor creates and lists its own batches; another vendor's batch answers as if it did not exist.
  "POST /batches": only({ vendor: 201, "other-vendor": 201 }),
  "POST /batches/{id}/upload-targets": only({ vendor: 200, "other-vendor": 404 }),
  "GET /batches": only({ vendor: 200, "other-vendor": 200 }),
  // The hospital (admin) reads any vendor's batch and report to sign a delivery off.
  "GET /batches/{id}": only({ vendor: 200, "other-vendor": 404, admin: 200 }),
  "POST /batches/{id}/close": only({ vendor: 200, "other-vendor": 404 }),
  "GET /batches/{id}/report": only({ vendor: 200, "other-vendor": 404, admin: 200 }),
  // Ids, states and times: for the systems that read records, and staff.
  "GET /changes": only({ admin: 200, "records-staff": 200, "machine-client": 200 }),
  // The FHIR API: for systems holding its SMART scopes (system/*.read here), nobody else.
  "GET /fhir/metadata": all(200),
  "GET /fhir/Patient": only({ "fhir-client": 200 }),
  "GET /fhir/Patient/{id}": only({ "fhir-client": 200 }),
  "GET /fhir/DocumentReference": only({ "fhir-client": 200 }),
  "GET /fhir/DocumentReference/{id}": only({ "fhir-client": 200 }),
  "GET /fhir/Binary/{id}": only({ "fhir-client": 200 }),
  "GET /fhir/$export": only({ "fhir-client": 202 }),
  "GET /fhir/Patient/$export": only({ "fhir-client": 202 }),
  "GET /fhir/$export-status/{id}": only({ "fhir-client": 200 }),
};

describe("route × role", () => {
  it("states the expected answer for every route the API has", () => {
    const routes = ROUTES.map((r) => `${r.method} ${r.path}`).sort();
    expect(Object.keys(EXPECTED).sort()).toEqual(routes);
    expect(Object.keys(SAMPLES).sort()).toEqual(routes);
  });

  const cases = Object.entries(EXPECTED).flatMap(([route, answers]) =>
    Object.entries(answers).map(([caller, answer]) => [route, caller as Caller, answer] as const),
  );

  it.each(cases)("%s as %s → %i", async (route, caller, answer) => {
    const api = await apiHarness();
    const sample = SAMPLES[route]!;
    const res = await api.call(caller, {
      method: route.split(" ")[0]!,
      path: sample.path,
      query: sample.query ?? {},
      headers: { "x-purpose-of-use": "TREATMENT", ...sample.headers },
      ...(sample.body !== undefined ? { body: JSON.stringify(sample.body) } : {}),
    });
    expect(res.status).toBe(answer);
  });

  it.each(["admin", "vendor", "machine-client", "fhir-client"] as const)(
    "answers %s with bodies that match the schemas the OpenAPI document publishes",
    async (caller) => {
      const api = await apiHarness();
      for (const route of ROUTES) {
        const sample = SAMPLES[`${route.method} ${route.path}`]!;
        const res = await api.call(caller, {
          method: route.method,
          path: sample.path,
          query: sample.query ?? {},
          headers: { "x-purpose-of-use": "TREATMENT", ...sample.headers },
          ...(sample.body !== undefined ? { body: JSON.stringify(sample.body) } : {}),
        });
        if (res.status >= 300 || !route.response) continue;
        const parsed = route.response.safeParse(res.body);
        expect(parsed.error?.issues, `${route.method} ${route.path}`).toBeUndefined();
      }
    },
  );

  it("describes the answer of every route but the OpenAPI document itself", () => {
    const undescribed = ROUTES.filter((r) => !r.response).map((r) => `${r.method} ${r.path}`);
    expect(undescribed).toEqual(["GET /openapi.json"]);
  });

  it("lists a vendor's own uploads with status and reason, and none of another vendor's", async () => {
    const api = await apiHarness();
    const own = await api.call("vendor", { path: "/uploads" });
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({
      uploads: [{ id: RECORD, status: "INDEXED", source: { key: "acme/box-7/lopez.pdf" } }],
    });
    expect(JSON.stringify(own.body)).not.toMatch(/Maria|00451287|fields|documentType/);
    expect(await api.call("vendor", { path: "/uploads", query: { batch: "box-8" } })).toMatchObject({
      status: 200,
      body: { uploads: [] },
    });
    const other = await api.call("other-vendor", { path: "/uploads" });
    expect(other.body).toEqual({ uploads: [] });
    const bad = await api.call("vendor", { path: "/uploads", query: { batch: "../zeta" } });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).not.toContain("zeta");
  });

  it("shows a vendor its upload's status and reason, never what was read from it", async () => {
    const api = await apiHarness();
    const res = await api.call("vendor", { path: `/records/${RECORD}` });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: RECORD,
      status: "INDEXED",
      source: { key: "acme/box-7/lopez.pdf" },
    });
    const text = JSON.stringify(res.body);
    expect(text).not.toMatch(/Maria|Lopez.*1962|00451287|fields|documentType/);
  });
});
