import { describe, expect, it } from "vitest";
import { verifyDay } from "../../../shared/audit/audit-chain";
import { verifyAuditTrail } from "../../../shared/audit/verify-audit-trail";
import { apiHarness, MRN } from "../../support/api-harness";

const RECORD = "doc_0123456789abcdef0123456789abcdef";

describe("every read of PHI is audited before it is returned", () => {
  it("records a search with the ids of the hits returned and the patients involved", async () => {
    const api = await apiHarness();
    const res = await api.call("records-staff", { path: "/search", query: { q: "lopez" }, requestId: "r-1" });
    expect(res.status).toBe(200);
    expect(api.deps.audit.events).toEqual([
      expect.objectContaining({
        action: "search",
        outcome: "success",
        recordIds: [RECORD],
        mrns: [MRN],
        actor: {
          kind: "user",
          sub: "sub-staff",
          name: "sam",
          roles: ["records-staff"],
          scopes: ["records/staff"],
        },
        route: "GET /search",
        requestId: "r-1",
        sourceIp: "10.1.2.3",
        disclosure: false,
      }),
    ]);
  });

  it("returns nothing when the audit event cannot be written (fail closed)", async () => {
    const api = await apiHarness();
    api.deps.audit.fail = true;
    for (const path of ["/search", `/records/${RECORD}`]) {
      await expect(
        api.call("records-staff", { path, query: path === "/search" ? { q: "lopez" } : {} }),
      ).rejects.toThrow("audit store unavailable");
    }
  });

  it("audits a refused request for PHI as denied, with no record ids", async () => {
    const api = await apiHarness();
    expect((await api.call("vendor", { path: "/search", query: { q: "lopez" } })).status).toBe(403);
    expect(api.deps.audit.events).toEqual([
      expect.objectContaining({
        action: "search",
        outcome: "denied",
        recordIds: [],
        actor: expect.objectContaining({ name: "acme-uploader" }),
      }),
    ]);
  });

  it("writes nothing for routes without PHI", async () => {
    const api = await apiHarness();
    await api.call("none", { path: "/health" });
    expect(api.deps.audit.events).toEqual([]);
  });
});

describe("machine clients: every read is a disclosure with a purpose", () => {
  it("requires X-Purpose-Of-Use and refuses an unknown purpose, without repeating it", async () => {
    const api = await apiHarness();
    const missing = await api.call("machine-client", { path: `/records/${RECORD}` });
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ message: expect.stringMatching(/X-Purpose-Of-Use/) });
    const unknown = await api.call("machine-client", {
      path: `/records/${RECORD}`,
      headers: { "x-purpose-of-use": "CURIOSITY-Maria" },
    });
    expect(unknown.status).toBe(400);
    expect(JSON.stringify(unknown.body)).not.toMatch(/CURIOSITY|Maria/i);
    expect(api.deps.audit.events).toEqual([]);
  });

  it("lists the client's read in the patient's accounting of disclosures, and staff reads not", async () => {
    const api = await apiHarness();
    await api.call("records-staff", { path: `/records/${RECORD}` });
    await api.call("machine-client", {
      path: `/records/${RECORD}`,
      headers: { "x-purpose-of-use": "treatment" },
    });
    const res = await api.call("records-staff", { path: `/patients/${MRN}/disclosures` });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      disclosures: [
        expect.objectContaining({
          recipient: "ehr-client-id",
          action: "record.read",
          recordIds: [RECORD],
          purposeOfUse: "TREATMENT",
        }),
      ],
    });
    // Looking at the accounting is itself audited.
    expect(api.deps.audit.events.at(-1)).toMatchObject({ action: "disclosures.read", mrns: [MRN] });
  });

  it("finds the disclosures of a patient however the MRN is written", async () => {
    const api = await apiHarness();
    await api.call("machine-client", {
      path: `/records/${RECORD}`,
      headers: { "x-purpose-of-use": "PAYMENT" },
    });
    const res = await api.call("admin", { path: `/patients/MRN-${MRN}/disclosures` });
    expect((res.body as { disclosures: unknown[] }).disclosures).toHaveLength(1);
  });
});

