/**
 * `chartbridge events`: the local event log read as a feed (followed as it grows, a half-written line left
 * for later) and posted to an integrator's receiver with a signature it can check.
 */
import { execFile } from "node:child_process";
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import type { DomainEvent } from "../../../shared/events/domain-events";
import { eventFeed, eventLogFile } from "../../../local/events/event-feed";
import {
  deliver,
  SIGNATURE_HEADER,
  signature,
  verifySignature,
  webhookSecret,
} from "../../../local/events/webhook";

const event = (n: number, type = "record.indexed"): DomainEvent => ({
  id: `${type}:doc_${n}:v2`,
  type,
  time: `2026-12-04T10:00:${String(n).padStart(2, "0")}.000Z`,
  detail: { recordId: `doc_${n}`, version: 2, status: "INDEXED" },
});
const line = (e: DomainEvent) => `${JSON.stringify(e)}\n`;

/** Everything an async iterable yields (Array.fromAsync needs Node 22). */
async function all<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}
const bodyOf = async (req: IncomingMessage) =>
  Buffer.concat(await all(req as AsyncIterable<Buffer>)).toString("utf8");

const dirs: string[] = [];
const dataDir = () => {
  const dir = mkdtempSync(join(tmpdir(), "events-"));
  dirs.push(dir);
  return dir;
};
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

async function collect(feed: AsyncGenerator<DomainEvent>, n: number): Promise<DomainEvent[]> {
  const out: DomainEvent[] = [];
  for await (const e of feed) if (out.push(e) >= n) break;
  return out;
}

describe("the event feed", () => {
  it("reads the log, filtered by time and type", async () => {
    const dir = dataDir();
    writeFileSync(eventLogFile(dir), [event(1), event(2, "batch.completed"), event(3)].map(line).join(""));
    const ids = async (opts: Parameters<typeof eventFeed>[1]) =>
      (await all(eventFeed(dir, opts))).map((e) => e.id);
    expect(await ids({})).toHaveLength(3);
    expect(await ids({ since: "2026-12-04T10:00:02.000Z" })).toEqual([
      event(2, "batch.completed").id,
      event(3).id,
    ]);
    expect(await ids({ types: ["record.indexed"] })).toEqual([event(1).id, event(3).id]);
    expect(await ids({})).not.toContain(undefined);
  });

  it("follows the log as events are appended, a line still being written waiting for its end", async () => {
    const dir = dataDir();
    const stop = new AbortController();
    const feed = eventFeed(dir, { follow: true, signal: stop.signal, pollMs: 10 }); // no log yet
    const got = collect(feed, 3);
    await new Promise((r) => setTimeout(r, 30));
    appendFileSync(eventLogFile(dir), line(event(1)));
    const third = line(event(3));
    appendFileSync(eventLogFile(dir), line(event(2)) + third.slice(0, 20)); // cut mid-line
    await new Promise((r) => setTimeout(r, 30));
    appendFileSync(eventLogFile(dir), third.slice(20));
    expect((await got).map((e) => e.id)).toEqual([1, 2, 3].map((n) => event(n).id));
    stop.abort();
  });
});

describe("webhook delivery", () => {
  it("signs each event so the receiver can check it, and refuses a stale or altered one", () => {
    const body = JSON.stringify(event(1));
    const header = signature("s3cret", body, 1_764_842_400);
    expect(verifySignature("s3cret", body, header, 1_764_842_400 + 60)).toBe(true);
    expect(verifySignature("s3cret", body.replace("doc_1", "doc_2"), header, 1_764_842_460)).toBe(false);
    expect(verifySignature("other", body, header, 1_764_842_460)).toBe(false);
    expect(verifySignature("s3cret", body, header, 1_764_842_400 + 3600)).toBe(false); // replayed later
  });

  it("keeps one secret per data dir, readable by its owner only", () => {
    const dir = dataDir();
    const first = webhookSecret(dir);
    expect(first.created).toBe(true);
    expect(first.secret).toMatch(/^[0-9a-f]{64}$/);
    expect(webhookSecret(dir)).toMatchObject({ secret: first.secret, created: false });
  });

  it("posts to a receiver that verifies it, retrying while the receiver fails, not when it refuses", async () => {
    const received: { id: string; valid: boolean }[] = [];
    let failNext = 2;
    const server = createServer(async (req: IncomingMessage, res) => {
      const body = await bodyOf(req);
      if (req.url === "/refuse") return void res.writeHead(400).end();
      if (failNext-- > 0) return void res.writeHead(503).end();
      received.push({
        id: String(req.headers["chartbridge-event-id"]),
        valid: verifySignature("s3cret", body, String(req.headers[SIGNATURE_HEADER])),
      });
      res.writeHead(204).end();
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const { port } = server.address() as { port: number };
    try {
      expect(await deliver(`http://127.0.0.1:${port}/hook`, event(1), "s3cret")).toBe(204);
      expect(received).toEqual([{ id: event(1).id, valid: true }]);
      await expect(deliver(`http://127.0.0.1:${port}/refuse`, event(2), "s3cret")).rejects.toThrow("400");
    } finally {
      server.close();
    }
  });

  it("is what `chartbridge events --webhook` does with the stack's event log", async () => {
    const dir = dataDir();
    writeFileSync(eventLogFile(dir), [event(1), event(2)].map(line).join(""));
    const bodies: string[] = [];
    const server = createServer(async (req, res) => {
      bodies.push(await bodyOf(req));
      const ok = verifySignature(
        webhookSecret(dir).secret,
        bodies.at(-1)!,
        String(req.headers[SIGNATURE_HEADER]),
      );
      res.writeHead(ok ? 204 : 401).end();
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const { port } = server.address() as { port: number };
    try {
      const { stdout } = await promisify(execFile)(
        process.execPath,
        [
          "bin/chartbridge.js",
          "events",
          "--data-dir",
          dir,
          "--json",
          "--webhook",
          `http://127.0.0.1:${port}/`,
        ],
        { cwd: join(import.meta.dirname, "../../..") },
      );
      expect(
        stdout
          .trim()
          .split("\n")
          .map((l) => JSON.parse(l).id),
      ).toEqual([event(1).id, event(2).id]);
      expect(bodies.map((b) => JSON.parse(b).id)).toEqual([event(1).id, event(2).id]);
    } finally {
      server.close();
    }
  });
});
