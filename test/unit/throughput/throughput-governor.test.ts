import { describe, expect, it } from "vitest";
import { StartDeferredError } from "../../../shared/throughput/errors";
import {
  DEFAULT_GOVERNOR_SETTINGS,
  ThroughputGovernor,
} from "../../../shared/throughput/throughput-governor";
import { InMemoryThroughputStore } from "../../support/in-memory-throughput-store";
import { governorHarness, serverError, throttle } from "./governor-harness";

/** Admits `jobKey` for message `m`: "go", "ended" or "duplicate" (nothing to start), or the deferral it threw. */
async function admit(h: ReturnType<typeof governorHarness>, jobKey: string, m = jobKey) {
  try {
    const admission = await h.forMessage(m).admitStart(jobKey);
    return admission === "start" ? ("go" as const) : admission;
  } catch (err) {
    if (err instanceof StartDeferredError) return err;
    throw err;
  }
}

describe("throughput governor: Start… pacing", () => {
  it("lets a burst go 1/TPS apart within a second, and reserves later turns for the rest", async () => {
    const h = governorHarness({ startTps: 10, getTps: 5, maxJobs: 100 });
    const t0 = h.clock.nowMs();
    const calls: number[] = [];
    const deferred: StartDeferredError[] = [];
    // 25 uploads arrive at once; each handler admits then "calls" Start at the clock's time.
    for (let i = 0; i < 25; i++) {
      h.clock.clock.advance(t0 - h.clock.nowMs()); // every message handled at t0 (sleeps moved the clock)
      const out = await admit(h, `doc-${i}`);
      if (out === "go") calls.push(h.clock.nowMs() - t0);
      else deferred.push(out as StartDeferredError);
    }
    // Reservations are 100 ms apart: those within a second wait in the handler and go on their turn.
    expect(calls).toEqual([0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000]);
    expect(deferred.map((d) => [d.reason, d.parked, Math.round(d.retryAfterMs)])).toEqual(
      Array.from({ length: 14 }, (_, i) => ["start-rate", true, 1100 + i * 100]),
    );
    // Parked until just before their turn, in whole seconds (rounded down): back within a second of it.
    expect(h.visibility.lastFor("rh-doc-11")).toBe(1);
    expect(h.visibility.lastFor("rh-doc-24")).toBe(2);
  });

  it("starts a reserved document on its turn when its message comes back, without reserving again", async () => {
    const h = governorHarness({ startTps: 2, getTps: 5, maxJobs: 100 });
    const t0 = h.clock.nowMs();
    const outcomes = [];
    for (const d of ["a", "b", "c", "d", "e"]) {
      h.clock.clock.advance(t0 - h.clock.nowMs());
      outcomes.push(await admit(h, d));
    }
    // a, b, c: turns 0, 0.5 and 1 s (within the wait); d and e reserved 1.5 s and 2 s on.
    expect(outcomes.slice(0, 3)).toEqual(["go", "go", "go"]);
    expect(outcomes.slice(3).map((o) => (o as StartDeferredError).retryAfterMs)).toEqual([1500, 2000]);
    // A new document queues behind the reservations, not in front of them.
    h.clock.clock.advance(t0 + 400 - h.clock.nowMs());
    expect(await admit(h, "f")).toMatchObject({ reason: "start-rate", retryAfterMs: 2100 });
    // d was parked 1 s: back at 1 s, it waits the last half second in the handler and goes on its turn.
    h.clock.clock.advance(t0 + 1000 - h.clock.nowMs());
    expect(await admit(h, "d")).toBe("go");
    expect(h.clock.nowMs() - t0).toBe(1500);
  });

  it("gives a turn nobody claims to a new document rather than leave the gate idle", async () => {
    const h = governorHarness({ startTps: 2, getTps: 5, maxJobs: 100 });
    const t0 = h.clock.nowMs();
    for (const d of ["a", "b", "c", "d"]) {
      h.clock.clock.advance(t0 - h.clock.nowMs());
      await admit(h, d); // a, b, c go at 0, 0.5, 1 s; d is reserved for 1.5 s
    }
    // d's message is late (SQS delivered it behind a backlog): at 1.6 s the gate is free, the plan is not.
    h.clock.clock.advance(t0 + 1600 - h.clock.nowMs());
    expect(await admit(h, "e")).toBe("go");
    expect(h.clock.nowMs() - t0).toBe(1600);
    // d, back at last, still goes: within the second, on the next turn.
    expect(await admit(h, "d")).toBe("go");
    expect(h.clock.nowMs() - t0).toBe(2100);
  });

  it("spaces late messages by the gate: parked ones that come back together still go 1/TPS apart", async () => {
    const h = governorHarness({ startTps: 4, getTps: 5, maxJobs: 100 });
    const t0 = h.clock.nowMs();
    for (let i = 0; i < 12; i++) {
      h.clock.clock.advance(t0 - h.clock.nowMs());
      await admit(h, `doc-${i}`);
    }
    // All 12 messages come back only 10 s later (a queue backlog): their turns have passed.
    h.clock.clock.advance(t0 + 10_000 - h.clock.nowMs());
    const starts: number[] = [];
    for (let i = 0; i < 12; i++) {
      const out = await admit(h, `doc-${i}`);
      if (out === "go") starts.push(h.clock.nowMs());
    }
    const gaps = starts.slice(1).map((t, i) => t - starts[i]!);
    expect(gaps.every((g) => g >= 250)).toBe(true);
  });
});

