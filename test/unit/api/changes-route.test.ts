/**
 * GET /changes: every record change in the order it was logged, resumable from a cursor, the last few
 * seconds held back until they settle, over the records API as a downstream system calls it.
 */
import { describe, expect, it } from "vitest";
import { SETTLE_MS, type RecordChange } from "../../../shared/events/change-feed";
import { apiHarness } from "../../support/api-harness";

type Changes = { changes: RecordChange[]; cursor: string };

const change = (n: number, loggedAt: string): RecordChange => ({
  recordId: `doc_${String(n).padStart(32, "0")}`,
  version: 2,
  status: "INDEXED",
  changedAt: loggedAt,
  loggedAt,
});

async function feedOf(times: string[]) {
  const api = await apiHarness();
  for (const [i, t] of times.entries()) await api.deps.changes.append(change(i + 1, t));
  const read = async (query: Record<string, string> = {}) => {
    const res = await api.call("machine-client", { path: "/changes", query });
    return res as { status: number; body: Changes & { message?: string } };
  };
  return { api, read };
}

describe("GET /changes", () => {
  it("lists changes oldest first and reads on from the cursor, never a change twice", async () => {
    const { read } = await feedOf([
      "2026-11-30T10:00:01.000Z",
      "2026-11-30T10:00:00.000Z",
      "2026-11-30T10:00:02.000Z",
    ]);
    const first = await read({ limit: "2" });
    expect(first.status).toBe(200);
    expect(first.body.changes.map((c) => c.loggedAt)).toEqual([
      "2026-11-30T10:00:00.000Z",
      "2026-11-30T10:00:01.000Z",
    ]);
    const next = await read({ since: first.body.cursor, limit: "2" });
    expect(next.body.changes.map((c) => c.loggedAt)).toEqual(["2026-11-30T10:00:02.000Z"]);
    // Nothing new: the same cursor back, to poll again with.
    const idle = await read({ since: next.body.cursor });
    expect(idle.body).toEqual({ changes: [], cursor: next.body.cursor });
  });

  it("holds back changes logged in the last seconds, until they settle", async () => {
    const { api, read } = await feedOf([]);
    const now = Date.parse(api.deps.now());
    await api.deps.changes.append(change(1, new Date(now - SETTLE_MS - 1000).toISOString()));
    await api.deps.changes.append(change(2, new Date(now + 1000).toISOString()));
    const page = await read();
    expect(page.body.changes.map((c) => c.recordId)).toEqual([change(1, "").recordId]);
  });

  it("refuses a cursor it did not issue and a limit out of range, without repeating them", async () => {
    const { read } = await feedOf(["2026-11-30T10:00:00.000Z"]);
    const bad: Record<string, string>[] = [
      { since: "not-a-cursor" },
      { limit: "0" },
      { limit: "5000" },
      { limit: "ten" },
    ];
    for (const query of bad) {
      const res = await read(query);
      expect(res.status, JSON.stringify(query)).toBe(400);
      expect(JSON.stringify(res.body)).not.toContain("not-a-cursor");
    }
  });
});