describe("access report", () => {
  it("lists who accessed a record and what they did, with the exact record ids", async () => {
    const api = await apiHarness();
    await api.call("records-staff", { path: "/search", query: { mrn: MRN } });
    await api.call("records-staff", { path: `/records/${RECORD}` });
    const res = await api.call("admin", { path: "/audit", query: { recordId: RECORD } });
    expect(res.status).toBe(200);
    const events = (res.body as { events: { user: string; action: string; recordIds: string[] }[] }).events;
    expect(events.map((e) => [e.user, e.action, e.recordIds])).toEqual([
      ["sam", "search", [RECORD]],
      ["sam", "record.read", [RECORD]],
    ]);
  });

  it("exports CSV with a header row", async () => {
    const api = await apiHarness();
    await api.call("records-staff", { path: `/records/${RECORD}` });
    const res = await api.call("admin", { path: "/audit", query: { user: "sam", format: "csv" } });
    expect(res.headers["Content-Type"]).toBe("text/csv; charset=utf-8");
    const [header, row] = (res.body as string).trim().split("\n");
    expect(header).toBe(
      "eventId,at,user,kind,roles,scopes,action,outcome,recordIds,mrns,purposeOfUse,disclosure,route,requestId,sourceIp",
    );
    expect(row).toContain(
      `,sam,user,records-staff,records/staff,record.read,success,${RECORD},${MRN},,false,GET /records/{id},`,
    );
  });

  it("pages with a cursor", async () => {
    const api = await apiHarness();
    for (let i = 0; i < 3; i++) await api.call("records-staff", { path: `/records/${RECORD}` });
    const first = (await api.call("admin", { path: "/audit", query: { recordId: RECORD, limit: "2" } }))
      .body as {
      events: unknown[];
      nextCursor?: string;
    };
    expect(first.events).toHaveLength(2);
    const second = (
      await api.call("admin", {
        path: "/audit",
        query: { recordId: RECORD, limit: "2", cursor: first.nextCursor! },
      })
    ).body as { events: unknown[]; nextCursor?: string };
    // The third read, then the first page's own audit.read (looking at the report is audited too).
    expect((second.events as { action: string }[]).map((e) => e.action)).toEqual([
      "record.read",
      "audit.read",
    ]);
    expect(second.nextCursor).toBeUndefined();
  });

  it.each([
    [{}, /exactly one of recordId, mrn or user/],
    [{ recordId: RECORD, user: "sam" }, /exactly one/],
    [{ user: "sam", from: "03/12/2026" }, /^from: /],
    [{ user: "sam", limit: "5000" }, /^limit: /],
    [{ user: "sam", format: "xml" }, /^format: /],
    [{ user: "sam", from: "2026-12-03", to: "2026-12-01" }, /from must not be after to/],
  ])("answers 400 for %j", async (query, message) => {
    const api = await apiHarness();
    const res = await api.call("admin", { path: "/audit", query });
    expect(res.status).toBe(400);
    expect((res.body as { message: string }).message).toMatch(message);
  });
});

describe("tamper evidence", () => {
  async function trail() {
    const api = await apiHarness();
    for (let i = 0; i < 4; i++) await api.call("records-staff", { path: `/records/${RECORD}` });
    return api.deps.audit;
  }

  it("verifies an untouched day", async () => {
    const audit = await trail();
    expect(await verifyAuditTrail(audit, await audit.days())).toEqual({ days: 1, events: 4, problems: [] });
  });

  it("finds an altered event, a removed one and a cut tail", async () => {
    const audit = await trail();
    const [e1, e2, e3, e4] = audit.events;
    const day = e1!.day;
    const head = { seq: e4!.seq, hash: e4!.hash };
    expect(
      verifyDay(day, [e1!, { ...e2!, actor: { ...e2!.actor, name: "mallory" } }, e3!, e4!], head),
    ).toEqual([{ kind: "altered", day, seq: 2 }]);
    expect(verifyDay(day, [e1!, e2!, e4!], head)).toEqual([
      { kind: "gap", day, missingFrom: 3, missingTo: 3 },
    ]);
    expect(verifyDay(day, [e1!, e2!], head)).toEqual([{ kind: "truncated", day, headSeq: 4, lastSeq: 2 }]);
    // Renumbering after a removal cannot hide it: the link to the event before no longer holds.
    expect(verifyDay(day, [e1!, e2!, { ...e4!, seq: 3 }], { seq: 3, hash: e4!.hash })).toContainEqual({
      kind: "altered",
      day,
      seq: 3,
    });
  });
});