describe("throughput governor: a busy gate", () => {
  it("parks a document once when the gate is busier than a second, then lets it wait its turn in the handler", async () => {
    const h = governorHarness({ startTps: 1, getTps: 5, maxJobs: 100 });
    const t0 = h.clock.nowMs();
    const at = (ms: number) => h.clock.clock.advance(t0 + ms - h.clock.nowMs());
    for (const d of ["a", "b", "c", "d", "e", "f", "g", "h"]) {
      at(0);
      await admit(h, d); // a goes at 0 s and b at 1 s; c … h are reserved for 2 … 7 s
    }
    // Their messages come back only at 8 s, all together (a queue backlog): the gate serves one a second.
    const first = [];
    for (const d of ["c", "d", "e", "f", "g", "h"]) {
      at(8000);
      first.push(await admit(h, d));
    }
    expect(first.slice(0, 2)).toEqual(["go", "go"]); // c at 8 s; d waits a second for 9 s
    expect(first.slice(2).map((o) => (o as StartDeferredError).reason)).toEqual(Array(4).fill("start-rate"));
    // Back from that park at 10 s, e … h wait in the handler for their turns (up to 3 s) instead of parking.
    const second = [];
    for (const d of ["e", "f", "g", "h"]) {
      at(10_000);
      second.push([await admit(h, d), h.clock.nowMs() - t0]);
    }
    expect(second).toEqual([
      ["go", 10_000],
      ["go", 11_000],
      ["go", 12_000],
      ["go", 13_000],
    ]);
  });
});

describe("throughput governor: job slots", () => {
  it("keeps jobs within the slot budget; a release hands the slot to the head of the line and wakes it", async () => {
    const h = governorHarness({ startTps: 100, getTps: 5, maxJobs: 2 });
    for (const d of ["a", "b"]) {
      expect(await admit(h, d)).toBe("go");
      await h.governor.startSucceeded(d);
    }
    const c = await admit(h, "c");
    const d = await admit(h, "d");
    expect(c).toMatchObject({ reason: "job-slot", parked: true });
    expect(d).toMatchObject({ reason: "job-slot", parked: true });
    expect(h.visibility.lastFor("rh-c")).toBe(3600);
    expect(h.slotsHeld()).toBe(2);

    await h.governor.release("a");
    expect(h.visibility.wakes()).toEqual(["rh-c"]); // first in line, first woken
    expect(h.slotsHeld()).toBe(2);
    expect(await admit(h, "d")).toMatchObject({ reason: "job-slot" }); // still waiting
    expect(await admit(h, "c")).toBe("go");
  });

  it("releases once per job key: a redelivered completion frees nothing twice", async () => {
    const h = governorHarness({ startTps: 100, getTps: 5, maxJobs: 2 });
    for (const d of ["a", "b"]) {
      await admit(h, d);
      await h.governor.startSucceeded(d);
    }
    await h.governor.release("a");
    await h.governor.release("a");
    await h.governor.release("never-started");
    expect(h.slotsHeld()).toBe(1);
    expect(await admit(h, "c")).toBe("go");
    expect(await admit(h, "d")).toMatchObject({ reason: "job-slot" });
  });

  it("reclaims the slot of a job whose completion never came once its lease ends", async () => {
    const h = governorHarness({ startTps: 100, getTps: 5, maxJobs: 1 }, { jobLeaseMs: 60 * 60_000 });
    await admit(h, "lost");
    await h.governor.startSucceeded("lost");
    expect(await admit(h, "next")).toMatchObject({ reason: "job-slot" });

    h.clock.advance(30 * 60_000);
    expect(await h.governor.reclaimExpired()).toBe(0);
    h.clock.advance(31 * 60_000);
    expect(await h.governor.reclaimExpired()).toBe(1);
    expect(h.visibility.wakes()).toEqual(["rh-next"]);
    expect(await admit(h, "next")).toBe("go");
  });

  it("reclaims expired slots itself when every slot is held and a document has to queue", async () => {
    const h = governorHarness({ startTps: 100, getTps: 5, maxJobs: 1 }, { claimLeaseMs: 60_000 });
    await admit(h, "crashed"); // holds its slot, never starts (its Lambda died)
    h.clock.advance(61_000);
    expect(await admit(h, "next")).toBe("go");
  });

  it("renews the lease of a job the sweeper saw still running", async () => {
    const h = governorHarness({ startTps: 100, getTps: 5, maxJobs: 1 }, { jobLeaseMs: 60_000 });
    await admit(h, "slow");
    await h.governor.startSucceeded("slow");
    h.clock.advance(50_000);
    await h.governor.renewLease("slow");
    h.clock.advance(50_000);
    expect(await h.governor.reclaimExpired()).toBe(0);
  });
});

describe("throughput governor: throttles and failures", () => {
  it("retries a throttled start soon, keeping its slot, ahead of documents reserved for later", async () => {
    const h = governorHarness({ startTps: 1, getTps: 5, maxJobs: 10 });
    const t0 = h.clock.nowMs();
    expect(await admit(h, "a")).toBe("go");
    h.clock.advance(50);
    const deferral = await h.forMessage("a").startFailed("a", throttle());
    // Backoff 1 s × jitter 0.75 (random 0.5); parked a whole second (rounded up: not back before it ends).
    expect(deferral).toMatchObject({ reason: "retry", parked: true, retryAfterMs: 750 });
    expect(h.visibility.lastFor("rh-a")).toBe(1);
    expect(h.slotsHeld()).toBe(1);
    // Documents arriving meanwhile are reserved for later: the refused call was paid for (one more turn).
    const later = [];
    for (const d of ["b", "c", "d"]) {
      h.clock.clock.advance(t0 + 60 - h.clock.nowMs());
      later.push(await admit(h, d));
    }
    expect(later.map((o) => (o as StartDeferredError).retryAfterMs)).toEqual([1940, 2940, 3940]);
    // a is back after its backoff and takes the next turn, before b (reserved for t0 + 2 s) is back.
    h.clock.clock.advance(t0 + 1050 - h.clock.nowMs());
    expect(await admit(h, "a")).toBe("go");
    expect(h.clock.nowMs() - t0).toBe(2000);
    h.clock.clock.advance(t0 + 1060 - h.clock.nowMs());
    expect(await admit(h, "b")).toMatchObject({ reason: "start-rate", retryAfterMs: 1940 });
  });

  it("backs off longer on each further throttle, and treats a server error the same way", async () => {
    const h = governorHarness({ startTps: 100, getTps: 5, maxJobs: 10 });
    await admit(h, "a");
    const waits: number[] = [];
    for (const err of [throttle(), serverError(), throttle()]) {
      const deferral = await h.forMessage("a").startFailed("a", err);
      waits.push(deferral!.retryAfterMs);
      h.clock.advance(deferral!.retryAfterMs);
      expect(await admit(h, "a")).toBe("go");
    }
    expect(waits).toEqual([750, 1500, 3000]);
  });

  it("gives the slot back when the start failed for good", async () => {
    const h = governorHarness({ startTps: 100, getTps: 5, maxJobs: 1 });
    await admit(h, "bad");
    expect(await admit(h, "next")).toMatchObject({ reason: "job-slot" });
    const bad = Object.assign(new Error("bad document"), { name: "InvalidS3ObjectException" });
    expect(await h.forMessage("bad").startFailed("bad", bad)).toBeUndefined();
    expect(h.visibility.wakes()).toEqual(["rh-next"]);
  });
});

describe("throughput governor: duplicate deliveries of an upload", () => {
  it("tells a second message of a document waiting in line it is a duplicate, and wakes the first", async () => {
    const h = governorHarness({ startTps: 100, getTps: 5, maxJobs: 1 });
    await admit(h, "a");
    await h.governor.startSucceeded("a");
    expect(await admit(h, "b", "b-1")).toMatchObject({ reason: "job-slot", parked: true });
    // The copy is not parked beside the first message (only one of them could be woken).
    expect(await admit(h, "b", "b-2")).toBe("duplicate");
    expect(h.visibility.lastFor("rh-b-2")).toBeUndefined();
    await h.governor.jobEnded("a");
    expect(h.visibility.wakes()).toEqual(["rh-b-1"]);
    expect(await admit(h, "b", "b-1")).toBe("go");
  });

  it("tells a duplicate of a reserved document so, until the reservation's holder is overdue", async () => {
    const h = governorHarness({ startTps: 1, getTps: 5, maxJobs: 10 });
    const t0 = h.clock.nowMs();
    await admit(h, "a"); // now
    h.clock.clock.advance(t0 - h.clock.nowMs());
    await admit(h, "b"); // in a second, waiting in the handler
    h.clock.clock.advance(t0 - h.clock.nowMs());
    expect(await admit(h, "c", "c-1")).toMatchObject({ reason: "start-rate", parked: true });
    expect(await admit(h, "c", "c-2")).toBe("duplicate");
    // The first message never came back (it went to the dead-letter queue): a copy may take over.
    h.clock.advance(DEFAULT_GOVERNOR_SETTINGS.claimLeaseMs + 3_000);
    expect(await admit(h, "c", "c-2")).toBe("go");
  });

  it("takes no slot for a job that has already ended (a late copy of a finished upload)", async () => {
    const h = governorHarness({ startTps: 100, getTps: 5, maxJobs: 1 });
    await admit(h, "a");
    await h.governor.startSucceeded("a");
    await h.governor.jobEnded("a");
    expect(await admit(h, "a", "a-copy")).toBe("ended");
    expect(h.slotsHeld()).toBe(0);
    expect(await admit(h, "next")).toBe("go");
    // A redelivered completion ends nothing twice.
    await h.governor.jobEnded("a");
    expect(h.slotsHeld()).toBe(1);
  });

  it("gives back a slot a copy took when the job ended before the copy's start returned", async () => {
    const h = governorHarness({ startTps: 100, getTps: 5, maxJobs: 1 });
    // The job's slot was reclaimed (its lease ran out), a copy took a new one; then the completion came.
    await admit(h, "a");
    await h.governor.startSucceeded("a");
    await h.governor.release("a");
    expect(await admit(h, "a", "a-copy")).toBe("go");
    await h.governor.jobEnded("a");
    await h.governor.startSucceeded("a");
    expect(h.slotsHeld()).toBe(0);
  });

  it("keeps a running job's lease when a copy of its upload waits at a busy gate", async () => {
    const h = governorHarness({ startTps: 1, getTps: 5, maxJobs: 10 }, { jobLeaseMs: 60 * 60_000 });
    const t0 = h.clock.nowMs();
    await admit(h, "a");
    await h.governor.startSucceeded("a");
    // At the same moment, b takes the gate's next turn (a second on) and c and d reserve later ones.
    for (const d of ["b", "c", "d"]) {
      h.clock.clock.advance(t0 - h.clock.nowMs());
      if ((await admit(h, d)) === "go") await h.governor.startSucceeded(d);
    }
    h.clock.clock.advance(t0 - h.clock.nowMs());
    expect(await admit(h, "a", "a-copy")).toMatchObject({ reason: "start-rate", parked: true });
    // Parked for the gate, the copy did not shorten the lease to a start's few minutes.
    h.clock.advance(30 * 60_000);
    expect(await h.governor.reclaimExpired()).toBe(0);
    expect(await h.governor.isQueued("a")).toBe(true);
  });
});

describe("throughput governor: without a message (the sweeper)", () => {
  it("is busy, reserving and parking nothing, when it could only start after a long wait", async () => {
    const h = governorHarness({ startTps: 100, getTps: 5, maxJobs: 1 });
    await admit(h, "running");
    const before = new Map(h.store.items);
    await expect(h.governor.admitStart("stuck")).rejects.toMatchObject({ reason: "job-slot", parked: false });
    expect(h.store.items).toEqual(before);
    expect(h.visibility.changes).toEqual([]);
  });

  it("tells a document waiting for capacity from a stuck one", async () => {
    const h = governorHarness({ startTps: 100, getTps: 5, maxJobs: 1 });
    await admit(h, "running");
    await admit(h, "waiting");
    expect(await h.governor.isQueued("waiting")).toBe(true);
    expect(await h.governor.isQueued("lost")).toBe(false);
    h.clock.advance(2 * 60 * 60_000);
    expect(await h.governor.isQueued("waiting")).toBe(false); // its park ended long ago: not coming back
  });
});

describe("throughput governor: Get… pacing", () => {
  it("spaces Get… calls 1/TPS apart and pays for a throttled one", async () => {
    const h = governorHarness({ startTps: 10, getTps: 5, maxJobs: 1 });
    const t0 = h.clock.nowMs();
    const at: number[] = [];
    for (let i = 0; i < 3; i++) {
      await h.governor.paceGet();
      at.push(h.clock.nowMs() - t0);
    }
    expect(await h.governor.getFailed(throttle())).toBe(true);
    await h.governor.paceGet();
    at.push(h.clock.nowMs() - t0);
    expect(at).toEqual([0, 200, 400, 800]);
    expect(await h.governor.getFailed(new Error("bug"))).toBe(false);
  });
});

describe("throughput governor: concurrent admissions", () => {
  it("never double-books a turn or a slot when handlers race (conditional writes)", async () => {
    const store = new InMemoryThroughputStore();
    const settings = {
      ...DEFAULT_GOVERNOR_SETTINGS,
      budget: { startTps: 20, getTps: 5, maxJobs: 15 },
      random: () => 0,
    };
    const t0 = Date.parse("2026-12-01T12:00:00.000Z");
    // 40 handlers at the same instant; each waits for its turn without moving the clock, yielding meanwhile.
    const outcomes = await Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        const waits: number[] = [];
        const clock = {
          nowMs: () => t0,
          sleep: async (ms: number) => {
            waits.push(ms);
            await new Promise((r) => setImmediate(r));
          },
        };
        const visibility = { change: async () => undefined };
        const governor = new ThroughputGovernor({ store, clock, visibility }, settings, {
          messageId: `m-${i}`,
          receiptHandle: `rh-${i}`,
        });
        try {
          await governor.admitStart(`doc-${i}`);
          return { went: true, turn: Math.max(0, ...waits) };
        } catch (err) {
          return { went: false, reason: (err as StartDeferredError).reason };
        }
      }),
    );
    expect(store.conflicts).toBeGreaterThan(0);
    const went = outcomes.filter((o) => o.went);
    const held = store.items.get("SLOTS")!.data.held as number;
    expect(held).toBe(went.length);
    expect(held).toBeLessThanOrEqual(15);
    // Start turns are distinct and at least 1/TPS (50 ms) apart.
    const turns = went.map((o) => o.turn!).sort((a, b) => a - b);
    expect(turns.slice(1).every((t, i) => t - turns[i]! >= 50)).toBe(true);
    expect(
      outcomes.filter((o) => !o.went).every((o) => o.reason === "start-rate" || o.reason === "job-slot"),
    ).toBe(true);
  });
});
